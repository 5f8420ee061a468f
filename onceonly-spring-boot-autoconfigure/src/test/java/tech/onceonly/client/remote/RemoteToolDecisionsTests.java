package tech.onceonly.client.remote;

import java.io.IOException;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import tech.onceonly.ai.AgentToolCall;
import tech.onceonly.ai.AgentToolOutcome;
import tech.onceonly.ai.RemoteAgentToolGovernor;
import tech.onceonly.ai.ToolArguments;
import tech.onceonly.client.AgentDisabledException;
import tech.onceonly.client.AiToolResult;
import tech.onceonly.client.OutcomeUnknownException;
import tech.onceonly.client.ToolCallRequest;
import tech.onceonly.client.ToolDecisions;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The tool-decisions extension through the remote client (WireMock standing in for the
 * server), and the remote governor on it: the two-step flow, a failed tool, an outcome
 * that cannot be recorded, and the fallback when the API does not offer it.
 */
class RemoteToolDecisionsTests extends RemoteClientTestSupport {

	private static final String DECIDE = "/v1/ext/tool-decisions";

	private static final String ALLOWED = "{\"ok\":true,\"allowed\":true,\"decision\":\"allowed\","
			+ "\"policy_reason\":\"claimed\",\"risk_level\":\"low\",\"agent_id\":\"bot\",\"tool\":\"charge\","
			+ "\"claim_id\":\"cl-1\",\"claim_ttl\":60}";

	private static final String RECORDED = "{\"ok\":true,\"allowed\":true,\"decision\":\"executed\","
			+ "\"policy_reason\":\"ok\",\"result\":{\"value\":\"ran #1\"},\"agent_id\":\"bot\",\"tool\":\"charge\"}";

	private final AtomicInteger runs = new AtomicInteger();

	private ToolDecisions decisions(RemoteOnceOnly client) {
		return client.backend().toolDecisions().orElseThrow();
	}

	private RemoteAgentToolGovernor governor(RemoteOnceOnly client) {
		return new RemoteAgentToolGovernor(client, new ToolArguments(JSON), Set.of(), Duration.ofHours(1));
	}

	@Test
	void decideShouldSendTheCallAndAnswerTheClaim() {
		stub(post(urlEqualTo(DECIDE)).willReturn(json(200, ALLOWED)));
		RemoteOnceOnly client = client();
		AiToolResult decision = decisions(client)
			.decide(new ToolCallRequest("bot", "charge", Map.of("id", "c_1"), new BigDecimal("1.50"), "run-1"), "high");
		assertThat(ToolDecisions.claimIdOf(decision)).isEqualTo("cl-1");
		assertThat(body(onlyRequest())).containsEntry("agent_id", "bot")
			.containsEntry("tool", "charge")
			.containsEntry("args", Map.of("id", "c_1"))
			.containsEntry("run_id", "run-1")
			.containsEntry("risk_level", "high")
			.containsKey("spend_usd");
		AiToolResult reactive = ((RemoteToolDecisions) decisions(client))
			.decideMono(new ToolCallRequest("bot", "charge", null, null, null), null)
			.block();
		assertThat(reactive).isNotNull();
		assertThat(reactive.decision()).isEqualTo("allowed");
	}

	@Test
	void outcomeThatCannotBeRecordedShouldBeAnOutcomeUnknown() {
		stub(post(urlEqualTo(DECIDE + "/cl-1/outcome")).willReturn(json(503, "{\"detail\":\"store unavailable\"}")));
		RemoteOnceOnly client = client();
		assertThatExceptionOfType(OutcomeUnknownException.class)
			.isThrownBy(() -> decisions(client).complete("cl-1", Map.of("id", "ch_1")));
		stub(post(urlEqualTo(DECIDE + "/cl-2/outcome"))
			.willReturn(json(404, "{\"detail\":{\"error\":\"claim_not_found\",\"message\":\"gone\"}}")));
		assertThatExceptionOfType(OutcomeUnknownException.class)
			.isThrownBy(() -> decisions(client).complete("cl-2", "x"));
	}

	@Test
	void governorShouldRunAnAllowedToolOnceAndRecordItsResult() {
		stub(post(urlEqualTo(DECIDE)).willReturn(json(200, ALLOWED)));
		stub(post(urlEqualTo(DECIDE + "/cl-1/outcome")).willReturn(json(200, RECORDED)));
		AgentToolOutcome outcome = governor(client()).govern(AgentToolCall.of("bot", "charge", Map.of("id", "c_1")),
				this::run);
		assertThat(outcome.executed()).isTrue();
		assertThat(outcome.text()).isEqualTo("ran #1");
		assertThat(this.runs).hasValue(1);
		server.verify(1, postRequestedFor(urlEqualTo(DECIDE + "/cl-1/outcome")));
		assertThat(body(requests().get(1))).containsEntry("ok", true).containsEntry("result", "ran #1");
	}

	@Test
	void governorShouldRecordAFailedToolAndRethrowItsException() {
		stub(post(urlEqualTo(DECIDE)).willReturn(json(200, ALLOWED)));
		stub(post(urlEqualTo(DECIDE + "/cl-1/outcome")).willReturn(json(200, "{\"ok\":false,\"allowed\":true,"
				+ "\"decision\":\"executed\",\"policy_reason\":\"tool_error\",\"agent_id\":\"bot\",\"tool\":\"charge\"}")));
		IOException failure = new IOException("card declined");
		assertThatExceptionOfType(java.lang.reflect.UndeclaredThrowableException.class)
			.isThrownBy(() -> governor(client()).govern(AgentToolCall.of("bot", "charge", Map.of()), () -> {
				throw failure;
			}))
			.withCause(failure);
		assertThat(body(requests().get(1))).containsEntry("ok", false).containsEntry("error", "card declined");
	}

	@Test
	void governorShouldReportAnOutcomeUnknownWhenTheServerIsGoneAfterTheToolRan() {
		stub(post(urlEqualTo(DECIDE)).willReturn(json(200, ALLOWED)));
		stub(post(urlEqualTo(DECIDE + "/cl-1/outcome")).willReturn(json(503, "{\"detail\":\"unavailable\"}")));
		assertThatExceptionOfType(OutcomeUnknownException.class)
			.isThrownBy(() -> governor(client()).govern(AgentToolCall.of("bot", "charge", Map.of()), this::run));
		assertThat(this.runs).hasValue(1);
	}

	@Test
	void governorShouldStopTheCallerOfADisabledAgent() {
		stub(post(urlEqualTo(DECIDE)).willReturn(json(200, "{\"ok\":true,\"allowed\":false,\"decision\":\"blocked\","
				+ "\"policy_reason\":\"agent_disabled\",\"agent_id\":\"bot\",\"tool\":\"charge\"}")));
		assertThatExceptionOfType(AgentDisabledException.class)
			.isThrownBy(() -> governor(client()).govern(AgentToolCall.of("bot", "charge", Map.of()), this::run));
		assertThat(this.runs).hasValue(0);
	}

	@Test
	void apiWithoutTheExtensionShouldFallBackToTheListsOnceAndForAll() {
		stub(post(urlEqualTo(DECIDE)).willReturn(json(404, "{\"detail\":\"Not Found\"}")));
		stub(get(urlPathEqualTo("/v1/policies/bot"))
			.willReturn(json(200, "{\"agent_id\":\"bot\",\"policy\":{\"blocked_tools\":[\"charge\"]}}")));
		RemoteAgentToolGovernor governor = governor(client());
		AgentToolOutcome first = governor.govern(AgentToolCall.of("bot", "charge", Map.of()), this::run);
		AgentToolOutcome second = governor.govern(AgentToolCall.of("bot", "charge", Map.of()), this::run);
		assertThat(first.policyReason()).isEqualTo("tool_explicitly_blocked");
		assertThat(second.policyReason()).isEqualTo("tool_explicitly_blocked");
		server.verify(1, postRequestedFor(urlEqualTo(DECIDE)));
		assertThat(this.runs).hasValue(0);
	}

	private String run() {
		return "ran #" + this.runs.incrementAndGet();
	}

}
