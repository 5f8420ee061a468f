package tech.onceonly.spring.observation;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LeaseEventMetersTests {

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	private final LeaseEventMeters meters = new LeaseEventMeters(this.registry);

	@Test
	void eachEventShouldCountByPathAndNeverByKey() {
		this.meters.leaseLost("webhook", "evt_1");
		this.meters.leaseLost("webhook", "evt_2");
		this.meters.completionRetried("run_fn", "secret-order-7", 1, new IllegalStateException("down"));
		this.meters.outcomeUnknown("tool_call", "k", new IllegalStateException("down"));
		assertThat(this.registry.get(LeaseEventMeters.LOST).tag("path", "webhook").counter().count()).isEqualTo(2);
		assertThat(this.registry.get(LeaseEventMeters.COMPLETION_RETRIES).tag("path", "run_fn").counter().count())
			.isEqualTo(1);
		assertThat(this.registry.get(LeaseEventMeters.OUTCOME_UNKNOWN).tag("path", "tool_call").counter().count())
			.isEqualTo(1);
		assertThat(this.registry.getMeters()).allSatisfy((meter) -> assertThat(meter.getId().getTags())
			.allSatisfy((tag) -> assertThat(tag.getKey()).isEqualTo("path")));
	}

}
