package tech.onceonly.client;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * What happens to a lease after the protected work started, reported by every path that
 * holds one ({@code runFn} and the annotations, webhooks, Idempotency-Key, governed tool
 * calls, server-side runs). Implementations count or log; they must never throw.
 * <p>
 * {@code path} is one of a small fixed set ({@code run_fn}, {@code webhook},
 * {@code idempotency_key}, {@code tool_call}, {@code server_run}), safe as a metric tag;
 * the key is not.
 */
public interface LeaseEvents {

	/** Logs each event at WARN (lost leases, unknown outcomes) or DEBUG (retries). */
	LeaseEvents LOGGING = new Logging();

	/**
	 * The store answered that the lease is no longer held while the work still ran (a
	 * heartbeat found it expired and taken over, or removed).
	 * @param path the path holding the lease
	 * @param key the key
	 */
	void leaseLost(String path, String key);

	/**
	 * Recording the outcome failed and is retried while the lease is still held.
	 * @param path the path holding the lease
	 * @param key the key
	 * @param attempt the number of the failed attempt, from 1
	 * @param failure the failure
	 */
	void completionRetried(String path, String key, int attempt, Throwable failure);

	/**
	 * The work ran but its outcome could not be recorded before the lease was lost; the
	 * caller gets an {@link OutcomeUnknownException} where it can receive one.
	 * @param path the path holding the lease
	 * @param key the key
	 * @param failure the last failure
	 */
	void outcomeUnknown(String path, String key, Throwable failure);

	/** Events to this listener and then to {@code other}. */
	default LeaseEvents and(LeaseEvents other) {
		LeaseEvents first = this;
		return new LeaseEvents() {

			@Override
			public void leaseLost(String path, String key) {
				first.leaseLost(path, key);
				other.leaseLost(path, key);
			}

			@Override
			public void completionRetried(String path, String key, int attempt, Throwable failure) {
				first.completionRetried(path, key, attempt, failure);
				other.completionRetried(path, key, attempt, failure);
			}

			@Override
			public void outcomeUnknown(String path, String key, Throwable failure) {
				first.outcomeUnknown(path, key, failure);
				other.outcomeUnknown(path, key, failure);
			}

		};
	}

	/** The logging listener. */
	final class Logging implements LeaseEvents {

		private static final Log logger = LogFactory.getLog(LeaseEvents.class);

		private Logging() {
		}

		@Override
		public void leaseLost(String path, String key) {
			logger.warn("OnceOnly " + path + ": the lease of key '" + key
					+ "' was lost while the work still ran (expired and taken over, or removed); another worker may run it too");
		}

		@Override
		public void completionRetried(String path, String key, int attempt, Throwable failure) {
			if (logger.isDebugEnabled()) {
				logger.debug("OnceOnly " + path + ": recording the outcome of key '" + key + "' failed (attempt "
						+ attempt + ", " + failure + "); retrying while the lease is held");
			}
		}

		@Override
		public void outcomeUnknown(String path, String key, Throwable failure) {
			logger.warn("OnceOnly " + path + ": the work under key '" + key
					+ "' ran, but its outcome could not be recorded before its lease was lost (" + failure
					+ "); the key was not released");
		}

	}

}
