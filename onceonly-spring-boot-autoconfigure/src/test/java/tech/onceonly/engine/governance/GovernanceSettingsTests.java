package tech.onceonly.engine.governance;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** The governance settings' defaults and checks. */
class GovernanceSettingsTests {

	@Test
	void defaultsShouldHeartbeatShortToolLeasesWithinTheDedupWait() {
		GovernanceSettings settings = GovernanceSettings.defaults();
		assertThat(settings.toolLeaseTtl()).isEqualTo(Duration.ofSeconds(30));
		assertThat(settings.dedupWaitTimeout()).isGreaterThanOrEqualTo(settings.toolLeaseTtl());
		assertThat(settings.heartbeatPeriod(settings.toolLeaseTtl())).isEqualTo(Duration.ofSeconds(10));
	}

	@Test
	void heartbeatSlowerThanHalfTheToolLeaseShouldFailNamingBoth() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> GovernanceSettings.defaults().withHeartbeatEvery(Duration.ofSeconds(20)))
			.withMessageContaining("heartbeatEvery (PT20S)")
			.withMessageContaining("half of toolLeaseTtl (PT30S)");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> GovernanceSettings.defaults().withHeartbeatEvery(Duration.ofSeconds(-1)))
			.withMessageContaining("must not be negative");
		assertThat(GovernanceSettings.defaults().withHeartbeatEvery(Duration.ofSeconds(15)).heartbeatEvery())
			.isEqualTo(Duration.ofSeconds(15));
	}

	@Test
	void configuredHeartbeatTooSlowForAShortRunLeaseShouldFallBackToAThirdOfIt() {
		GovernanceSettings settings = GovernanceSettings.defaults().withHeartbeatEvery(Duration.ofSeconds(10));
		assertThat(settings.heartbeatPeriod(Duration.ofSeconds(30))).isEqualTo(Duration.ofSeconds(10));
		assertThat(settings.heartbeatPeriod(Duration.ofSeconds(12))).isEqualTo(Duration.ofSeconds(4));
	}

}
