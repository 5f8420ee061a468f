package tech.onceonly.spring.autoconfigure.ai;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/** Configuration of AI agent tool governance under {@code onceonly.ai.*}. */
@ConfigurationProperties("onceonly.ai")
public class OnceOnlyAiProperties {

	/** Whether AI agent tool governance is auto-configured. */
	private boolean enabled = true;

	/**
	 * Agent id of tool calls whose context names no agent (no "onceonly.agent_id" entry
	 * and no memory id).
	 */
	private @Nullable String defaultAgentId;

	/**
	 * Whether a tool call without an agent id is refused with MissingAgentIdException
	 * (fail-closed); when false it runs ungoverned.
	 */
	private boolean requireAgentId = true;

	/**
	 * Whether a conversation (LangChain4j memory) id names the agent when the context has
	 * no "onceonly.agent_id".
	 */
	private boolean agentIdFromMemoryId = true;

	/**
	 * Whether the conversation id scopes dedup when the context has no "onceonly.run_id":
	 * the same call in another conversation then runs again. Off: identical calls of one
	 * agent are deduplicated across conversations.
	 */
	private boolean dedupByRun = false;

	/** Remote mode: how in-process tools are governed. */
	private final Remote remote = new Remote();

	/** The make_idempotent_tool helper. */
	private final IdempotentTool idempotentTool = new IdempotentTool();

	/** Spring AI integration. */
	private final SpringAi springAi = new SpringAi();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public @Nullable String getDefaultAgentId() {
		return this.defaultAgentId;
	}

	public void setDefaultAgentId(@Nullable String defaultAgentId) {
		this.defaultAgentId = defaultAgentId;
	}

	public boolean isRequireAgentId() {
		return this.requireAgentId;
	}

	public void setRequireAgentId(boolean requireAgentId) {
		this.requireAgentId = requireAgentId;
	}

	public boolean isAgentIdFromMemoryId() {
		return this.agentIdFromMemoryId;
	}

	public void setAgentIdFromMemoryId(boolean agentIdFromMemoryId) {
		this.agentIdFromMemoryId = agentIdFromMemoryId;
	}

	public boolean isDedupByRun() {
		return this.dedupByRun;
	}

	public void setDedupByRun(boolean dedupByRun) {
		this.dedupByRun = dedupByRun;
	}

	public Remote getRemote() {
		return this.remote;
	}

	public IdempotentTool getIdempotentTool() {
		return this.idempotentTool;
	}

	public SpringAi getSpringAi() {
		return this.springAi;
	}

	/** Remote-mode settings. */
	public static class Remote {

		/**
		 * Tools registered on the OnceOnly server: their calls go to ai.runTool and the
		 * server applies the whole pipeline. Other tools run in-process, exactly once,
		 * with only the policy's allow/block lists checked.
		 */
		private List<String> registeredTools = new ArrayList<>();

		/** How long an in-process tool's result is replayed to identical calls. */
		private Duration dedupWindow = Duration.ofHours(24);

		public List<String> getRegisteredTools() {
			return this.registeredTools;
		}

		public void setRegisteredTools(List<String> registeredTools) {
			this.registeredTools = registeredTools;
		}

		public Duration getDedupWindow() {
			return this.dedupWindow;
		}

		public void setDedupWindow(Duration dedupWindow) {
			this.dedupWindow = dedupWindow;
		}

	}

	/** Settings of the make_idempotent_tool helper. */
	public static class IdempotentTool {

		/** Key prefix: keys are "<prefix>:<tool>:<sha256 of the canonical input>". */
		private String keyPrefix = "tool";

		/** How long a call blocks identical calls. */
		private Duration ttl = Duration.ofDays(1);

		public String getKeyPrefix() {
			return this.keyPrefix;
		}

		public void setKeyPrefix(String keyPrefix) {
			this.keyPrefix = keyPrefix;
		}

		public Duration getTtl() {
			return this.ttl;
		}

		public void setTtl(Duration ttl) {
			this.ttl = ttl;
		}

	}

	/** Spring AI settings. */
	public static class SpringAi {

		/**
		 * Whether ToolCallingManager and ToolCallbackResolver beans are decorated so
		 * every tool callback they execute is governed.
		 */
		private boolean governToolCallingManager = true;

		public boolean isGovernToolCallingManager() {
			return this.governToolCallingManager;
		}

		public void setGovernToolCallingManager(boolean governToolCallingManager) {
			this.governToolCallingManager = governToolCallingManager;
		}

	}

}
