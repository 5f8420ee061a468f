package tech.onceonly.engine.governance;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import tech.onceonly.client.LeaseEvents;

/** Lease events kept as {@code "<event> <path> <key>"} lines, in order. */
final class RecordingLeaseEvents implements LeaseEvents {

	final List<String> events = new CopyOnWriteArrayList<>();

	@Override
	public void leaseLost(String path, String key) {
		this.events.add("lost " + path + " " + key);
	}

	@Override
	public void completionRetried(String path, String key, int attempt, Throwable failure) {
		this.events.add("retried " + path + " " + key);
	}

	@Override
	public void outcomeUnknown(String path, String key, Throwable failure) {
		this.events.add("unknown " + path + " " + key);
	}

	/** Waits until {@code event} was reported. */
	void await(String event) {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		while (!this.events.contains(event)) {
			if (System.nanoTime() - deadline > 0) {
				throw new AssertionError("timed out waiting for '" + event + "'; reported: " + this.events);
			}
			try {
				Thread.sleep(5);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new AssertionError(ex);
			}
		}
	}

}
