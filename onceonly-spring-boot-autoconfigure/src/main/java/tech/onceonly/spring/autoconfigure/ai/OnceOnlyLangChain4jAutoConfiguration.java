package tech.onceonly.spring.autoconfigure.ai;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

import tech.onceonly.ai.AgentToolGovernance;
import tech.onceonly.ai.langchain4j.GovernedToolErrorHandler;

/**
 * Auto-configuration of LangChain4j tool governance: a {@link GovernedToolErrorHandler}
 * bean, to register on {@code AiServices} so the kill switch aborts the service call.
 */
@AutoConfiguration(after = OnceOnlyAiAutoConfiguration.class)
@ConditionalOnClass(name = "dev.langchain4j.service.tool.ToolExecutor")
@ConditionalOnBean(AgentToolGovernance.class)
public final class OnceOnlyLangChain4jAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	GovernedToolErrorHandler onceOnlyGovernedToolErrorHandler() {
		return new GovernedToolErrorHandler();
	}

}
