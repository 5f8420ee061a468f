package tech.onceonly.spring.autoconfigure.ai;

import java.util.LinkedHashSet;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import tools.jackson.databind.json.JsonMapper;

import tech.onceonly.ai.AgentIdResolver;
import tech.onceonly.ai.AgentToolGovernance;
import tech.onceonly.ai.AgentToolGovernor;
import tech.onceonly.ai.AgentToolGovernors;
import tech.onceonly.ai.DefaultAgentIdResolver;
import tech.onceonly.ai.IdempotentToolCalls;
import tech.onceonly.ai.ToolArguments;
import tech.onceonly.client.OnceOnly;

/**
 * Auto-configuration of the framework-neutral agent tool governance: the
 * {@link AgentToolGovernor} (the local engine's pipeline, or the remote client), agent
 * identity, and the {@code make_idempotent_tool} helper.
 */
@AutoConfiguration(afterName = "tech.onceonly.spring.autoconfigure.OnceOnlyAutoConfiguration")
@ConditionalOnBean(OnceOnly.class)
@ConditionalOnBooleanProperty(name = "onceonly.ai.enabled", matchIfMissing = true)
@EnableConfigurationProperties(OnceOnlyAiProperties.class)
public final class OnceOnlyAiAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	ToolArguments onceOnlyToolArguments(ObjectProvider<JsonMapper> jsonMapper) {
		return new ToolArguments(jsonMapper.getIfAvailable(() -> JsonMapper.builder().build()));
	}

	@Bean
	@ConditionalOnMissingBean
	AgentIdResolver onceOnlyAgentIdResolver(OnceOnlyAiProperties properties) {
		return new DefaultAgentIdResolver(properties.getDefaultAgentId(), properties.isAgentIdFromMemoryId());
	}

	@Bean
	@ConditionalOnMissingBean
	AgentToolGovernor onceOnlyAgentToolGovernor(OnceOnly onceOnly, ToolArguments arguments,
			OnceOnlyAiProperties properties) {
		return AgentToolGovernors.forClient(onceOnly, arguments,
				new LinkedHashSet<>(properties.getRemote().getRegisteredTools()),
				properties.getRemote().getDedupWindow());
	}

	@Bean
	@ConditionalOnMissingBean
	AgentToolGovernance onceOnlyAgentToolGovernance(AgentToolGovernor governor, AgentIdResolver agentIdResolver,
			ToolArguments arguments, OnceOnlyAiProperties properties) {
		return new AgentToolGovernance(governor, agentIdResolver, arguments, properties.isRequireAgentId(),
				properties.isDedupByRun());
	}

	@Bean
	@ConditionalOnMissingBean
	IdempotentToolCalls onceOnlyIdempotentToolCalls(OnceOnly onceOnly, ToolArguments arguments,
			OnceOnlyAiProperties properties) {
		return new IdempotentToolCalls(onceOnly, arguments, properties.getIdempotentTool().getKeyPrefix(),
				properties.getIdempotentTool().getTtl(), null);
	}

}
