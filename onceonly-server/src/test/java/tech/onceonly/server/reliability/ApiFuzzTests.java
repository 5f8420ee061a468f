package tech.onceonly.server.reliability;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import tools.jackson.databind.json.JsonMapper;

import tech.onceonly.server.ApiClient;
import tech.onceonly.server.ServerTest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Generated bad input on every {@code /v1} route (taken from the MVC mappings, so a new
 * route is fuzzed without being listed): bodies that are not objects, invalid JSON,
 * invalid UTF-8, NUL characters, duplicate names, huge and deeply nested JSON, numbers
 * out of range, wrong types of every known field, and bad query values. Every answer is a
 * 4xx in the {@code {"detail": …}} shape, never a 5xx, a stack trace or an echoed secret,
 * and the tenant's state is the same afterwards. A route walk proves every {@code /v1}
 * route needs a key and only health and info are exposed on the actuator; the captured
 * log never holds an API key or its hash.
 */
@ServerTest
@ExtendWith(OutputCaptureExtension.class)
class ApiFuzzTests {

	private static final String KEY = "test-key-fuzz";

	private static final String SECRET = "FUZZ-SECRET-d41d8cd98f";

	private static final HttpClient HTTP = HttpClient.newHttpClient();

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final List<String> FIELDS = List.of("key", "ttl", "metadata", "lease_id", "result", "error_code",
			"reason", "agent_id", "tool", "args", "spend_usd", "template", "overrides", "name", "url", "auth",
			"enabled", "run_id", "type", "ts", "message", "data", "email_notifications_enabled");

	private static final List<Object> WRONG_VALUES = List.of(List.of(1, 2), Map.of("secret", SECRET), true, -1, 1.5, "",
			"x".repeat(5000), 1e300, Long.MAX_VALUE);

	@LocalServerPort
	int port;

	@Autowired
	@Qualifier("requestMappingHandlerMapping")
	RequestMappingHandlerMapping mappings;

	private record Route(String method, String path) {
	}

	private List<Route> routes() {
		List<Route> routes = new ArrayList<>();
		for (RequestMappingInfo info : this.mappings.getHandlerMethods().keySet()) {
			for (String pattern : info.getPatternValues()) {
				if (!pattern.startsWith("/v1/") || pattern.startsWith("/v1/test-")) {
					continue;
				}
				String path = pattern.replaceAll("\\{[^}]+}", "fuzz-x");
				info.getMethodsCondition().getMethods().forEach((m) -> routes.add(new Route(m.name(), path)));
			}
		}
		assertThat(routes).hasSizeGreaterThanOrEqualTo(30);
		return routes;
	}

	private record Answer(int status, String contentType, String body) {
	}

	private Answer send(String key, String method, String pathAndQuery, byte[] body, String... headers) {
		HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + pathAndQuery))
			.header("Content-Type", "application/json")
			.method(method, HttpRequest.BodyPublishers.ofByteArray(body));
		if (key != null) {
			builder.header("Authorization", "Bearer " + key);
		}
		if (headers.length > 0) {
			builder.headers(headers);
		}
		try {
			HttpResponse<String> response = HTTP.send(builder.build(), HttpResponse.BodyHandlers.ofString());
			return new Answer(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""),
					response.body());
		}
		catch (IOException ex) {
			throw new IllegalStateException(method + " " + pathAndQuery + ": " + ex, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private static void assertRefused(Answer answer, String what) {
		assertThat(answer.status()).as(what + " -> " + answer.body()).isBetween(400, 499);
		assertDetailShape(answer, what);
	}

	private static void assertDetailShape(Answer answer, String what) {
		assertThat(answer.contentType()).as(what).startsWith("application/json");
		Object parsed = JSON.readValue(answer.body(), Object.class);
		assertThat(parsed).as(what).isInstanceOf(Map.class);
		assertThat(((Map<?, ?>) parsed).containsKey("detail")).as(what).isTrue();
		assertThat(answer.body()).as(what)
			.doesNotContain(SECRET)
			.doesNotContain("Exception")
			.doesNotContain("\tat ")
			.doesNotContain(KEY);
	}

	/** Bodies no route accepts. */
	private static List<byte[]> badBodies(Random random) {
		List<byte[]> bodies = new ArrayList<>();
		for (String text : List.of("[]", "\"" + SECRET + "\"", "12", "true", "null", "{", "{\"key\":}",
				"{\"key\":\"fuzz:a\",\"key\":\"fuzz:b\"}", "{\"secret\":\"" + SECRET + "\",\"x\":\"a\\u0000b\"}",
				"{\"a\u0000\":1}", "{\"ttl\":1e400,\"secret\":\"" + SECRET + "\"}", "{\"x\":-1e999}",
				"{\"x\":" + "[".repeat(40) + "]".repeat(40) + "}",
				"{\"x\":" + "{\"a\":".repeat(3000) + "1" + "}".repeat(3001), "{\"x\":" + "9".repeat(2000) + "}",
				"{'key':'fuzz:a'}", "{\"key\":\"fuzz:a\"} trailing")) {
			bodies.add(text.getBytes(StandardCharsets.UTF_8));
		}
		bodies.add(new byte[] { '{', '"', 'k', 'e', 'y', '"', ':', '"', (byte) 0xFF, (byte) 0xFE, '"', '}' });
		bodies.add(new byte[] { '{', '"', 'k', '"', ':', '"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"', '}' });
		byte[] noise = new byte[512];
		random.nextBytes(noise);
		noise[0] = '{';
		bodies.add(noise);
		bodies.add(("{\"key\":\"fuzz:huge\",\"metadata\":{\"b\":\"" + "x".repeat(1024 * 1024 + 100) + "\"}}")
			.getBytes(StandardCharsets.UTF_8));
		return bodies;
	}

	private Map<String, Object> snapshot() {
		Map<String, Object> state = new LinkedHashMap<>();
		for (String path : List.of("/v1/policies", "/v1/tools", "/v1/events", "/v1/me", "/v1/runs/fuzz-x",
				"/v1/agents/fuzz-x/logs", "/v1/ai/status?key=fuzz:a")) {
			state.put(path, send(KEY, "GET", path, new byte[0]).body());
		}
		return state;
	}

	@Test
	void everyRouteShouldRefuseBadInputWithA4xxInTheDetailShapeAndChangeNothing(CapturedOutput output)
			throws Exception {
		Random random = new Random(20);
		Map<String, Object> before = snapshot();
		int sent = 0;
		for (Route route : routes()) {
			if (route.method().equals("POST")) {
				for (byte[] body : badBodies(random)) {
					assertRefused(send(KEY, "POST", route.path(), body), route + " " + preview(body));
					sent++;
				}
			}
			for (String query : List.of("limit=%ff", "key=%ed%a0%80", "key=a%00b", "scope_id=%c3%28", "kind=%c0%af")) {
				assertRefused(send(KEY, route.method(), route.path() + "?" + query, new byte[0]), route + "?" + query);
				sent++;
			}
		}
		assertThat(snapshot()).as("state after refused requests").isEqualTo(before);
		for (Route route : routes()) {
			if (route.method().equals("POST")) {
				for (String field : FIELDS) {
					Object wrong = WRONG_VALUES.get(random.nextInt(WRONG_VALUES.size()));
					Map<String, Object> body = new LinkedHashMap<>();
					body.put(field, wrong);
					body.put("secret_note", SECRET);
					Answer answer = send(KEY, "POST", route.path(), JSON.writeValueAsBytes(body));
					assertThat(answer.status()).as(route + " " + body).isLessThan(500);
					assertDetailShapeUnless2xx(answer, route + " " + field);
					sent++;
				}
			}
			for (String query : List.of("limit=abc", "limit=-5", "limit=99999999999", "offset=-1", "period=year",
					"kind=weird", "from_day=2026-13-45&to_day=x")) {
				Answer answer = send(KEY, route.method(), route.path() + "?" + query, new byte[0]);
				assertThat(answer.status()).as(route + "?" + query).isLessThan(500);
				sent++;
			}
		}
		for (String path : List.of("/v1/runs/..%2F..%2Fme", "/v1/runs/%2e%2e", "/v1/tools/%2e%2e%2fpolicies",
				"/v1/policies/a%2Fb", "/v1/agents/%2e/logs", "/v1/runs/%2F", "/v1/tools/x%5C..%5Cy")) {
			Answer answer = send(KEY, "GET", path, new byte[0]);
			assertThat(answer.status()).as(path).isLessThan(500);
			assertDetailShapeUnless2xx(answer, path);
			sent++;
		}
		assertThat(sent).isGreaterThan(500);
		String log = output.getAll();
		assertThat(log).doesNotContain(KEY).doesNotContain(sha256(KEY)).doesNotContain(SECRET);
	}

	private static void assertDetailShapeUnless2xx(Answer answer, String what) {
		if (answer.status() >= 400) {
			assertDetailShape(answer, what);
		}
		else {
			assertThat(answer.body()).as(what).doesNotContain(SECRET).doesNotContain(KEY);
		}
	}

	@Test
	void everyV1RouteShouldNeedAKeyAndTheActuatorShouldExposeOnlyHealthAndInfo() {
		for (Route route : routes()) {
			Answer none = send(null, route.method(), route.path(), "{}".getBytes(StandardCharsets.UTF_8));
			assertThat(none.status()).as(route.toString()).isEqualTo(401);
			assertDetailShape(none, route.toString());
			Answer wrong = send("not-a-key", route.method(), route.path(), "{}".getBytes(StandardCharsets.UTF_8));
			assertThat(wrong.status()).as(route.toString()).isEqualTo(403);
		}
		assertThat(send(null, "GET", "/actuator/health", new byte[0]).status()).isEqualTo(200);
		for (String endpoint : List.of("env", "beans", "configprops", "heapdump", "threaddump", "loggers", "metrics",
				"mappings", "shutdown", "scheduledtasks", "conditions")) {
			Answer answer = send(null, "GET", "/actuator/" + endpoint, new byte[0]);
			assertThat(answer.status()).as(endpoint).isEqualTo(404);
		}
	}

	private static String preview(byte[] body) {
		String text = new String(body, StandardCharsets.UTF_8);
		return (text.length() > 80) ? text.substring(0, 80) + "…(" + body.length + " bytes)" : text;
	}

	private static String sha256(String value) {
		try {
			return HexFormat.of()
				.formatHex(MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
		}
		catch (Exception ex) {
			return fail(ex.toString());
		}
	}

}
