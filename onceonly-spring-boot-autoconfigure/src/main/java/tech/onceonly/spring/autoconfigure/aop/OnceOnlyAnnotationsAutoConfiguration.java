package tech.onceonly.spring.autoconfigure.aop;

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
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.context.annotation.Role;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotationMetadata;
import tools.jackson.databind.json.JsonMapper;

import tech.onceonly.client.OnceOnly;
import tech.onceonly.spring.aop.IdempotentMethodValidator;
import tech.onceonly.spring.aop.OnceOnlyAnnotationAdvisor;
import tech.onceonly.spring.autoconfigure.OnceOnlyAutoConfiguration;
import tech.onceonly.spring.web.webhook.WebhookEndpointValidator;

/**
 * Auto-configuration of {@code @Idempotent} and {@code @IdempotentAi}/{@code @RunOnce}:
 * the advisor (ordered by {@code onceonly.annotations.order}), an auto-proxy creator when
 * the application has none, the startup warning for annotated methods a proxy cannot
 * intercept, and the startup check of {@code @IdempotentWebhook} handlers. Misconfigured
 * {@code @Idempotent}/{@code @IdempotentAi} attributes fail when the bean is proxied.
 * Needs Spring AOP and an {@link OnceOnly} bean.
 */
@AutoConfiguration(after = OnceOnlyAutoConfiguration.class,
		afterName = "org.springframework.boot.autoconfigure.aop.AopAutoConfiguration")
@ConditionalOnClass(Advisor.class)
@ConditionalOnBooleanProperty(name = "onceonly.annotations.enabled", matchIfMissing = true)
@ConditionalOnBean(OnceOnly.class)
@Import(OnceOnlyAnnotationsAutoConfiguration.AutoProxyRegistrar.class)
public final class OnceOnlyAnnotationsAutoConfiguration {

	/**
	 * The advisor's order when {@code onceonly.annotations.order} is not set: outside
	 * {@code @Transactional}.
	 */
	public static final int DEFAULT_ORDER = Ordered.LOWEST_PRECEDENCE - 100;

	/**
	 * The advisor; static and resolving the client and the mapper lazily, so creating it
	 * early (as auto-proxy creators do) initializes nothing else.
	 */
	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	@ConditionalOnMissingBean
	static OnceOnlyAnnotationAdvisor onceOnlyAnnotationAdvisor(ObjectProvider<OnceOnly> client,
			ObjectProvider<JsonMapper> jsonMapper, ConfigurableListableBeanFactory beanFactory,
			Environment environment) {
		OnceOnlyAnnotationAdvisor advisor = new OnceOnlyAnnotationAdvisor(client::getObject,
				() -> jsonMapper.getIfAvailable(() -> JsonMapper.builder().build()), beanFactory);
		advisor
			.setOrder(Binder.get(environment).bind("onceonly.annotations.order", Integer.class).orElse(DEFAULT_ORDER));
		return advisor;
	}

	/**
	 * Warns about annotated methods a proxy cannot intercept (private, static, final).
	 */
	@Bean
	@ConditionalOnBooleanProperty(name = "onceonly.annotations.validate", matchIfMissing = true)
	@ConditionalOnMissingBean
	static IdempotentMethodValidator idempotentMethodValidator() {
		return new IdempotentMethodValidator();
	}

	/**
	 * Fails the startup for {@code @IdempotentWebhook} handlers whose key expression or
	 * provider settings cannot find a delivery id.
	 */
	@Bean
	@ConditionalOnMissingBean
	static WebhookEndpointValidator onceOnlyWebhookEndpointValidator() {
		return new WebhookEndpointValidator();
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
