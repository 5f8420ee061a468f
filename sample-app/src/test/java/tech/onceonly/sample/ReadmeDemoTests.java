package tech.onceonly.sample;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.hamcrest.Matchers;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * The README's demo rows, with the exact paths and request bodies the README's curl
 * commands send (read from README.md itself), answer as the table says.
 */
@SpringBootTest
@AutoConfigureMockMvc
class ReadmeDemoTests {

	private static final Pattern CURL_POST = Pattern
		.compile("curl (?:-i )?-X POST '?localhost:8080([^ ']+)'?((?: -H '[^']+')*) -d '([^']+)'");

	private static final Pattern HEADER = Pattern.compile("-H '([^:]+): ([^']+)'");

	@Autowired
	private MockMvc mvc;

	@Test
	void everyDemoRowWithABodyShouldBeAcceptedAsWritten() throws Exception {
		List<MatchResult> rows = readmeRowsWithBodies();
		assertThat(rows).as("README rows with a request body").hasSizeGreaterThanOrEqualTo(3);
		for (MatchResult row : rows) {
			MockHttpServletRequestBuilder request = post(row.group(1)).contentType(MediaType.APPLICATION_JSON)
				.content(row.group(3));
			Matcher header = HEADER.matcher(row.group(2));
			while (header.find()) {
				if (!header.group(1).equals("Content-Type")) {
					request.header(header.group(1), header.group(2));
				}
			}
			int first = this.mvc.perform(request).andReturn().getResponse().getStatus();
			assertThat(first).as("%s answered", row.group(0)).isBetween(200, 299);
		}
	}

	@Test
	void killSwitchRowShouldBlockAndItsReleaseShouldUnblock() throws Exception {
		String readme = readme();
		assertThat(readme).contains("curl -X POST localhost:8080/shipping/kill-switch/release");
		this.mvc.perform(post("/shipping/kill-switch")).andExpect(status().isOk());
		this.mvc.perform(post("/shipping/orders/readme-k/label")).andExpect(status().isLocked());
		this.mvc.perform(post("/shipping/kill-switch/release"))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.is_enabled").value(true));
		this.mvc.perform(get("/shipping/audit")).andExpect(status().isOk());
	}

	@Test
	void agentChatRowShouldChargeOnceAndBlockTheRefund() throws Exception {
		MatchResult chat = readmeRowsWithBodies().stream()
			.filter((row) -> row.group(1).equals("/agent/chat"))
			.findFirst()
			.orElseThrow();
		this.mvc.perform(post("/agent/chat").contentType(MediaType.APPLICATION_JSON).content(chat.group(3)))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.answer").value(Matchers.containsString("charged o-42 500")))
			.andExpect(jsonPath("$.answer").value(Matchers.endsWith("blocked by policy: tool_explicitly_blocked")));
	}

	private static List<MatchResult> readmeRowsWithBodies() throws IOException {
		return CURL_POST.matcher(readme()).results().toList();
	}

	private static String readme() throws IOException {
		return Files.readString(Path.of("..", "README.md"));
	}

}
