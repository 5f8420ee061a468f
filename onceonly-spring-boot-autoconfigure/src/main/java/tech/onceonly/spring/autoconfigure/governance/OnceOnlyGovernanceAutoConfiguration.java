package tech.onceonly.spring.autoconfigure.governance;

import java.util.Set;
import java.util.function.Supplier;

import org.springframework.aop.Advisor;
import org.springframework.aop.config.AopConfigUtils;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.context.annotation.Role;
import org.springframework.core.type.AnnotationMetadata;
import tools.jackson.databind.json.JsonMapper;

import tech.onceonly.ai.AgentToolGovernor;
import tech.onceonly.ai.AgentToolGovernors;
import tech.onceonly.ai.ToolArguments;
import tech.onceonly.client.OnceOnly;
import tech.onceonly.spring.aop.GovernedToolAdvisor;
import tech.onceonly.spring.aop.GovernedToolInterceptor;
import tech.onceonly.spring.autoconfigure.OnceOnlyAutoConfiguration;
import tech.onceonly.spring.autoconfigure.OnceOnlyProperties;

/**
 * Auto-configuration of agent governance: the {@code @GovernedTool} advisor (switched
 * with {@code onceonly.annotations.enabled}, like the other OnceOnly annotations) with an
 * auto-proxy creator when the application has none. Governed methods go through the
 * {@link AgentToolGovernor} bean (or, without one, the governor that fits the client's
 * backend): the local engine's pipeline in-process, the OnceOnly API or a self-hosted
 * server remotely. The governance store itself is built by the store auto-configuration
 * of {@code onceonly.store.type}.
 */
@AutoConfiguration(after = OnceOnlyAutoConfiguration.class,
		afterName = "org.springframework.boot.autoconfigure.aop.AopAutoConfiguration")
@ConditionalOnBooleanProperty(name = "onceonly.enabled", matchIfMissing = true)
@ConditionalOnBean(OnceOnly.class)
@EnableConfigurationProperties(OnceOnlyProperties.class)
public final class OnceOnlyGovernanceAutoConfiguration {

	/** The {@code @GovernedTool} advisor. */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(Advisor.class)
	@ConditionalOnBooleanProperty(name = "onceonly.annotations.enabled", matchIfMissing = true)
	@Import(AutoProxyRegistrar.class)
	static class GovernedToolConfiguration {

		/**
		 * The advisor; static and resolving the client and the mapper at the first
		 * governed call.
		 */
		@Bean
		@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
		@ConditionalOnMissingBean
		static GovernedToolAdvisor governedToolAdvisor(ObjectProvider<OnceOnly> client,
				ObjectProvider<AgentToolGovernor> governor, ObjectProvider<JsonMapper> jsonMapper,
				ConfigurableListableBeanFactory beanFactory) {
			Supplier<JsonMapper> json = () -> jsonMapper.getIfAvailable(() -> JsonMapper.builder().build());
			GovernedToolInterceptor interceptor = new GovernedToolInterceptor(
					() -> governor.getIfAvailable(() -> AgentToolGovernors.forClient(client.getObject(),
							new ToolArguments(json.get()), Set.of(), AgentToolGovernors.DEFAULT_REMOTE_DEDUP_WINDOW)),
					json);
			interceptor.setBeanFactory(beanFactory);
			return new GovernedToolAdvisor(interceptor);
		}

	}

	/**
	 * Registers Spring's infrastructure auto-proxy creator unless a (more capable) one is
	 * registered already.
	 */
	static final class AutoProxyRegistrar implements ImportBeanDefinitionRegistrar {

		@Override
		public void registerBeanDefinitions(AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
			AopConfigUtils.registerAutoProxyCreatorIfNecessary(registry);
		}

	}

}
