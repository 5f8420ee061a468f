package tech.onceonly.sample;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample app's actuator view of OnceOnly: the onceonly health component, the
 * onceonly.client metric after a runFn and its replay, and the onceonly endpoint with its
 * writes refused.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class SampleObservabilityTests {

	private final HttpClient http = HttpClient.newHttpClient();

	private final JsonMapper json = JsonMapper.builder().build();

	@LocalServerPort
	private int port;

	private HttpResponse<String> send(String method, String path) throws IOException, InterruptedException {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + path))
			.method(method, HttpRequest.BodyPublishers.noBody())
			.build();
		return this.http.send(request, HttpResponse.BodyHandlers.ofString());
	}

	private JsonNode get(String path) throws IOException, InterruptedException {
		HttpResponse<String> response = send("GET", path);
		assertThat(response.statusCode()).as(path).isEqualTo(200);
		return this.json.readTree(response.body());
	}

	private double count(String outcome) throws IOException, InterruptedException {
		JsonNode metric = get("/actuator/metrics/onceonly.client?tag=operation:run_fn&tag=outcome:" + outcome);
		for (JsonNode measurement : metric.get("measurements")) {
			if (measurement.get("statistic").asString().equals("COUNT")) {
				return measurement.get("value").asDouble();
			}
		}
		throw new AssertionError("no COUNT in " + metric);
	}

	@Test
	void reportCallsShouldShowInHealthMetricsAndTheEndpoint() throws Exception {
		assertThat(send("POST", "/reports/observed-q1").statusCode()).isEqualTo(200);
		assertThat(send("POST", "/reports/observed-q1").statusCode()).isEqualTo(200);

		JsonNode onceonly = get("/actuator/health").get("components").get("onceonly");
		assertThat(onceonly.get("status").asString()).isEqualTo("UP");
		assertThat(onceonly.get("details").get("backend").asString()).isEqualTo("local");
		assertThat(onceonly.get("details").get("store").asString()).isEqualTo("memory");

		JsonNode readiness = get("/actuator/health/readiness");
		assertThat(readiness.get("status").asString()).isEqualTo("UP");
		assertThat(readiness.get("components").has("onceonly")).isTrue();

		assertThat(count("executed")).isEqualTo(1.0);
		assertThat(count("replayed")).isEqualTo(1.0);
		JsonNode tags = get("/actuator/metrics/onceonly.client").get("availableTags");
		assertThat(tags.toString()).contains("backend").contains("local").doesNotContain("observed-q1");

		JsonNode summary = get("/actuator/onceonly");
		assertThat(summary.get("backend").asString()).isEqualTo("local");
		assertThat(summary.get("writeEnabled").asBoolean()).isFalse();
		assertThat(get("/actuator/onceonly/leases/report:observed-q1").get("status").asString()).isEqualTo("completed");
		HttpResponse<String> release = send("DELETE", "/actuator/onceonly/leases/report:observed-q1");
		assertThat(release.statusCode()).isEqualTo(403);
		assertThat(release.body()).contains("onceonly.endpoint.write-enabled");
	}

}
