package tech.onceonly.ai.langchain4j;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.service.tool.AiServiceTool;
import dev.langchain4j.service.tool.ToolExecutor;
import dev.langchain4j.service.tool.ToolService;

import tech.onceonly.ai.AgentToolGovernance;
import tech.onceonly.ai.IdempotentToolCalls;

/**
 * Wraps LangChain4j tools and executors so every call is governed (or made idempotent).
 */
public final class GovernedToolExecutors {

	private GovernedToolExecutors() {
	}

	/**
	 * Governed executors for the {@code @Tool} methods of {@code toolObjects}, for
	 * {@code AiServices.builder(…).tools(map)}.
	 */
	public static Map<ToolSpecification, ToolExecutor> from(AgentToolGovernance governance, Object... toolObjects) {
		Map<ToolSpecification, ToolExecutor> tools = new LinkedHashMap<>();
		for (Object toolObject : toolObjects) {
			for (AiServiceTool tool : ToolService.findTools(toolObject)) {
				tools.put(tool.toolSpecification(), wrap(governance, tool.toolExecutor()));
			}
		}
		return tools;
	}

	/** Each executor governed; executors that already are stay as they are. */
	public static Map<ToolSpecification, ToolExecutor> wrap(AgentToolGovernance governance,
			Map<ToolSpecification, ToolExecutor> tools) {
		Map<ToolSpecification, ToolExecutor> wrapped = new LinkedHashMap<>();
		tools.forEach((spec, executor) -> wrapped.put(spec, wrap(governance, executor)));
		return wrapped;
	}

	/** The executor governed, unless it already is. */
	public static ToolExecutor wrap(AgentToolGovernance governance, ToolExecutor executor) {
		return (executor instanceof GovernedToolExecutor) ? executor : new GovernedToolExecutor(executor, governance);
	}

	/**
	 * Idempotent ({@code make_idempotent_tool}) executors for the {@code @Tool} methods
	 * of {@code toolObjects}.
	 */
	public static Map<ToolSpecification, ToolExecutor> idempotent(IdempotentToolCalls calls, Object... toolObjects) {
		Map<ToolSpecification, ToolExecutor> tools = new LinkedHashMap<>();
		for (Object toolObject : toolObjects) {
			for (AiServiceTool tool : ToolService.findTools(toolObject)) {
				tools.put(tool.toolSpecification(), new IdempotentToolExecutor(tool.toolExecutor(), calls));
			}
		}
		return tools;
	}

}
