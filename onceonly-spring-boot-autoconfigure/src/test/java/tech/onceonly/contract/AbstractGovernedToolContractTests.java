package tech.onceonly.contract;

import java.io.IOException;
import java.lang.reflect.Proxy;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.aop.framework.ProxyFactory;
import tools.jackson.databind.json.JsonMapper;

import tech.onceonly.ai.AgentToolGovernors;
import tech.onceonly.ai.ToolArguments;
import tech.onceonly.client.AgentDisabledException;
import tech.onceonly.client.OnceOnly;
import tech.onceonly.client.OnceOnlyException;
import tech.onceonly.client.ToolBlockedException;
import tech.onceonly.spring.annotation.GovernedTool;
import tech.onceonly.spring.aop.GovernedToolAdvisor;
import tech.onceonly.spring.aop.GovernedToolInterceptor;
import tech.onceonly.store.GovernanceStore;
import tech.onceonly.store.StoreException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The {@code @GovernedTool} contract, one subclass per backend: a governed bean method
 * behind the advisor, governed through the {@link tech.onceonly.ai.AgentToolGovernor}
 * that fits the client's backend (chosen by {@code OnceOnly.backend()}, as the
 * auto-configuration does). Each test uses its own agent id, so backends shared with
 * other tests (the server, a database) need no cleanup.
 */
public abstract class AbstractGovernedToolContractTests {

	private final JsonMapper json = JsonMapper.builder().build();

	protected OnceOnly client;

	protected String agent;

	private Tools target;

	private Tools tools;

	/** A fresh client on the backend under test. */
	protected abstract OnceOnly createClient();

	/**
	 * A client on the same kind of backend whose governance cannot be reached (a store
	 * that fails every call, an API that refuses connections).
	 */
	protected abstract OnceOnly createUnreachableClient();

	@BeforeEach
	void setUpTools() {
		this.client = createClient();
		this.agent = "gt-" + UUID.randomUUID();
		this.target = new Tools();
		this.tools = proxy(this.client, this.target);
	}

	@AfterEach
	void closeClient() throws Exception {
		if (this.client instanceof AutoCloseable closeable) {
			closeable.close();
		}
	}

	/**
	 * Calls the governed {@code charge} method of this test's agent (for backend-specific
	 * cases in subclasses).
	 * @return the charge id
	 */
	protected String governedCharge(String customer, BigDecimal amount) {
		return this.tools.charge(this.agent, customer, amount).chargeId();
	}

	private Tools proxy(OnceOnly onceOnly, Tools tools) {
		ProxyFactory factory = new ProxyFactory(tools);
		factory.setProxyTargetClass(true);
		factory.addAdvisor(new GovernedToolAdvisor(new GovernedToolInterceptor(AgentToolGovernors.forClient(onceOnly,
				new ToolArguments(this.json), Set.of(), AgentToolGovernors.DEFAULT_REMOTE_DEDUP_WINDOW), this.json)));
		return (Tools) factory.getProxy();
	}

	@Test
	void executedCallShouldReturnWhatTheMethodReturned() {
		Receipt receipt = this.tools.charge(this.agent, "c_1", new BigDecimal("5"));
		assertThat(receipt).isEqualTo(new Receipt("ch_1", "c_1", new BigDecimal("5")));
		assertThat(this.target.charges).hasValue(1);
	}

	@Test
	void callBlockedByPolicyShouldThrowWithTheReasonWithoutRunningTheMethod() {
		this.client.gov().upsertPolicy(this.agent, Map.of("blocked_tools", List.of("charge")));
		assertThatExceptionOfType(ToolBlockedException.class)
			.isThrownBy(() -> this.tools.charge(this.agent, "c_1", new BigDecimal("5")))
			.satisfies((ex) -> {
				assertThat(ex.getDecision()).isEqualTo("blocked");
				assertThat(ex.getPolicyReason()).isEqualTo("tool_explicitly_blocked");
				assertThat(ex.getAgentId()).isEqualTo(this.agent);
				assertThat(ex.getTool()).isEqualTo("charge");
				assertThat(ex).hasMessage("Tool 'charge' of agent '" + this.agent
						+ "' was not executed: blocked (tool_explicitly_blocked)");
			});
		assertThat(this.target.charges).hasValue(0);
	}

	@Test
	void duplicateCallShouldReplayTheFirstResultWithoutRunningTheMethodAgain() {
		Receipt first = this.tools.charge(this.agent, "c_1", new BigDecimal("5"));
		Receipt again = this.tools.charge(this.agent, "c_1", new BigDecimal("5"));
		assertThat(again).isEqualTo(first);
		assertThat(this.target.charges).hasValue(1);
		Receipt other = this.tools.charge(this.agent, "c_2", new BigDecimal("5"));
		assertThat(other.chargeId()).isEqualTo("ch_2");
		assertThat(this.target.charges).hasValue(2);
	}

	@Test
	void disabledAgentShouldStopTheCaller() {
		this.client.gov().disableAgent(this.agent, "runaway");
		assertThatExceptionOfType(AgentDisabledException.class)
			.isThrownBy(() -> this.tools.charge(this.agent, "c_1", new BigDecimal("5")));
		assertThat(this.target.charges).hasValue(0);
		this.client.gov().enableAgent(this.agent, null);
		assertThat(this.tools.charge(this.agent, "c_1", new BigDecimal("5")).chargeId()).isEqualTo("ch_1");
	}

	@Test
	void exhaustedBudgetShouldBlockTheCallWithoutRunningTheMethod() {
		this.client.gov().upsertPolicy(this.agent, Map.of("max_spend_usd_per_day", 10));
		assertThat(this.tools.charge(this.agent, "c_1", new BigDecimal("6")).chargeId()).isEqualTo("ch_1");
		assertThatExceptionOfType(ToolBlockedException.class)
			.isThrownBy(() -> this.tools.charge(this.agent, "c_2", new BigDecimal("6")))
			.satisfies((ex) -> assertThat(ex.getPolicyReason()).isEqualTo("max_spend_usd_per_day_exceeded"));
		assertThat(this.target.charges).hasValue(1);
		assertThat(this.tools.charge(this.agent, "c_3", new BigDecimal("4")).chargeId()).isEqualTo("ch_2");
	}

	@Test
	void failingToolShouldRethrowItsOwnExceptionAndLetTheSameCallRunAgain() throws Exception {
		this.target.failNext.set(1);
		assertThatExceptionOfType(IOException.class).isThrownBy(() -> this.tools.refund(this.agent, "r_1"))
			.isSameAs(this.target.lastFailure);
		assertThat(this.tools.refund(this.agent, "r_1")).isEqualTo("refunded r_1 (attempt 2)");
		assertThat(this.target.refunds).hasValue(2);
	}

	@Test
	void failingToolShouldGiveItsReservationBack() throws Exception {
		this.client.gov().upsertPolicy(this.agent, Map.of("max_actions_per_hour", 1));
		this.target.failNext.set(1);
		assertThatExceptionOfType(IOException.class).isThrownBy(() -> this.tools.refund(this.agent, "r_1"));
		// the failed call's action was given back: the one action of the hour is still
		// free
		assertThat(this.tools.refund(this.agent, "r_1")).isEqualTo("refunded r_1 (attempt 2)");
		assertThatExceptionOfType(ToolBlockedException.class).isThrownBy(() -> this.tools.refund(this.agent, "r_2"))
			.satisfies((ex) -> assertThat(ex.getPolicyReason()).isEqualTo("max_actions_per_hour_exceeded"));
		assertThat(this.target.refunds).hasValue(2);
	}

	@Test
	void runtimeFailureOfTheToolShouldBeRethrownUnchanged() {
		assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> this.tools.explode(this.agent))
			.withMessage("tool exploded");
	}

	@Test
	void unreachableGovernanceShouldFailTheCallWithAnOnceOnlyExceptionWithoutRunningTheMethod() throws Exception {
		OnceOnly unreachable = createUnreachableClient();
		try {
			Tools target = new Tools();
			Tools tools = proxy(unreachable, target);
			assertThatExceptionOfType(OnceOnlyException.class)
				.isThrownBy(() -> tools.charge(this.agent, "c_1", new BigDecimal("5")));
			assertThat(target.charges).hasValue(0);
		}
		finally {
			if (unreachable instanceof AutoCloseable closeable) {
				closeable.close();
			}
		}
	}

	/**
	 * A governance store whose every call fails with {@link StoreException}, as during an
	 * outage.
	 */
	protected static GovernanceStore unreachableGovernanceStore() {
		return (GovernanceStore) Proxy.newProxyInstance(GovernanceStore.class.getClassLoader(),
				new Class<?>[] { GovernanceStore.class }, (proxy, method, args) -> switch (method.getName()) {
					case "type" -> "unreachable";
					case "toString" -> "unreachable governance store";
					case "hashCode" -> System.identityHashCode(proxy);
					case "equals" -> proxy == args[0];
					case "close" -> null;
					default -> throw new StoreException("governance store unreachable");
				});
	}

	/** The result of a charge. */
	public record Receipt(String chargeId, String customer, BigDecimal amount) {
	}

	/** Governed tools; they count their runs. */
	public static class Tools {

		final AtomicInteger charges = new AtomicInteger();

		final AtomicInteger refunds = new AtomicInteger();

		final AtomicInteger failNext = new AtomicInteger();

		volatile IOException lastFailure;

		@GovernedTool(agent = "#{#agent}", tool = "charge", spend = "#{#amount}")
		public Receipt charge(String agent, String customer, BigDecimal amount) {
			return new Receipt("ch_" + this.charges.incrementAndGet(), customer, amount);
		}

		@GovernedTool(agent = "#{#agent}", tool = "refund")
		public String refund(String agent, String refundId) throws IOException {
			int attempt = this.refunds.incrementAndGet();
			if (this.failNext.getAndDecrement() > 0) {
				this.lastFailure = new IOException("gateway down");
				throw this.lastFailure;
			}
			return "refunded " + refundId + " (attempt " + attempt + ")";
		}

		@GovernedTool(agent = "#{#agent}", tool = "explode")
		public String explode(String agent) {
			throw new IllegalStateException("tool exploded");
		}

	}

}
