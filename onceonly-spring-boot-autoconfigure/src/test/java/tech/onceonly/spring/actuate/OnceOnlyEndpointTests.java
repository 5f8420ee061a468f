package tech.onceonly.spring.actuate;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;

import tech.onceonly.client.AgentLogItem;
import tech.onceonly.client.AgentStatus;
import tech.onceonly.client.AiRun;
import tech.onceonly.client.OnceOnly;
import tech.onceonly.client.Policy;
import tech.onceonly.engine.LocalOnceOnly;
import tech.onceonly.spring.actuate.OnceOnlyEndpoint.AgentDetail;
import tech.onceonly.spring.actuate.OnceOnlyEndpoint.AgentView;
import tech.onceonly.spring.actuate.OnceOnlyEndpoint.Agents;
import tech.onceonly.spring.actuate.OnceOnlyEndpoint.LeaseView;
import tech.onceonly.spring.actuate.OnceOnlyEndpoint.LockView;
import tech.onceonly.spring.actuate.OnceOnlyEndpoint.WriteResult;
import tech.onceonly.spring.observation.StubOnceOnly;
import tech.onceonly.store.memory.InMemoryStore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.tuple;

/**
 * The onceonly endpoint's reads, its refused and allowed writes, and what it never shows.
 */
class OnceOnlyEndpointTests {

	private final LocalOnceOnly engine = new LocalOnceOnly(new InMemoryStore());

	private final JsonMapper json = JsonMapper.builder().build();

	@AfterEach
	void close() {
		this.engine.close();
	}

	@Test
	void summaryShouldNameBackendStoreAndWriteSwitch() {
		assertThat(new OnceOnlyEndpoint(this.engine, false, 20).summary())
			.isEqualTo(new OnceOnlyEndpoint.Summary("local", "memory", false));
	}

	@Test
	void leaseReadShouldShowStateButNeverTheLeaseIdOrMetadata() {
		AiRun run = this.engine.ai().lease("invoice-7", null, Map.of("card", "4111-secret"));
		Object view = new OnceOnlyEndpoint(this.engine, false, 20).entry("leases", "invoice-7");
		assertThat(view).isInstanceOfSatisfying(LeaseView.class, (lease) -> {
			assertThat(lease.status()).isEqualTo("in_progress");
			assertThat(lease.version()).isEqualTo(1);
		});
		assertThat(this.json.writeValueAsString(view)).doesNotContain(run.leaseId()).doesNotContain("4111-secret");
	}

	@Test
	void lockReadShouldShowWhetherTheKeyIsHeld() {
		this.engine.checkLock("webhook-1", null, Map.of("token", "tok-secret"), null);
		OnceOnlyEndpoint endpoint = new OnceOnlyEndpoint(this.engine, false, 20);
		assertThat(endpoint.entry("locks", "webhook-1")).isInstanceOfSatisfying(LockView.class,
				(lock) -> assertThat(lock.held()).isTrue());
		assertThat(endpoint.entry("locks", "other")).isInstanceOfSatisfying(LockView.class,
				(lock) -> assertThat(lock.held()).isFalse());
		assertThat(this.json.writeValueAsString(endpoint.entry("locks", "webhook-1"))).doesNotContain("tok-secret");
	}

	@Test
	void governanceReadsOnTheLocalEngineShouldShowItsAgents() {
		this.engine.gov().upsertPolicy("bot", Map.of("blocked_tools", List.of("refund")));
		OnceOnlyEndpoint endpoint = new OnceOnlyEndpoint(this.engine, false, 20);
		Agents agents = endpoint.section("agents");
		assertThat(agents.supported()).isTrue();
		assertThat(agents.agents()).extracting(AgentView::agentId).containsExactly("bot");
		assertThat(endpoint.entry("agents", "bot")).isInstanceOfSatisfying(AgentDetail.class, (agent) -> {
			assertThat(agent.supported()).isTrue();
			assertThat(agent.agent().agentId()).isEqualTo("bot");
		});
	}

	@Test
	void agentsOnTheLocalEngineShouldShowWhetherEachIsEnabled() {
		this.engine.gov().upsertPolicy("on-bot", Map.of("blocked_tools", List.of("refund")));
		this.engine.gov().upsertPolicy("off-bot", Map.of("blocked_tools", List.of("refund")));
		this.engine.gov().disableAgent("off-bot", "stopped");
		OnceOnlyEndpoint endpoint = new OnceOnlyEndpoint(this.engine, false, 20);
		assertThat(endpoint.section("agents").agents()).extracting(AgentView::agentId, AgentView::enabled)
			.containsExactlyInAnyOrder(tuple("on-bot", true), tuple("off-bot", false));
		assertThat(endpoint.entry("agents", "off-bot")).isInstanceOfSatisfying(AgentDetail.class,
				(agent) -> assertThat(agent.agent().enabled()).isFalse());
		assertThat(this.json.writeValueAsString(endpoint.section("agents"))).contains("\"enabled\":true")
			.contains("\"enabled\":false");
	}

	@Test
	void unknownSectionShouldBeABadRequest() {
		OnceOnlyEndpoint endpoint = new OnceOnlyEndpoint(this.engine, true, 20);
		assertThatExceptionOfType(InvalidEndpointRequestException.class).isThrownBy(() -> endpoint.section("keys"));
		assertThatExceptionOfType(InvalidEndpointRequestException.class).isThrownBy(() -> endpoint.entry("keys", "x"));
		assertThatExceptionOfType(InvalidEndpointRequestException.class)
			.isThrownBy(() -> endpoint.release("agents", "x"));
	}

	@Test
	void invalidKeyShouldBeABadRequest() {
		OnceOnlyEndpoint endpoint = new OnceOnlyEndpoint(this.engine, true, 20);
		String tooLong = "k".repeat(300);
		assertThatExceptionOfType(InvalidEndpointRequestException.class)
			.isThrownBy(() -> endpoint.entry("leases", tooLong));
		assertThatExceptionOfType(InvalidEndpointRequestException.class)
			.isThrownBy(() -> endpoint.release("locks", tooLong));
	}

	@Test
	void writesShouldBeRefusedWithForbiddenWhileDisabled() {
		this.engine.checkLock("stuck");
		this.engine.ai().lease("stuck-lease", null, null);
		OnceOnlyEndpoint endpoint = new OnceOnlyEndpoint(this.engine, false, 20);
		OnceOnlyEndpointWebExtension web = new OnceOnlyEndpointWebExtension(endpoint);
		WebEndpointResponse<WriteResult> lock = web.release("locks", "stuck");
		WebEndpointResponse<WriteResult> lease = web.release("leases", "stuck-lease");
		WebEndpointResponse<WriteResult> agent = web.agentState("agents", "bot", false, "runaway");
		for (WebEndpointResponse<WriteResult> response : List.of(lock, lease, agent)) {
			assertThat(response.getStatus()).isEqualTo(403);
			assertThat(response.getBody().status()).isEqualTo(WriteResult.REFUSED);
			assertThat(response.getBody().message()).contains("onceonly.endpoint.write-enabled=true");
		}
		assertThat(this.engine.checkLock("stuck").isDuplicate()).isTrue();
		assertThat(this.engine.ai().status("stuck-lease").status()).isEqualTo("in_progress");
	}

	@Test
	void writesShouldReleaseKeysWhenEnabled() {
		this.engine.checkLock("stuck");
		this.engine.ai().lease("stuck-lease", null, null);
		OnceOnlyEndpointWebExtension web = new OnceOnlyEndpointWebExtension(
				new OnceOnlyEndpoint(this.engine, true, 20));
		assertThat(web.release("locks", "stuck").getStatus()).isEqualTo(200);
		assertThat(web.release("leases", "stuck-lease").getStatus()).isEqualTo(200);
		assertThat(web.release("locks", "stuck-again").getStatus()).isEqualTo(404);
		assertThat(this.engine.checkLock("stuck").shouldProceed()).isTrue();
		assertThat(this.engine.ai().lease("stuck-lease", null, null).acquired()).isTrue();
		assertThat(web.agentState("agents", "bot", false, null).getStatus()).isEqualTo(200);
		assertThat(this.engine.gov().enableAgent("bot", null).isEnabled()).isTrue();
	}

	@Test
	void agentsShouldShowPolicyEnabledStateAndDecisionsAndSwitchWhenEnabled() {
		Map<String, Object> policyRaw = Map.of("agent_id", "bot", "is_enabled", true, "policy",
				Map.of("max_actions_per_hour", 10, "blocked_tools", List.of("refund")));
		Map<String, Object> log = Map.of("agent_id", "bot", "tool", "refund", "allowed", false, "decision", "blocked",
				"policy_reason", "tool_explicitly_blocked", "args", Map.of("card", "4111-secret"), "args_hash", "abc");
		OnceOnly remote = new StubOnceOnly()
			.on("listPolicies", (args) -> List.of(Policy.fromRaw(policyRaw, null, null)))
			.on("getPolicy", (args) -> Policy.fromRaw(policyRaw, (String) args[0], null))
			.on("agentLogs", (args) -> List.of(AgentLogItem.fromRaw(log, "bot")))
			.on("disableAgent", (args) -> AgentStatus.fromRaw(Map.of("is_enabled", false), (String) args[0]))
			.build();
		OnceOnlyEndpoint endpoint = new OnceOnlyEndpoint(remote, true, 5);
		Agents agents = endpoint.section("agents");
		assertThat(agents.agents()).singleElement().satisfies((agent) -> {
			assertThat(agent.agentId()).isEqualTo("bot");
			assertThat(agent.enabled()).isTrue();
			assertThat(agent.policy().blockedTools()).containsExactly("refund");
		});
		Object detail = endpoint.entry("agents", "bot");
		assertThat(detail).isInstanceOfSatisfying(AgentDetail.class,
				(agent) -> assertThat(agent.decisions()).singleElement()
					.satisfies((decision) -> assertThat(decision.reason()).isEqualTo("tool_explicitly_blocked")));
		assertThat(this.json.writeValueAsString(detail)).doesNotContain("4111-secret");
		assertThat(endpoint.agentState("agents", "bot", false, "runaway").status()).isEqualTo(WriteResult.DONE);
		assertThat(endpoint.summary().backend()).isEqualTo("remote");
		assertThat(endpoint.entry("locks", "k")).isInstanceOfSatisfying(LockView.class,
				(lock) -> assertThat(lock.held()).isNull());
		assertThat(endpoint.release("locks", "k").status()).isEqualTo(WriteResult.UNSUPPORTED);
	}

}
