package tech.onceonly.spring.web;

import java.time.Duration;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bounded waiting for something another thread does (a heartbeat tick, detached work).
 */
public final class Polling {

	private Polling() {
	}

	/**
	 * Waits at most {@code timeout} for {@code condition}, failing the test otherwise.
	 */
	public static void await(String what, Duration timeout, BooleanSupplier condition) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (!condition.getAsBoolean()) {
			if (System.nanoTime() - deadline > 0) {
				assertThat(condition.getAsBoolean()).as("waited %s for %s", timeout, what).isTrue();
				return;
			}
			try {
				Thread.sleep(5);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
		}
	}

}
