package tech.onceonly.ai.springai;

import java.util.Objects;
import java.util.function.Supplier;

import org.springframework.ai.model.tool.ToolCallingManager;
import org.springframework.ai.tool.resolution.ToolCallbackResolver;
import org.springframework.beans.factory.config.BeanPostProcessor;

import tech.onceonly.ai.AgentToolGovernance;

/**
 * Decorates every {@link ToolCallingManager} bean with {@link GovernedToolCallingManager}
 * and every {@link ToolCallbackResolver} bean with {@link GovernedToolCallbackResolver},
 * so the tool calls they execute are governed. The governance front is looked up when the
 * first such bean is decorated.
 */
public final class GovernedToolCallingPostProcessor implements BeanPostProcessor {

	private final Supplier<AgentToolGovernance> governance;

	/**
	 * A post-processor.
	 * @param governance supplies the governance front
	 */
	public GovernedToolCallingPostProcessor(Supplier<AgentToolGovernance> governance) {
		this.governance = Objects.requireNonNull(governance, "governance");
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		if (bean instanceof ToolCallingManager manager && !(bean instanceof GovernedToolCallingManager)) {
			return new GovernedToolCallingManager(manager, this.governance.get());
		}
		if (bean instanceof ToolCallbackResolver resolver && !(bean instanceof GovernedToolCallbackResolver)) {
			return new GovernedToolCallbackResolver(resolver, this.governance.get());
		}
		return bean;
	}

}
