package tech.onceonly.spring.observation;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

import tech.onceonly.client.AiResult;
import tech.onceonly.client.AiRun;
import tech.onceonly.client.AiRunOutcome;
import tech.onceonly.client.AiToolResult;
import tech.onceonly.client.CheckLockResult;

/**
 * The outcome values of the {@code onceonly.client} observation and how results map to
 * them.
 */
public final class Outcomes {

	/**
	 * This caller did the work: it took the lock, acquired the lease, ran the function or
	 * the tool.
	 */
	public static final String EXECUTED = "executed";

	/** check-lock found the key taken. */
	public static final String DUPLICATE = "duplicate";

	/** The caller got the stored result of an earlier execution. */
	public static final String REPLAYED = "replayed";

	/** Someone else holds the work. */
	public static final String IN_PROGRESS = "in_progress";

	/** The work failed (a stored failure, a timeout, or this caller's function threw). */
	public static final String FAILED = "failed";

	/** check-lock could not reach the backend and let the action proceed. */
	public static final String FAIL_OPEN = "fail_open";

	/** Governance blocked the tool call. */
	public static final String BLOCKED = "blocked";

	/** Governance answered a repeated tool call with the first execution's result. */
	public static final String DEDUP = "dedup";

	/** Any other call that returned normally. */
	public static final String SUCCESS = "success";

	/** The call threw. */
	public static final String ERROR = "error";

	/** A {@code Mono} call was cancelled before it finished. */
	public static final String CANCELLED = "cancelled";

	/** Used for a value outside the small fixed sets, so tags stay low-cardinality. */
	public static final String OTHER = "other";

	private static final Set<String> DECISIONS = Set.of(EXECUTED, BLOCKED, DEDUP);

	private static final Pattern TAG_VALUE = Pattern.compile("[a-z0-9_.\\-]{1,64}");

	private Outcomes() {
	}

	/** The outcome of a check-lock answer. */
	public static String of(CheckLockResult result) {
		if (result.isFailOpen()) {
			return FAIL_OPEN;
		}
		return result.shouldProceed() ? EXECUTED : DUPLICATE;
	}

	/** The outcome of a key-mode or tool-mode run answer. */
	public static String of(AiRunOutcome outcome) {
		if (outcome instanceof AiToolResult tool) {
			return of(tool);
		}
		return of((AiRun) outcome);
	}

	/**
	 * The outcome of a lease answer: acquired is executed, a terminal answer is replayed
	 * or failed.
	 */
	public static String of(AiRun run) {
		return switch (run.leaseStatus()) {
			case ACQUIRED -> EXECUTED;
			case POLLING, IN_PROGRESS -> IN_PROGRESS;
			case COMPLETED -> REPLAYED;
			case FAILED -> FAILED;
			default -> SUCCESS;
		};
	}

	/** The outcome of a governed tool call: its decision. */
	public static String of(AiToolResult result) {
		String decision = lower(result.decision());
		if (DECISIONS.contains(decision)) {
			return decision;
		}
		return "tool_error".equals(lower(result.policyReason())) ? FAILED : SUCCESS;
	}

	/** The outcome of a stored or awaited result. */
	public static String of(AiResult result) {
		return switch (result.leaseStatus()) {
			case FAILED -> FAILED;
			case IN_PROGRESS, POLLING -> IN_PROGRESS;
			default -> SUCCESS;
		};
	}

	/**
	 * The outcome of {@code runFn}.
	 * @param result the answer
	 * @param ran whether this caller's function was invoked
	 * @return executed, replayed, in_progress or failed
	 */
	public static String ofRunFn(AiResult result, boolean ran) {
		return switch (result.leaseStatus()) {
			case COMPLETED -> ran ? EXECUTED : REPLAYED;
			case FAILED -> FAILED;
			default -> IN_PROGRESS;
		};
	}

	/** A governance decision as a tag value. */
	public static String decision(AiToolResult result) {
		return tagValue(result.decision(), "unknown");
	}

	/**
	 * A reason code as a tag value: lower-case codes pass, anything else is
	 * {@code other}.
	 */
	public static String tagValue(@Nullable String value, String whenAbsent) {
		if (value == null || value.isBlank()) {
			return whenAbsent;
		}
		String lower = lower(value);
		return TAG_VALUE.matcher(lower).matches() ? lower : OTHER;
	}

	/** The simple class name of {@code error}, or {@code none}. */
	public static String exceptionName(@Nullable Throwable error) {
		if (error == null) {
			return "none";
		}
		String name = error.getClass().getSimpleName();
		return name.isEmpty() ? error.getClass().getName() : name;
	}

	private static String lower(@Nullable String value) {
		return (value != null) ? value.trim().toLowerCase(Locale.ROOT) : "";
	}

}
