package tech.onceonly.spring.autoconfigure.check;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * Startup warnings about {@code onceonly.*} configuration that is accepted but probably
 * not meant (unknown keys, an in-memory store beside a shared database). Active even with
 * {@code onceonly.enabled=false}, since a typo in that key is one of the things it finds;
 * {@code onceonly.configuration-check.enabled=false} turns it off.
 */
@AutoConfiguration
@ConditionalOnBooleanProperty(name = "onceonly.configuration-check.enabled", matchIfMissing = true)
public final class OnceOnlyConfigurationCheckAutoConfiguration {

	@Bean
	static OnceOnlyConfigurationWarnings onceOnlyConfigurationWarnings(Environment environment,
			ApplicationContext context) {
		ListableBeanFactory beanFactory = context;
		return new OnceOnlyConfigurationWarnings(environment, beanFactory, context.getClassLoader());
	}

}
