package tech.onceonly.client;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

/**
 * What the in-process engine offers beyond the common {@link OnceOnly} API: operator
 * actions on its store, a store probe for health checks, and governed calls of in-process
 * tools. Reached through {@code client.backend().localOperations()}, so it works behind
 * any decorator; a remote backend has none (the hosted API and the self-hosted server do
 * these on their side).
 */
public interface LocalOperations {

	/**
	 * One round trip to the store: its clock and a read of {@code probeKey} (never
	 * written).
	 * @param probeKey the key to read, without the engine's namespace
	 * @throws OnceOnlyException when the store fails
	 */
	void probeStore(String probeKey);

	/**
	 * The check-lock entry of {@code key} as the store holds it, without taking it.
	 * @param key the key, without the engine's namespace
	 * @return the entry, or empty when the key is free
	 * @throws ValidationException when the key is invalid
	 */
	Optional<LockEntry> readLock(String key);

	/**
	 * Releases a check-lock key (an operator action).
	 * @return true when an entry was removed
	 * @throws ValidationException when the key is invalid
	 */
	boolean releaseLock(String key);

	/**
	 * Deletes a lease and its result (an operator action).
	 * @return true when an entry was removed
	 * @throws ValidationException when the key is invalid
	 */
	boolean deleteLease(String key);

	/**
	 * Whether an agent is enabled, read from the governance store (the local engine's
	 * policy answers do not carry it).
	 * @param agentId the agent
	 * @return {@code false} when its kill switch is on
	 */
	boolean agentEnabled(String agentId);

	/**
	 * Runs one call of an in-process tool through the engine's governance pipeline (kill
	 * switch, allow and block lists, limits and budget reserved atomically, dedup with
	 * result replay, audit): {@code tool} runs only when the pipeline executes the call.
	 * @param call the call
	 * @param riskLevel {@code low}, {@code medium} or {@code high}; {@code null} for the
	 * default of the tool's name
	 * @param tool the tool
	 * @return what the pipeline did
	 */
	GovernedCall callTool(ToolCallRequest call, @Nullable String riskLevel, InProcessTool tool);

	/** An in-process tool. */
	@FunctionalInterface
	interface InProcessTool {

		/**
		 * Runs the tool.
		 * @return its result; a value that is not a JSON object is stored as
		 * {@code {"value": …}}
		 * @throws Exception when the tool fails (recorded as {@code tool_error})
		 */
		@Nullable Object run() throws Exception;

	}

	/**
	 * What the governance pipeline did with an in-process call.
	 *
	 * @param result the answer, shaped as tool-mode {@code /ai/run}
	 * @param executed true when this call ran the tool (and {@link #value()} is what it
	 * returned)
	 * @param value what the tool returned when this call ran it
	 * @param error the tool's failure, for a {@code tool_error}
	 */
	record GovernedCall(AiToolResult result, boolean executed, @Nullable Object value, @Nullable Throwable error) {

		/** The decision: {@code executed}, {@code blocked} or {@code dedup}. */
		public String decision() {
			return this.result.decision();
		}

		/** The reason code, empty when none. */
		public String policyReason() {
			String reason = this.result.policyReason();
			return (reason != null) ? reason : "";
		}

		/** The JSON result recorded for the call (replayed to duplicates), if any. */
		public @Nullable Map<String, Object> storedResult() {
			return this.result.result();
		}

	}

	/**
	 * A check-lock entry.
	 *
	 * @param key the key, without the engine's namespace
	 * @param firstSeenAt when it was taken
	 * @param expiresAt when it becomes free again
	 */
	record LockEntry(String key, Instant firstSeenAt, Instant expiresAt) {
	}

}
