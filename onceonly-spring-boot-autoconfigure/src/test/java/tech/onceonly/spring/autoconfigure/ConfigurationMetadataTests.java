package tech.onceonly.spring.autoconfigure;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

class ConfigurationMetadataTests {

	@Test
	@SuppressWarnings("unchecked")
	void everyOnceOnlyPropertyShouldHaveADescription() throws Exception {
		Map<String, Object> metadata;
		try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
			assertThat(in).as("generated configuration metadata").isNotNull();
			metadata = JsonMapper.builder().build().readValue(in, Map.class);
		}
		List<Map<String, Object>> properties = (List<Map<String, Object>>) metadata.get("properties");
		List<String> names = new ArrayList<>();
		List<String> undocumented = new ArrayList<>();
		for (Map<String, Object> property : properties) {
			String name = (String) property.get("name");
			if (name.startsWith("onceonly.")) {
				names.add(name);
				Object description = property.get("description");
				if (!(description instanceof String text) || text.isBlank()) {
					undocumented.add(name);
				}
			}
		}
		assertThat(names).contains("onceonly.enabled", "onceonly.mode", "onceonly.api-key", "onceonly.base-url",
				"onceonly.retry.max-retries", "onceonly.store.type", "onceonly.store.memory.max-entries",
				"onceonly.local.retention", "onceonly.annotations.enabled", "onceonly.annotations.order");
		assertThat(undocumented).as("onceonly.* properties without a description").isEmpty();
	}

}
