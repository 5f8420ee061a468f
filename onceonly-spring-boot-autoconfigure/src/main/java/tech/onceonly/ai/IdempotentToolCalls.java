package tech.onceonly.ai;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

import tech.onceonly.client.CheckLockResult;
import tech.onceonly.client.OnceOnly;

/**
 * The behaviour of the OnceOnly SDK's {@code make_idempotent_tool}: before a tool runs, a
 * check-lock on {@code "<prefix>:<tool>:<sha256 of the canonical input>"} (see
 * {@link ToolInputDigest}) with metadata {@code {"tool": name, …caller metadata}}; the
 * first call runs the tool, a duplicate within the ttl returns exactly
 * {@code Action '<tool>' skipped (idempotency key duplicate).} without running it. At
 * most once, not exactly once: the duplicate does not get the first result, and a tool
 * that fails is not run again within the ttl. When the remote API cannot be reached and
 * fail-open is on, the tool runs.
 */
public final class IdempotentToolCalls {

	/** The SDK's default key prefix. */
	public static final String DEFAULT_KEY_PREFIX = "tool";

	/** The SDK's default ttl, one day. */
	public static final Duration DEFAULT_TTL = Duration.ofDays(1);

	private final OnceOnly client;

	private final ToolArguments arguments;

	private final String keyPrefix;

	private final Duration ttl;

	private final Map<String, Object> metadata;

	/**
	 * Idempotent calls with the SDK's defaults: prefix {@value #DEFAULT_KEY_PREFIX}, one
	 * day, no extra metadata.
	 * @param client the client whose check-lock is used
	 * @param arguments parses tool inputs
	 */
	public IdempotentToolCalls(OnceOnly client, ToolArguments arguments) {
		this(client, arguments, DEFAULT_KEY_PREFIX, DEFAULT_TTL, null);
	}

	/**
	 * Idempotent calls.
	 * @param client the client whose check-lock is used
	 * @param arguments parses tool inputs
	 * @param keyPrefix the key prefix
	 * @param ttl how long a call blocks its duplicates
	 * @param metadata extra metadata stored with the key, merged over {@code {"tool":
	 * name}}
	 */
	public IdempotentToolCalls(OnceOnly client, ToolArguments arguments, String keyPrefix, Duration ttl,
			@Nullable Map<String, ?> metadata) {
		this.client = Objects.requireNonNull(client, "client");
		this.arguments = Objects.requireNonNull(arguments, "arguments");
		this.keyPrefix = Objects.requireNonNull(keyPrefix, "keyPrefix");
		this.ttl = Objects.requireNonNull(ttl, "ttl");
		this.metadata = (metadata != null) ? Map.copyOf(metadata) : Map.of();
	}

	/** The check-lock key of a call: {@code "<prefix>:<tool>:<digest>"}. */
	public String key(String tool, @Nullable String input) {
		Object parsed = (input == null || input.isBlank()) ? Map.of() : this.arguments.parseValue(input);
		return ToolInputDigest.key(this.keyPrefix, tool, parsed);
	}

	/**
	 * Runs the tool unless an identical call was made within the ttl.
	 * @param tool the tool name
	 * @param input the tool's input as JSON text
	 * @param execution the real tool
	 * @return the tool's result, or the SDK's duplicate message
	 */
	public String call(String tool, @Nullable String input, AgentToolExecution execution) {
		Map<String, Object> meta = new LinkedHashMap<>();
		meta.put("tool", tool);
		meta.putAll(this.metadata);
		CheckLockResult lock = this.client.checkLock(key(tool, input), this.ttl, meta, null);
		if (lock.duplicate()) {
			return GovernedToolMessages.skippedDuplicate(tool);
		}
		return this.arguments.textOf(AgentToolExecution.run(execution));
	}

}
