package tech.onceonly.client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.aop.framework.ProxyFactory;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.web.reactive.function.client.WebClient;
import tools.jackson.databind.json.JsonMapper;

import tech.onceonly.client.remote.RemoteOnceOnly;
import tech.onceonly.client.remote.RemoteOnceOnlySettings;
import tech.onceonly.engine.LocalOnceOnly;
import tech.onceonly.spring.annotation.DuplicateExecutionException;
import tech.onceonly.spring.annotation.IdempotencyException;
import tech.onceonly.spring.annotation.Idempotent;
import tech.onceonly.spring.annotation.IdempotentAi;
import tech.onceonly.spring.annotation.IdempotentExecutionFailedException;
import tech.onceonly.spring.annotation.IdempotentInProgressException;
import tech.onceonly.spring.annotation.IdempotentKeyException;
import tech.onceonly.spring.annotation.IdempotentWaitTimeoutException;
import tech.onceonly.spring.annotation.OnDuplicate;
import tech.onceonly.spring.aop.OnceOnlyAnnotationAdvisor;
import tech.onceonly.store.FaultyStore;
import tech.onceonly.store.StoreException;
import tech.onceonly.store.memory.InMemoryStore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * One exception root: whatever the backend and whichever annotation, a caller can
 * {@code catch (OnceOnlyException e)} for every OnceOnly failure.
 */
class OnceOnlyExceptionHierarchyTests {

	private final FaultyStore store = new FaultyStore(new InMemoryStore());

	private final LocalOnceOnly local = LocalOnceOnly.builder(this.store).build();

	private final JsonMapper json = JsonMapper.builder().build();

	@AfterEach
	void close() {
		this.local.close();
	}

	@Test
	void storeOutageOnTheLocalEngineShouldBeAnOnceOnlyException() {
		this.store.on(FaultyStore.Op.TRY_LOCK).failBefore();
		OnceOnlyException caught = catchOnceOnly(() -> this.local.checkLock("order-1"));
		assertThat(caught).isInstanceOf(StoreException.class);
		this.store.heal();
		assertThat(this.local.checkLock("order-1").shouldProceed()).isTrue();
	}

	@Test
	void transportFailureOfTheRemoteClientShouldBeAnOnceOnlyException() {
		RemoteOnceOnly remote = new RemoteOnceOnly(RemoteOnceOnlySettings.builder("once_test_key")
			.baseUrl("http://127.0.0.1:" + closedPort() + "/v1")
			.timeout(Duration.ofSeconds(5))
			.failOpen(false)
			.maxRetries(0)
			.build(), WebClient.builder(), this.json, LeaseEvents.LOGGING);
		try {
			OnceOnlyException caught = catchOnceOnly(() -> remote.ai().status("order-1"));
			assertThat(caught).isInstanceOf(OnceOnlyTransportException.class);
		}
		finally {
			remote.close();
		}
	}

	@Test
	void storeOutageBehindAnAnnotationShouldBeAnOnceOnlyException() {
		Orders orders = proxy(new Orders());
		this.store.on(FaultyStore.Op.TRY_LOCK).failBefore();
		assertThat(catchOnceOnly(() -> orders.strict("o-1"))).isInstanceOf(StoreException.class);
		this.store.on(FaultyStore.Op.ACQUIRE_LEASE).failBefore();
		assertThat(catchOnceOnly(() -> orders.declined("o-1"))).isInstanceOf(StoreException.class);
	}

	@Test
	void annotationFailuresShouldBeOnceOnlyExceptions() {
		Orders target = new Orders();
		Orders orders = proxy(target);
		orders.strict("o-1");
		assertThat(catchOnceOnly(() -> orders.strict("o-1"))).isInstanceOf(DuplicateExecutionException.class);
		assertThat(catchOnceOnly(() -> orders.strict(null))).isInstanceOf(IdempotentKeyException.class);
		assertThat(catchThrowable(() -> orders.declined("o-2"))).isInstanceOf(Declined.class);
		assertThat(catchOnceOnly(() -> orders.declined("o-2"))).isInstanceOf(IdempotentExecutionFailedException.class);
		assertThat(target.declines).hasValue(1);
	}

	@Test
	void everyAnnotationExceptionTypeShouldDescendFromOnceOnlyException() {
		for (Class<?> type : List.of(IdempotencyException.class, DuplicateExecutionException.class,
				IdempotentKeyException.class, IdempotentExecutionFailedException.class,
				IdempotentInProgressException.class, IdempotentWaitTimeoutException.class, StoreException.class,
				ToolBlockedException.class, AgentDisabledException.class, OnceOnlyTransportException.class,
				ApiException.class)) {
			assertThat(OnceOnlyException.class).as(type.getName()).isAssignableFrom(type);
		}
	}

	private static OnceOnlyException catchOnceOnly(Runnable call) {
		try {
			call.run();
		}
		catch (OnceOnlyException ex) {
			return ex;
		}
		throw new AssertionError("expected an OnceOnlyException");
	}

	@SuppressWarnings("unchecked")
	private <T> T proxy(T target) {
		ProxyFactory factory = new ProxyFactory(target);
		factory.setProxyTargetClass(true);
		factory.addAdvisor(
				new OnceOnlyAnnotationAdvisor(() -> this.local, () -> this.json, new DefaultListableBeanFactory()));
		return (T) factory.getProxy();
	}

	private static int closedPort() {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	static class Declined extends RuntimeException {

		private static final long serialVersionUID = 1L;

	}

	static class Orders {

		final AtomicInteger declines = new AtomicInteger();

		@Idempotent(key = "#p0", onDuplicate = OnDuplicate.THROW)
		public String strict(String orderId) {
			return "ok";
		}

		@IdempotentAi(key = "'declined:' + #p0", failOn = Declined.class, errorCode = "declined")
		public String declined(String orderId) {
			this.declines.incrementAndGet();
			throw new Declined();
		}

	}

}
