package tech.onceonly.client;

import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LeaseStatusTests {

	@Test
	void everyStatusReadsBackFromItsWireValue() {
		for (LeaseStatus status : LeaseStatus.values()) {
			if (status != LeaseStatus.UNKNOWN) {
				assertThat(LeaseStatus.of(status.wireValue())).isEqualTo(status);
			}
		}
	}

	@Test
	void wordsAreReadIgnoringCaseAndBlanksAndUnknownWordsAreUnknown() {
		assertThat(LeaseStatus.of(" Completed ")).isEqualTo(LeaseStatus.COMPLETED);
		assertThat(LeaseStatus.of("IN_PROGRESS")).isEqualTo(LeaseStatus.IN_PROGRESS);
		assertThat(LeaseStatus.of("paused")).isEqualTo(LeaseStatus.UNKNOWN);
		assertThat(LeaseStatus.of("unknown")).isEqualTo(LeaseStatus.UNKNOWN);
		assertThat(LeaseStatus.of("")).isEqualTo(LeaseStatus.UNKNOWN);
		assertThat(LeaseStatus.of(null)).isEqualTo(LeaseStatus.UNKNOWN);
	}

	@Test
	void terminalAndFreeStatusesAreTheDocumentedOnes() {
		assertThat(LeaseStatus.values()).filteredOn(LeaseStatus::isTerminal)
			.containsExactlyInAnyOrder(LeaseStatus.COMPLETED, LeaseStatus.FAILED);
		assertThat(LeaseStatus.values()).filteredOn(LeaseStatus::isFree)
			.containsExactlyInAnyOrder(LeaseStatus.RELEASED, LeaseStatus.EXPIRED, LeaseStatus.NOT_FOUND);
	}

	@Test
	void recordsKeepTheWordTheyWereGiven() {
		AiRun run = AiRun.fromRaw(Map.of("status", "paused", "key", "k"));
		assertThat(run.status()).isEqualTo("paused");
		assertThat(run.leaseStatus()).isEqualTo(LeaseStatus.UNKNOWN);
		assertThat(run.acquired()).isFalse();
	}

}
