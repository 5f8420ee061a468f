package tech.onceonly.spring.aop;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.annotation.EnableTransactionManagement;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.AbstractPlatformTransactionManager;
import org.springframework.transaction.support.DefaultTransactionStatus;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import tech.onceonly.spring.annotation.IdempotentAi;
import tech.onceonly.spring.autoconfigure.OnceOnlyAutoConfiguration;
import tech.onceonly.spring.autoconfigure.aop.OnceOnlyAnnotationsAutoConfiguration;
import tech.onceonly.store.OnceOnlyStore;
import tech.onceonly.store.memory.InMemoryStore;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * By default OnceOnly runs outside {@code @Transactional}: the lease before begin, the
 * result after commit.
 */
class TransactionOrderingTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(OnceOnlyAutoConfiguration.class, OnceOnlyAnnotationsAutoConfiguration.class))
		.withUserConfiguration(TransactionalConfiguration.class);

	@Test
	void defaultOrderShouldTakeTheLeaseBeforeTheTransactionAndStoreTheResultAfterCommit() {
		this.runner.withUserConfiguration(DefaultTransactionOrder.class).run((context) -> {
			context.getBean(Ledger.class).post("entry-1");
			assertThat(context.getBean(Events.class).list).containsExactly("acquireLease tx=false", "begin",
					"body tx=true", "commit", "completeLease tx=false");
		});
	}

	@Test
	void higherOrderValueShouldRunInsideTheTransaction() {
		this.runner.withUserConfiguration(TransactionOrder1000.class)
			.withPropertyValues("onceonly.annotations.order=2000")
			.run((context) -> {
				context.getBean(Ledger.class).post("entry-2");
				assertThat(context.getBean(Events.class).list).containsExactly("begin", "acquireLease tx=true",
						"body tx=true", "completeLease tx=true", "commit");
			});
	}

	static final class Events {

		final List<String> list = new CopyOnWriteArrayList<>();

	}

	@Configuration(proxyBeanMethods = false)
	@EnableTransactionManagement
	static class DefaultTransactionOrder {

	}

	@Configuration(proxyBeanMethods = false)
	@EnableTransactionManagement(order = 1000)
	static class TransactionOrder1000 {

	}

	@Configuration(proxyBeanMethods = false)
	static class TransactionalConfiguration {

		@Bean
		Events events() {
			return new Events();
		}

		@Bean
		RecordingTransactionManager transactionManager(Events events) {
			return new RecordingTransactionManager(events);
		}

		@Bean
		OnceOnlyStore recordingStore(Events events) {
			InMemoryStore store = new InMemoryStore();
			return (OnceOnlyStore) Proxy.newProxyInstance(getClass().getClassLoader(),
					new Class<?>[] { OnceOnlyStore.class }, (proxy, method, args) -> {
						if (method.getName().equals("acquireLease") || method.getName().equals("completeLease")) {
							events.list.add(method.getName() + " tx="
									+ TransactionSynchronizationManager.isActualTransactionActive());
						}
						try {
							return method.invoke(store, args);
						}
						catch (InvocationTargetException ex) {
							throw ex.getTargetException();
						}
					});
		}

		@Bean
		Ledger ledger(Events events) {
			return new Ledger(events);
		}

	}

	static class Ledger {

		private final Events events;

		Ledger(Events events) {
			this.events = events;
		}

		@Transactional
		@IdempotentAi(key = "'ledger:' + #p0")
		public String post(String entry) {
			this.events.list.add("body tx=" + TransactionSynchronizationManager.isActualTransactionActive());
			return entry;
		}

	}

	static class RecordingTransactionManager extends AbstractPlatformTransactionManager {

		private static final long serialVersionUID = 1L;

		private final transient Events events;

		RecordingTransactionManager(Events events) {
			this.events = events;
		}

		@Override
		protected Object doGetTransaction() {
			return new Object();
		}

		@Override
		protected void doBegin(Object transaction, TransactionDefinition definition) {
			this.events.list.add("begin");
		}

		@Override
		protected void doCommit(DefaultTransactionStatus status) {
			this.events.list.add("commit");
		}

		@Override
		protected void doRollback(DefaultTransactionStatus status) {
			this.events.list.add("rollback");
		}

	}

}
