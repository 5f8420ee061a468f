package tech.onceonly.benchmarks;

import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.springframework.aop.framework.ProxyFactory;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import tools.jackson.databind.json.JsonMapper;

import tech.onceonly.engine.LocalOnceOnly;
import tech.onceonly.store.memory.InMemoryStore;
import tech.onceonly.spring.aop.OnceOnlyAnnotationAdvisor;

/**
 * Per-call cost of {@code @Idempotent} and {@code @IdempotentAi} on the in-memory store,
 * first call (a new key each time) and duplicate call (one key), against the same method
 * without the annotation and against a raw {@link ConcurrentHashMap#putIfAbsent}. The
 * bean is proxied the way the project's own tests do it: Spring's {@link ProxyFactory}
 * with the {@link OnceOnlyAnnotationAdvisor}. Every benchmark builds its key the same
 * way, so the differences are the advice's cost.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class AnnotationOverheadBenchmark {

	/**
	 * The engine and the proxy, built once per run (a proxy built per iteration would be
	 * a new class each time, and the JIT would start over); the store behind the engine
	 * and the raw map start empty at each iteration, so first-call keys never pile up.
	 */
	@State(Scope.Benchmark)
	public static class Engine {

		final PlainMailer plain = new PlainMailer();

		SwappableStore store;

		LocalOnceOnly client;

		Mailer mailer;

		ConcurrentHashMap<String, Boolean> map;

		final AtomicInteger threads = new AtomicInteger();

		@Setup(Level.Trial)
		public void setUp() {
			this.store = new SwappableStore(emptyStore());
			this.client = new LocalOnceOnly(this.store);
			JsonMapper json = JsonMapper.builder().build();
			ProxyFactory factory = new ProxyFactory(new Mailer());
			factory.setProxyTargetClass(true);
			factory.addAdvisor(
					new OnceOnlyAnnotationAdvisor(() -> this.client, () -> json, new DefaultListableBeanFactory()));
			this.mailer = (Mailer) factory.getProxy();
		}

		@Setup(Level.Iteration)
		public void empty() {
			this.store.swap(emptyStore());
			this.map = new ConcurrentHashMap<>();
			this.mailer.send("dup");
			this.mailer.charge("dup");
			this.map.putIfAbsent("dup", Boolean.TRUE);
		}

		@TearDown(Level.Trial)
		public void tearDown() {
			this.client.close();
		}

		private static InMemoryStore emptyStore() {
			// unbounded: a first-call run writes millions of distinct keys within the
			// default ttls
			return new InMemoryStore(Clock.systemUTC(), Integer.MAX_VALUE);
		}

	}

	/** A thread's key source: distinct keys per thread and per call. */
	@State(Scope.Thread)
	public static class Keys {

		String prefix;

		long next;

		@Setup(Level.Iteration)
		public void setUp(Engine engine) {
			this.prefix = "order-" + engine.threads.incrementAndGet() + "-";
		}

		String next() {
			return this.prefix + (this.next++);
		}

	}

	@Benchmark
	public String plainSend(Engine engine, Keys keys) {
		return engine.plain.send(keys.next());
	}

	@Benchmark
	public String rawPutIfAbsentFirst(Engine engine, Keys keys) {
		String key = keys.next();
		return (engine.map.putIfAbsent(key, Boolean.TRUE) == null) ? engine.plain.send(key) : null;
	}

	@Benchmark
	public String rawPutIfAbsentDuplicate(Engine engine, Keys keys) {
		keys.next();
		return (engine.map.putIfAbsent("dup", Boolean.TRUE) == null) ? engine.plain.send("dup") : null;
	}

	@Benchmark
	public Optional<String> idempotentFirst(Engine engine, Keys keys) {
		return engine.mailer.send(keys.next());
	}

	@Benchmark
	public Optional<String> idempotentDuplicate(Engine engine, Keys keys) {
		keys.next();
		return engine.mailer.send("dup");
	}

	@Benchmark
	public Receipt plainCharge(Engine engine, Keys keys) {
		return engine.plain.charge(keys.next());
	}

	@Benchmark
	public Receipt idempotentAiFirst(Engine engine, Keys keys) {
		return engine.mailer.charge(keys.next());
	}

	@Benchmark
	public Receipt idempotentAiDuplicate(Engine engine, Keys keys) {
		keys.next();
		return engine.mailer.charge("dup");
	}

}
