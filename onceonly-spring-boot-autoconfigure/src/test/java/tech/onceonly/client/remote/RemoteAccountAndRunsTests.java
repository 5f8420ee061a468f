package tech.onceonly.client.remote;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import tech.onceonly.client.ApiException;
import tech.onceonly.client.NotificationPreferences;
import tech.onceonly.client.OnceOnly;
import tech.onceonly.client.RunEvent;
import tech.onceonly.client.UnauthorizedException;
import tech.onceonly.client.ValidationException;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Account, notifications, events and run timelines (the Python 3.0.4/3.0.5 and TypeScript
 * {@code run-debug-methods.test} / {@code client-behavior.test} cases), and the generic
 * answer parser.
 */
class RemoteAccountAndRunsTests extends RemoteClientTestSupport {

	private static void answer(int status, String body) {
		stub(any(anyUrl()).willReturn(json(status, body)));
	}

	@Test
	void updateNotificationsSendsExactlyTheGivenFlag() {
		answer(200, "{\"email_notifications_enabled\":true,\"tool_error_notifications_enabled\":false,"
				+ "\"run_failure_notifications_enabled\":true}");
		Map<String, Object> answer = client().updateNotifications(new NotificationPreferences(null, false, null));
		assertThat(answer).containsEntry("tool_error_notifications_enabled", false);
		assertThat(onlyRequest().getUrl()).isEqualTo("/v1/me/notifications");
		assertThat(body(onlyRequest())).isEqualTo(Map.of("tool_error_notifications_enabled", false));
	}

	@Test
	void updateNotificationsWithoutFlagsIsRejectedBeforeAnyRequest() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> client().updateNotifications(new NotificationPreferences(null, null, null)))
			.withMessageContaining("at least one preference field");
		assertThat(requests()).isEmpty();
	}

	@Test
	void reactiveUpdateNotifications() {
		answer(200, "{\"run_failure_notifications_enabled\":false}");
		OnceOnly client = client();
		Map<String, Object> answer = client.reactive()
			.updateNotifications(new NotificationPreferences(null, null, false))
			.block();
		assertThat(answer).containsEntry("run_failure_notifications_enabled", false);
		assertThat(body(onlyRequest())).isEqualTo(Map.of("run_failure_notifications_enabled", false));
		var empty = client.reactive().updateNotifications(new NotificationPreferences(null, null, null));
		assertThatIllegalArgumentException().isThrownBy(empty::block)
			.withMessageContaining("at least one preference field");
		assertThat(requests()).hasSize(1);
	}

	@Test
	void postEventMergesExtraAtTopLevel() {
		answer(200, "{\"ok\":true,\"event_id\":1,\"run_id\":\"run_1\"}");
		RunEvent event = new RunEvent("run_1", "tool_result", null, "ok", null, null, null, null, null, null, null,
				Map.of("duration", 120), Map.of("extra_field", "x"));
		Map<String, Object> answer = client().postEvent(event);
		assertThat(answer).containsEntry("ok", true);
		assertThat(onlyRequest().getUrl()).isEqualTo("/v1/events");
		assertThat(body(onlyRequest())).isEqualTo(Map.of("run_id", "run_1", "type", "tool_result", "status", "ok",
				"data", Map.of("duration", 120), "extra_field", "x"));
	}

	@Test
	void postEventTrimsRunIdAndType() {
		answer(200, "{\"ok\":true}");
		client().postEvent(RunEvent.of("  run_1 ", " run_started "));
		assertThat(body(onlyRequest())).isEqualTo(Map.of("run_id", "run_1", "type", "run_started"));
	}

	@Test
	void postEventRejectsBlankRunIdAndType() {
		OnceOnly client = client();
		assertThatIllegalArgumentException().isThrownBy(() -> client.postEvent(RunEvent.of(" ", "run_started")))
			.withMessage("run_id must not be empty");
		assertThatIllegalArgumentException().isThrownBy(() -> client.postEvent(RunEvent.of("run_1", "  ")))
			.withMessage("type must not be empty");
		assertThat(requests()).isEmpty();
	}

	@Test
	void reactivePostEvent() {
		answer(200, "{\"ok\":true}");
		client().reactive().postEvent(RunEvent.of("run_async_1", "run_started")).block();
		assertThat(body(onlyRequest())).isEqualTo(Map.of("run_id", "run_async_1", "type", "run_started"));
	}

	@Test
	void runTimelineEncodesTheRunId() {
		answer(200, "{\"run_id\":\"run x/y\",\"total\":0,\"events\":[]}");
		client().getRunTimeline("run x/y", 100, 10);
		assertThat(onlyRequest().getUrl()).isEqualTo("/v1/runs/run%20x%2Fy?limit=100&offset=10");
	}

	@Test
	void runTimelineRejectsABlankRunId() {
		assertThatIllegalArgumentException().isThrownBy(() -> client().getRunTimeline("   ", 200, 0))
			.withMessage("run_id must not be empty");
		assertThat(requests()).isEmpty();
	}

	@Test
	void reactiveRunTimelineAndEvents() {
		answer(200, "{\"run_id\":\"run_2\"}");
		OnceOnly client = client();
		assertThat(client.reactive().getRunTimeline("run_2", 50, 1).block()).containsEntry("run_id", "run_2");
		client.reactive().events(20, 5).block();
		assertThat(requests()).extracting((r) -> r.getUrl())
			.containsExactly("/v1/runs/run_2?limit=50&offset=1", "/v1/events?limit=20&offset=5");
	}

	@Test
	void meContainsThePlan() {
		answer(200, "{\"plan\":\"agency\",\"email\":\"x@example.com\"}");
		assertThat(client().me()).containsEntry("plan", "agency");
	}

	@Test
	void topLevelArrayIsWrappedAsData() {
		answer(200, "[{\"type\":\"duplicate\"}]");
		assertThat(client().events(50, 0)).isEqualTo(Map.of("data", List.of(Map.of("type", "duplicate"))));
	}

	@Test
	void emptyOrUnparseableOkBodyIsAnEmptyObject() {
		OnceOnly client = client();
		stub(any(anyUrl()).willReturn(aResponse().withStatus(204)));
		assertThat(client.usageAll()).isEmpty();
		stub(any(anyUrl()).willReturn(aResponse().withStatus(200).withBody("not json")));
		assertThat(client.usageAll()).isEmpty();
	}

	@Test
	void decimalsAreReadExactly() {
		answer(200, "{\"spend\":0.1}");
		assertThat(client().usageAll().get("spend")).hasToString("0.1");
	}

	@Test
	void stringDetailBecomesADetailObjectTypeScriptStyle() {
		answer(404, "{\"detail\":\"run not found\"}");
		assertThatExceptionOfType(ApiException.class).isThrownBy(() -> client().getRunTimeline("r", 1, 0))
			.withMessage("run not found")
			.satisfies((ex) -> {
				assertThat(ex.getStatusCode()).isEqualTo(404);
				assertThat(ex.getDetail()).isEqualTo(Map.of("detail", "run not found"));
			});
	}

	@Test
	void errorTextPrefersErrorThenMessageThenTheDefault() {
		OnceOnly client = client();
		answer(400, "{\"detail\":{\"error\":\"\",\"message\":\"bad limit\"}}");
		assertThatExceptionOfType(ApiException.class).isThrownBy(() -> client.events(0, 0)).withMessage("bad limit");
		answer(400, "{\"detail\":{\"code\":7}}");
		assertThatExceptionOfType(ApiException.class).isThrownBy(() -> client.events(0, 0))
			.withMessage("API Error (400)");
		answer(400, "{\"error\":\"top_level\"}");
		assertThatExceptionOfType(ApiException.class).isThrownBy(() -> client.events(0, 0)).withMessage("top_level");
	}

	@Test
	void unauthorizedWithoutBodyUsesTheDefaultMessage() {
		stub(any(anyUrl()).willReturn(aResponse().withStatus(401)));
		assertThatExceptionOfType(UnauthorizedException.class).isThrownBy(() -> client().me())
			.withMessage("Invalid API Key (Unauthorized).");
	}

	@Test
	void validationErrorWithoutDetailShowsTheRawText() {
		stub(any(anyUrl()).willReturn(aResponse().withStatus(422).withBody("oops")));
		assertThatExceptionOfType(ValidationException.class).isThrownBy(() -> client().usage("make"))
			.withMessage("Validation Error: oops");
	}

	@Test
	void fractionalRetryAfterIsParsedAsFloat() {
		stub(any(anyUrl()).willReturn(json(429, "{}").withHeader("Retry-After", "1.5")));
		assertThatExceptionOfType(tech.onceonly.client.RateLimitException.class).isThrownBy(() -> client().me())
			.satisfies((ex) -> assertThat(ex.getRetryAfterSec()).isEqualTo(1.5));
	}

	@Test
	void usageSendsKindAndReturnsTheAnswer() {
		answer(200, "{\"plan\":\"free\",\"month\":\"2026-01\",\"usage\":3,\"limit\":1000}");
		assertThat(client().usage("make")).containsEntry("usage", 3).containsEntry("month", "2026-01");
		assertThat(onlyRequest().getUrl()).isEqualTo("/v1/usage?kind=make");
	}

}
