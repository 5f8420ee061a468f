package tech.onceonly.spring.autoconfigure.store;

import java.time.Duration;
import java.util.UUID;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import tech.onceonly.store.StoreTimeShift;
import tech.onceonly.store.jdbc.JdbcGovernanceStore;
import tech.onceonly.store.jdbc.JdbcPurge;
import tech.onceonly.store.jdbc.JdbcStore;
import tech.onceonly.store.memory.InMemoryStore;

import static org.assertj.core.api.Assertions.assertThat;

/** The scheduled JDBC purge as auto-configured: on by default, its properties, meters. */
class JdbcPurgeAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(DataSourceAutoConfiguration.class, OnceOnlyJdbcStoreAutoConfiguration.class))
		.withPropertyValues("spring.datasource.url=jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1",
				"onceonly.store.type=jdbc");

	@Test
	void purgeShouldBeScheduledByDefaultAndRunning() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(JdbcPurgeScheduler.class);
			JdbcPurgeScheduler scheduler = context.getBean(JdbcPurgeScheduler.class);
			assertThat(scheduler.isRunning()).isTrue();
			assertThat(scheduler.interval()).isEqualTo(Duration.ofMinutes(5));
		});
	}

	@Test
	void purgeShouldDeleteExpiredRowsAndRecordMeters() {
		this.runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.withPropertyValues("onceonly.store.jdbc.purge.batch-size=2", "onceonly.store.jdbc.purge.interval=1h")
			.run((context) -> {
				JdbcStore store = context.getBean(JdbcStore.class);
				for (int i = 0; i < 5; i++) {
					store.tryLock("k" + i, Duration.ofMinutes(1), null);
				}
				StoreTimeShift.of(store).offset(Duration.ofMinutes(2));
				JdbcPurge.Result result = context.getBean(JdbcPurgeScheduler.class).runNow();
				assertThat(result).isNotNull();
				assertThat(result.deleted()).containsEntry("locks", 5L);
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				assertThat(registry.get("onceonly.store.purge.rows").tag("table", "locks").counter().count())
					.isEqualTo(5);
				assertThat(registry.get("onceonly.store.purge").tag("outcome", "purged").timer().count()).isOne();
			});
	}

	@Test
	void purgeShouldReportAFailedRunInTheMeters() {
		this.runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new).run((context) -> {
			context.getBean(javax.sql.DataSource.class)
				.getConnection()
				.createStatement()
				.execute("DROP TABLE onceonly_leases");
			assertThat(context.getBean(JdbcPurgeScheduler.class).runNow()).isNull();
			assertThat(context.getBean(MeterRegistry.class)
				.get("onceonly.store.purge")
				.tag("outcome", "failed")
				.timer()
				.count()).isOne();
		});
	}

	@Test
	void purgeShouldCoverTheGovernanceTablesWhenTheGovernanceStoreIsJdbc() {
		this.runner.withUserConfiguration(GovernanceConfiguration.class).run((context) -> {
			JdbcPurge.Result result = context.getBean(JdbcPurgeScheduler.class).runNow();
			assertThat(result).isNotNull();
			assertThat(result.deleted()).containsOnlyKeys("locks", "leases", "gov_counters", "gov_audit", "gov_events");
		});
	}

	@Test
	void purgeDisabledShouldScheduleNothing() {
		this.runner.withPropertyValues("onceonly.store.jdbc.purge.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(JdbcPurgeScheduler.class));
	}

	@Test
	void userStoreThatIsNotJdbcShouldScheduleNothing() {
		this.runner.withBean(InMemoryStore.class, InMemoryStore::new)
			.run((context) -> assertThat(context).doesNotHaveBean(JdbcPurgeScheduler.class));
	}

	@Test
	void badBatchSizeShouldFailAtStartupSayingWhatIsAllowed() {
		this.runner.withPropertyValues("onceonly.store.jdbc.purge.batch-size=0")
			.run((context) -> assertThat(context).getFailure().rootCause().hasMessageContaining("at least 1"));
	}

	@Test
	void badIntervalShouldFailAtStartupSayingWhatIsAllowed() {
		this.runner.withPropertyValues("onceonly.store.jdbc.purge.interval=0s")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("onceonly.store.jdbc.purge.interval must be positive"));
	}

	@org.springframework.context.annotation.Configuration(proxyBeanMethods = false)
	static class GovernanceConfiguration {

		@org.springframework.context.annotation.Bean
		JdbcGovernanceStore governanceStore(javax.sql.DataSource dataSource) {
			return new JdbcGovernanceStore(dataSource);
		}

	}

}
