package tech.onceonly.client;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import tech.onceonly.engine.LocalOnceOnly;
import tech.onceonly.store.memory.InMemoryStore;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The reactive form of a blocking client starts Reactor's shared blocking scheduler (and
 * its evictor thread) only when it is used, so an app that never uses it, or whose
 * startup fails, leaves no such thread behind.
 */
class BlockingOnceOnlyReactiveAdapterTests {

	private final AtomicInteger boundedElasticCreated = new AtomicInteger();

	@AfterEach
	void resetSchedulers() {
		Schedulers.resetFactory();
	}

	@Test
	void defaultSchedulerShouldBeCreatedAtTheFirstReactiveCallNotWithTheClient() {
		Schedulers.setFactory(new Schedulers.Factory() {
			@Override
			public Scheduler newBoundedElastic(int threadCap, int queuedTaskCap, ThreadFactory threadFactory,
					int ttlSeconds) {
				BlockingOnceOnlyReactiveAdapterTests.this.boundedElasticCreated.incrementAndGet();
				return Schedulers.Factory.super.newBoundedElastic(threadCap, queuedTaskCap, threadFactory, ttlSeconds);
			}
		});
		try (LocalOnceOnly engine = new LocalOnceOnly(new InMemoryStore())) {
			ReactiveOnceOnly reactive = engine.reactive();
			assertThat(this.boundedElasticCreated).hasValue(0);
			CheckLockResult first = reactive.checkLock("adapter-lazy", null, null, null).block();
			assertThat(first).isNotNull();
			assertThat(first.shouldProceed()).isTrue();
			assertThat(this.boundedElasticCreated).hasValue(1);
			assertThat(reactive.checkLock("adapter-lazy", null, null, null).block().isDuplicate()).isTrue();
		}
	}

}
