package tech.onceonly.spring.observation;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import tech.onceonly.client.AiToolResult;
import tech.onceonly.client.CheckLockResult;

/**
 * The OnceOnly counters: {@code onceonly.fail.open} (operation, reason) and
 * {@code onceonly.governance.decisions} (decision, reason, and agent when enabled,
 * bounded to a maximum number of distinct agents). Recording never throws.
 */
public final class OnceOnlyMeters {

	/**
	 * Counts check-locks that let the action proceed because the backend could not be
	 * reached.
	 */
	public static final String FAIL_OPEN = "onceonly.fail.open";

	/** Counts governance decisions of governed tool calls. */
	public static final String GOVERNANCE_DECISIONS = "onceonly.governance.decisions";

	/** The agent tag value for agents past the maximum. */
	public static final String OTHER_AGENT = "other";

	private static final Log logger = LogFactory.getLog(OnceOnlyMeters.class);

	private final MeterRegistry registry;

	private final boolean agentTag;

	private final int maxAgents;

	private final Set<String> agents = ConcurrentHashMap.newKeySet();

	/**
	 * Counters on {@code registry}.
	 * @param registry the registry
	 * @param agentTag whether governance decisions carry the agent id
	 * @param maxAgents the most distinct agent ids used as tag values; later agents are
	 * reported as {@code other}
	 */
	public OnceOnlyMeters(MeterRegistry registry, boolean agentTag, int maxAgents) {
		this.registry = registry;
		this.agentTag = agentTag;
		this.maxAgents = Math.max(0, maxAgents);
	}

	/** Counts a check-lock answer when it was fabricated by fail-open. */
	public void checkLock(String operation, CheckLockResult result) {
		try {
			if (result.isFailOpen()) {
				Object reason = result.raw().get("reason");
				Counter.builder(FAIL_OPEN)
					.description("Check-locks that let the action proceed because the backend could not be reached")
					.tag("operation", operation)
					.tag("reason", Outcomes.tagValue((reason instanceof String s) ? s : null, "unknown"))
					.register(this.registry)
					.increment();
			}
		}
		catch (RuntimeException ex) {
			logger.debug("Could not count a fail-open check-lock", ex);
		}
	}

	/** Counts the decision of a governed tool call made by {@code agentId}. */
	public void decision(@Nullable String agentId, AiToolResult result) {
		try {
			Counter.Builder builder = Counter.builder(GOVERNANCE_DECISIONS)
				.description("Governance decisions of governed tool calls")
				.tag("decision", Outcomes.decision(result))
				.tag("reason", Outcomes.tagValue(result.policyReason(), "none"));
			if (this.agentTag) {
				builder.tag("agent", agentValue(agentId));
			}
			builder.register(this.registry).increment();
		}
		catch (RuntimeException ex) {
			logger.debug("Could not count a governance decision", ex);
		}
	}

	private String agentValue(@Nullable String agentId) {
		if (agentId == null || agentId.isBlank()) {
			return "unknown";
		}
		if (this.agents.contains(agentId)) {
			return agentId;
		}
		synchronized (this.agents) {
			if (this.agents.contains(agentId)) {
				return agentId;
			}
			if (this.agents.size() < this.maxAgents) {
				this.agents.add(agentId);
				return agentId;
			}
		}
		return OTHER_AGENT;
	}

}
