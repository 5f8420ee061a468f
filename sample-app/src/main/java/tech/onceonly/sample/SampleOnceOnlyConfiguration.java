package tech.onceonly.sample;

import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import tech.onceonly.client.OnceOnly;
import tech.onceonly.engine.LocalOnceOnly;
import tech.onceonly.store.memory.InMemoryStore;

/** The local engine on the in-memory store, until the starter's auto-configuration provides it. */
@Configuration(proxyBeanMethods = false)
class SampleOnceOnlyConfiguration {

	@Bean
	@ConditionalOnMissingBean
	OnceOnly onceOnly() {
		return new LocalOnceOnly(new InMemoryStore());
	}

}
