package tech.onceonly.spring.autoconfigure.observation;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration of OnceOnly's observations and meters under
 * {@code onceonly.observability.*}.
 */
@ConfigurationProperties("onceonly.observability")
public class OnceOnlyObservabilityProperties {

	/**
	 * Whether OnceOnly client calls are recorded as "onceonly.client" observations (and
	 * the fail-open and governance-decision counters kept) when an ObservationRegistry is
	 * present.
	 */
	private boolean enabled = true;

	/**
	 * Whether the client calls an Idempotency-Key request or a webhook delivery makes for
	 * itself (its lease and completion) are also recorded as "onceonly.client"
	 * observations, nested in the request's "onceonly.idempotency.key" (or
	 * "onceonly.webhook") observation. Off by default: the request's observation already
	 * records its outcome, and each nested observation costs its own timers on every
	 * request.
	 */
	private boolean webClientCalls = false;

	/** The agent tag of the "onceonly.governance.decisions" counter. */
	private final AgentTag agentTag = new AgentTag();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public boolean isWebClientCalls() {
		return this.webClientCalls;
	}

	public void setWebClientCalls(boolean webClientCalls) {
		this.webClientCalls = webClientCalls;
	}

	public AgentTag getAgentTag() {
		return this.agentTag;
	}

	/** The agent tag of the governance-decisions counter. */
	public static class AgentTag {

		/**
		 * Whether "onceonly.governance.decisions" carries the agent id as the "agent"
		 * tag. Off by default: agent ids can be many, and every value is a new time
		 * series.
		 */
		private boolean enabled = false;

		/**
		 * Most distinct agent ids used as tag values; decisions of further agents are
		 * tagged "other".
		 */
		private int maxAgents = 100;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public int getMaxAgents() {
			return this.maxAgents;
		}

		public void setMaxAgents(int maxAgents) {
			this.maxAgents = maxAgents;
		}

	}

}
