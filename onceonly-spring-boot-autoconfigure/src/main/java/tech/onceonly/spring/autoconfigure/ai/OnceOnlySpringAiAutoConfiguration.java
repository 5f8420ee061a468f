package tech.onceonly.spring.autoconfigure.ai;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;

import tech.onceonly.ai.AgentToolGovernance;
import tech.onceonly.ai.springai.GovernedToolCallingPostProcessor;

/**
 * Auto-configuration of Spring AI tool governance: decorates the
 * {@code ToolCallingManager} and {@code ToolCallbackResolver} beans so every tool
 * callback they execute is governed.
 */
@AutoConfiguration(after = OnceOnlyAiAutoConfiguration.class)
@ConditionalOnClass(name = "org.springframework.ai.model.tool.ToolCallingManager")
@ConditionalOnBean(AgentToolGovernance.class)
public final class OnceOnlySpringAiAutoConfiguration {

	@Bean
	@ConditionalOnBooleanProperty(name = "onceonly.ai.spring-ai.govern-tool-calling-manager", matchIfMissing = true)
	static GovernedToolCallingPostProcessor onceOnlyGovernedToolCallingPostProcessor(
			ObjectProvider<AgentToolGovernance> governance) {
		return new GovernedToolCallingPostProcessor(governance::getObject);
	}

}
