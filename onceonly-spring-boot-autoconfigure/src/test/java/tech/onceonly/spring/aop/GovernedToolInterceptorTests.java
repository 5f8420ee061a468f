package tech.onceonly.spring.aop;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.aop.framework.ProxyFactory;
import tools.jackson.databind.json.JsonMapper;

import tech.onceonly.ai.AgentToolGovernor;
import tech.onceonly.ai.LocalAgentToolGovernor;
import tech.onceonly.ai.ToolArguments;
import tech.onceonly.client.AgentDisabledException;
import tech.onceonly.client.AgentLogItem;
import tech.onceonly.client.ToolBlockedException;
import tech.onceonly.engine.LocalOnceOnly;
import tech.onceonly.spring.annotation.GovernedTool;
import tech.onceonly.store.GovernanceTestClock;
import tech.onceonly.store.memory.InMemoryGovernanceStore;
import tech.onceonly.store.memory.InMemoryStore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class GovernedToolInterceptorTests {

	private final GovernanceTestClock clock = new GovernanceTestClock(Instant.parse("2026-03-10T10:15:00Z"));

	private LocalOnceOnly engine;

	private Payments payments;

	private Payments target;

	@BeforeEach
	void setUp() {
		this.engine = LocalOnceOnly.builder(new InMemoryStore(this.clock))
			.governanceStore(new InMemoryGovernanceStore(this.clock))
			.build();
		this.target = new Payments();
		ProxyFactory factory = new ProxyFactory(this.target);
		factory.addAdvisor(new GovernedToolAdvisor(
				new GovernedToolInterceptor(governor(this.engine), JsonMapper.builder().build())));
		this.payments = (Payments) factory.getProxy();
	}

	@AfterEach
	void tearDown() {
		this.engine.close();
	}

	@Test
	void executedCallShouldReturnTheMethodResult() {
		Receipt receipt = this.payments.charge("c_1", new BigDecimal("12.50"));
		assertThat(receipt).isEqualTo(new Receipt("ch_1", "c_1"));
		AgentLogItem log = this.engine.gov().agentLogs("billing-agent", 1).get(0);
		assertThat(log.tool()).isEqualTo("stripe.charge");
		assertThat(log.decision()).isEqualTo("executed");
		assertThat(log.spendUsd()).isEqualByComparingTo("12.5");
		assertThat(log.riskLevel()).isEqualTo("high");
	}

	@Test
	void duplicateCallShouldReplayTheFirstResultAsTheReturnType() {
		Receipt first = this.payments.charge("c_1", new BigDecimal("1"));
		Receipt second = this.payments.charge("c_1", new BigDecimal("1"));
		assertThat(second).isEqualTo(first);
		assertThat(this.target.charges).hasValue(1);
		assertThat(this.payments.count("x")).isEqualTo(1);
		assertThat(this.payments.count("x")).isEqualTo(1);
		assertThat(this.payments.names()).containsExactly("a", "b");
		assertThat(this.payments.names()).containsExactly("a", "b");
		assertThat(this.target.counts).hasValue(2);
	}

	@Test
	void blockedCallShouldThrowWithTheReasonWithoutRunningTheMethod() {
		this.engine.gov().upsertPolicy("billing-agent", Map.of("max_spend_usd_per_day", 10));
		assertThatExceptionOfType(ToolBlockedException.class)
			.isThrownBy(() -> this.payments.charge("c_2", new BigDecimal("10.01")))
			.satisfies((ex) -> {
				assertThat(ex.getDecision()).isEqualTo("blocked");
				assertThat(ex.getPolicyReason()).isEqualTo("max_spend_usd_per_day_exceeded");
				assertThat(ex.getTool()).isEqualTo("stripe.charge");
			});
		assertThat(this.target.charges).hasValue(0);
	}

	@Test
	void disabledAgentShouldAbortTheCaller() {
		this.engine.gov().disableAgent("billing-agent", "incident");
		assertThatExceptionOfType(AgentDisabledException.class)
			.isThrownBy(() -> this.payments.charge("c_3", BigDecimal.ONE))
			.isNotInstanceOf(ToolBlockedException.class)
			.satisfies((ex) -> assertThat(ex.getAgentId()).isEqualTo("billing-agent"));
		assertThat(this.target.charges).hasValue(0);
	}

	@Test
	void methodExceptionShouldBeRethrownUnchangedAndAllowARetry() {
		assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> this.payments.refund("bad"))
			.withMessage("card declined");
		assertThat(this.engine.gov().agentLogs("support-bot", 1).get(0).policyReason()).isEqualTo("tool_error");
		assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> this.payments.refund("bad"));
		assertThat(this.target.refunds).hasValue(2);
	}

	@Test
	void agentAndToolShouldComeFromTemplatesOverTheArguments() {
		this.payments.refund("r_1");
		AgentLogItem log = this.engine.gov().agentLogs("support-bot", 1).get(0);
		assertThat(log.tool()).isEqualTo("refund:r_1");
		assertThat(log.riskLevel()).isEqualTo("medium");
	}

	@Test
	void classLevelAnnotationShouldGovernEveryMethod() {
		ProxyFactory factory = new ProxyFactory(new Reports());
		factory.addAdvisor(new GovernedToolAdvisor(
				new GovernedToolInterceptor(governor(this.engine), JsonMapper.builder().build())));
		Reports reports = (Reports) factory.getProxy();
		this.engine.gov().upsertPolicy("reporter", Map.of("allowed_tools", List.of("listReports")));
		assertThat(reports.listReports()).containsExactly("q1");
		assertThatExceptionOfType(ToolBlockedException.class).isThrownBy(reports::deleteReports)
			.satisfies((ex) -> assertThat(ex.getPolicyReason()).isEqualTo("tool_not_in_allowed_list"));
	}

	@Test
	void blankAgentShouldFailNamingTheMethod() {
		assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> this.payments.anonymous(""))
			.withMessageContaining("anonymous")
			.withMessageContaining("#{#agent}");
	}

	public record Receipt(String id, String customer) {
	}

	public static class Payments {

		final AtomicInteger charges = new AtomicInteger();

		final AtomicInteger refunds = new AtomicInteger();

		final AtomicInteger counts = new AtomicInteger();

		@GovernedTool(agent = "billing-agent", tool = "stripe.charge", spend = "#{#amount}", riskLevel = "high")
		public Receipt charge(String customer, BigDecimal amount) {
			return new Receipt("ch_" + this.charges.incrementAndGet(), customer);
		}

		@GovernedTool(agent = "support-bot", tool = "refund:#{#id}")
		public String refund(String id) {
			this.refunds.incrementAndGet();
			if (id.equals("bad")) {
				throw new IllegalStateException("card declined");
			}
			return "ok";
		}

		@GovernedTool(agent = "counter")
		public int count(String what) {
			return this.counts.incrementAndGet();
		}

		@GovernedTool(agent = "counter")
		public List<String> names() {
			this.counts.incrementAndGet();
			return List.of("a", "b");
		}

		@GovernedTool(agent = "#{#agent}")
		public String anonymous(String agent) {
			return agent;
		}

	}

	@GovernedTool(agent = "reporter")
	public static class Reports {

		public List<String> listReports() {
			return List.of("q1");
		}

		public void deleteReports() {
		}

	}

	private static AgentToolGovernor governor(LocalOnceOnly engine) {
		return new LocalAgentToolGovernor(engine.backend().localOperations().orElseThrow(),
				new ToolArguments(JsonMapper.builder().build()));
	}

}
