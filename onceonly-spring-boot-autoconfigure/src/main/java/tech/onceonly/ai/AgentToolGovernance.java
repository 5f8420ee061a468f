package tech.onceonly.ai;

import java.math.BigDecimal;
import java.util.Objects;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * What the Spring AI and LangChain4j adapters call for every tool call: resolves the
 * agent, builds the call with its dedup identity (agent, tool, canonical arguments, and
 * the run id from {@value AgentIdResolver#RUN_ID_KEY} or, with
 * {@code dedupByConversation}, the conversation id), and hands it to the
 * {@link AgentToolGovernor}. Thread-safe.
 */
public final class AgentToolGovernance {

	private static final Log logger = LogFactory.getLog(AgentToolGovernance.class);

	private final AgentToolGovernor governor;

	private final AgentIdResolver agentIdResolver;

	private final ToolArguments arguments;

	private final boolean requireAgentId;

	private final boolean dedupByConversation;

	/**
	 * A governance front.
	 * @param governor the backend
	 * @param agentIdResolver finds the agent of each call
	 * @param arguments parses arguments
	 * @param requireAgentId whether a call without an agent id is refused
	 * ({@link MissingAgentIdException}) rather than run ungoverned
	 * @param dedupByConversation whether the conversation id, when no run id is given,
	 * scopes dedup
	 */
	public AgentToolGovernance(AgentToolGovernor governor, AgentIdResolver agentIdResolver, ToolArguments arguments,
			boolean requireAgentId, boolean dedupByConversation) {
		this.governor = Objects.requireNonNull(governor, "governor");
		this.agentIdResolver = Objects.requireNonNull(agentIdResolver, "agentIdResolver");
		this.arguments = Objects.requireNonNull(arguments, "arguments");
		this.requireAgentId = requireAgentId;
		this.dedupByConversation = dedupByConversation;
	}

	/** The backend. */
	public AgentToolGovernor governor() {
		return this.governor;
	}

	/**
	 * Governs one call and returns the text the model receives.
	 * @param argumentsJson the arguments as the model sent them
	 * @param context the call's context
	 * @param execution the real tool
	 * @return the tool's result, the first execution's result for a duplicate, or a
	 * blocked message
	 * @throws tech.onceonly.client.AgentDisabledException when the agent is disabled
	 * (kill switch)
	 * @throws MissingAgentIdException when no agent id is found and one is required
	 */
	public String call(@Nullable String argumentsJson, AgentCallContext context, AgentToolExecution execution) {
		return govern(argumentsJson, context, execution).text();
	}

	/**
	 * Governs one call and returns its outcome.
	 * @see #call(String, AgentCallContext, AgentToolExecution)
	 */
	public AgentToolOutcome govern(@Nullable String argumentsJson, AgentCallContext context,
			AgentToolExecution execution) {
		String agentId = this.agentIdResolver.resolve(context);
		if (agentId == null || agentId.isBlank()) {
			if (this.requireAgentId) {
				throw new MissingAgentIdException(context.tool());
			}
			if (logger.isDebugEnabled()) {
				logger.debug("No agent id for tool '" + context.tool() + "'; running it ungoverned");
			}
			Object value = AgentToolExecution.run(execution);
			return AgentToolOutcome.executed("ungoverned", this.arguments.textOf(value), value);
		}
		String runId = context.text(AgentIdResolver.RUN_ID_KEY);
		if (runId == null && this.dedupByConversation && context.conversationId() != null) {
			runId = context.conversationId().toString();
		}
		AgentToolCall call = new AgentToolCall(agentId, context.tool(), this.arguments.parse(argumentsJson), runId,
				spend(context), null);
		return this.governor.govern(call, execution);
	}

	private static @Nullable BigDecimal spend(AgentCallContext context) {
		String text = context.text(AgentIdResolver.SPEND_USD_KEY);
		if (text == null) {
			return null;
		}
		try {
			return new BigDecimal(text.trim());
		}
		catch (NumberFormatException ex) {
			throw new IllegalArgumentException("'" + AgentIdResolver.SPEND_USD_KEY + "' is not a number: " + text, ex);
		}
	}

}
