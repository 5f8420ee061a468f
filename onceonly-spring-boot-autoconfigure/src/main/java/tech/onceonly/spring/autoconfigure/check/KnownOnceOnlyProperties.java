package tech.onceonly.spring.autoconfigure.check;

import java.io.IOException;
import java.io.InputStream;
import java.util.Collection;
import java.util.Comparator;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

import org.jspecify.annotations.Nullable;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.core.io.support.ResourcePatternResolver;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The {@code onceonly.*} keys the configuration metadata on the classpath describes (the
 * same metadata IDEs use), and the question of whether a configured key is one of them.
 * Keys under a map or list property ({@code onceonly.webhook.endpoints.stripe.secret})
 * are known when the map or list is.
 */
final class KnownOnceOnlyProperties {

	private static final String METADATA = "classpath*:META-INF/spring-configuration-metadata.json";

	private final Set<String> properties = new TreeSet<>();

	private final Set<String> containers = new TreeSet<>();

	private KnownOnceOnlyProperties() {
	}

	/**
	 * The known keys from every metadata file on the classpath of {@code classLoader}.
	 */
	static KnownOnceOnlyProperties load(@Nullable ClassLoader classLoader) {
		KnownOnceOnlyProperties known = new KnownOnceOnlyProperties();
		ResourcePatternResolver resolver = new PathMatchingResourcePatternResolver(classLoader);
		JsonMapper json = JsonMapper.builder().build();
		try {
			for (Resource resource : resolver.getResources(METADATA)) {
				try (InputStream in = resource.getInputStream()) {
					known.add(json.readTree(in));
				}
			}
		}
		catch (IOException | RuntimeException ex) {
			// unreadable metadata: nothing is known, so nothing is reported
		}
		return known;
	}

	private void add(JsonNode metadata) {
		for (JsonNode property : metadata.path("properties")) {
			String name = property.path("name").asString("");
			if (!name.startsWith("onceonly.")) {
				continue;
			}
			this.properties.add(name);
			String type = property.path("type").asString("");
			if (type.startsWith("java.util.Map") || type.startsWith("java.util.List")
					|| type.startsWith("java.util.Set") || type.startsWith("java.util.Collection")) {
				this.containers.add(name);
			}
		}
	}

	/** Whether no metadata was found, in which case nothing should be reported. */
	boolean isEmpty() {
		return this.properties.isEmpty();
	}

	/** Whether {@code name} (canonical form, indexes removed) is a known key. */
	boolean isKnown(String name) {
		if (this.properties.contains(name)) {
			return true;
		}
		for (String container : this.containers) {
			if (name.startsWith(container + ".")) {
				return true;
			}
		}
		for (String property : this.properties) {
			// a group of a known key is not a key itself, but binds nothing wrong either
			if (property.startsWith(name + ".")) {
				return true;
			}
		}
		return false;
	}

	/**
	 * The known key nearest to {@code name}, when one is close enough to be a typo of it.
	 */
	@Nullable String suggestion(String name) {
		return nearest(name, this.properties);
	}

	static @Nullable String nearest(String name, Collection<String> candidates) {
		String lower = name.toLowerCase(Locale.ROOT);
		int limit = Math.max(2, lower.length() / 5);
		return candidates.stream()
			.map((candidate) -> new Candidate(candidate, distance(lower, candidate)))
			.filter((candidate) -> candidate.distance() <= limit)
			.min(Comparator.comparingInt(Candidate::distance).thenComparing(Candidate::name))
			.map(Candidate::name)
			.orElse(null);
	}

	/**
	 * Edits between two strings: insertions, deletions, substitutions and swaps of two
	 * neighbouring characters ({@code stroe} is one edit from {@code store}).
	 */
	static int distance(String a, String b) {
		int[][] d = new int[a.length() + 1][b.length() + 1];
		for (int i = 0; i <= a.length(); i++) {
			d[i][0] = i;
		}
		for (int j = 0; j <= b.length(); j++) {
			d[0][j] = j;
		}
		for (int i = 1; i <= a.length(); i++) {
			for (int j = 1; j <= b.length(); j++) {
				int cost = (a.charAt(i - 1) == b.charAt(j - 1)) ? 0 : 1;
				d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
				if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
					d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
				}
			}
		}
		return d[a.length()][b.length()];
	}

	private record Candidate(String name, int distance) {

	}

}
