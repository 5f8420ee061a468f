package tech.onceonly.spring.web.webhook;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.util.LinkedMultiValueMap;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

import tech.onceonly.spring.web.webhook.WebhookDeliveries.IdResolution;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How a delivery id is found: a provider's top-level body field is read with a streaming
 * parser that skips nested values, and must find exactly what parsing the whole body
 * found; a key expression gets only the request parts it mentions.
 */
class WebhookDeliveryIdTests {

	private final WebhookDeliveries deliveries = new WebhookDeliveries(WebhookSettings.defaults());

	private final WebhookEndpoints endpoints = new WebhookEndpoints();

	private WebhookEndpoint endpoint(String method, Class<?>... parameters) throws NoSuchMethodException {
		WebhookEndpoint endpoint = this.endpoints.find(
				WebhookIdempotencyInterceptorTests.Webhooks.class.getDeclaredMethod(method, parameters),
				WebhookIdempotencyInterceptorTests.Webhooks.class);
		assertThat(endpoint).isNotNull();
		return endpoint;
	}

	private IdResolution stripe(String body) throws NoSuchMethodException {
		return this.deliveries.resolveId(endpoint("stripe", String.class), request(new HttpHeaders(), body));
	}

	private static WebhookRequest request(HttpHeaders headers, String body) {
		return new WebhookRequest(headers, Map.of(), new LinkedMultiValueMap<>(),
				body.getBytes(StandardCharsets.UTF_8));
	}

	@Test
	void topLevelIdShouldBeFoundPastNestedObjectsWithIdsOfTheirOwn() throws Exception {
		assertThat(
				stripe("{\"data\":{\"object\":{\"id\":\"pi_1\",\"items\":[{\"id\":\"li_1\"}]}},\"id\":\"evt_1\"}").id())
			.isEqualTo("evt_1");
		assertThat(stripe("  {\"id\":\"evt_2\",\"data\":{\"object\":{\"id\":\"pi_2\"}}}").id()).isEqualTo("evt_2");
	}

	@Test
	void streamingReadShouldFindWhatParsingTheWholeBodyFinds() throws Exception {
		JsonMapper json = JsonMapper.builder().build();
		List<String> bodies = List.of("{\"id\":\"evt_1\"}", "{\"id\":12345}", "{\"id\":12345678901234}",
				"{\"id\":1.50}", "{\"id\":true}", "{\"id\":{\"nested\":1}}", "{\"id\":[\"a\",\"b\"]}",
				"{\"id\":\"a\",\"id\":\"b\"}", "{\"id\":\"a\",\"id\":{\"x\":1}}", "{\"id\":{\"x\":1},\"id\":\"c\"}",
				"{\"id\":\"evt_3\"} trailing", "{\"id\":\"evt_4\"}  \n", "{\"id\":\" padded \"}", "{\"id\":null}",
				"{\"id\":\"\\u0041\\\"q\"}");
		for (String body : bodies) {
			Object whole;
			try {
				whole = json.readValue(body, Map.class).get("id");
			}
			catch (JacksonException ex) {
				whole = null;
			}
			IdResolution resolution = stripe(body);
			if (whole == null) {
				assertThat(resolution.id()).as(body).isNull();
			}
			else {
				assertThat(resolution.id()).as(body).isEqualTo(whole.toString().trim());
			}
		}
	}

	@Test
	void bodyThatIsNotAWellFormedObjectShouldHaveNoId() throws Exception {
		for (String body : List.of("", "   ", "[{\"id\":\"evt_1\"}]", "\"evt_1\"", "{\"id\":\"evt_1\",\"data\":{",
				"{\"id\":\"evt_1\"", "{\"id\":\"evt_1\",}", "{id:\"evt_1\"}")) {
			IdResolution resolution = stripe(body);
			assertThat(resolution.id()).as(body).isNull();
			assertThat(resolution.pass()).isFalse();
			assertThat(resolution.problem()).as(body).isNotNull();
		}
	}

	@Test
	void slackUrlVerificationShouldPassOnlyWhenItIsTheTopLevelType() throws Exception {
		WebhookEndpoint slack = endpoint("slack", Map.class);
		assertThat(this.deliveries
			.resolveId(slack, request(new HttpHeaders(), "{\"challenge\":\"c\",\"type\":\"url_verification\"}"))
			.pass()).isTrue();
		IdResolution nested = this.deliveries.resolveId(slack,
				request(new HttpHeaders(), "{\"event\":{\"type\":\"url_verification\"},\"type\":\"event_callback\"}"));
		assertThat(nested.pass()).isFalse();
		assertThat(nested.problem()).contains("event_id");
		assertThat(
				this.deliveries
					.resolveId(slack,
							request(new HttpHeaders(),
									"{\"type\":\"event_callback\",\"event_id\":\"Ev1\",\"event\":{}}"))
					.id())
			.isEqualTo("Ev1");
	}

	@Test
	void keyExpressionShouldReadOnlyTheRequestPartsItMentions() throws Exception {
		WebhookEndpoint spel = endpoint("spel", String.class);
		assertThat(spel.needsBody()).isTrue();
		assertThat(spel.readsHeaders()).isTrue();
		assertThat(spel.readsParams()).isTrue();
		assertThat(spel.readsPathVariables()).isTrue();
		WebhookEndpoint stripe = endpoint("stripe", String.class);
		assertThat(stripe.needsBody()).isTrue();
		assertThat(stripe.readsHeaders()).isFalse();
		assertThat(stripe.readsParams()).isFalse();
		WebhookEndpoint generic = endpoint("generic", String.class);
		assertThat(generic.needsBody()).isFalse();
		assertThat(generic.readsHeaders()).isTrue();
		assertThat(generic.readsPathVariables()).isFalse();
	}

}
