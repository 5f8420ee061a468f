package tech.onceonly.benchmarks;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A closed-loop load driver: {@code threads} threads call one operation back to back for
 * a fixed time and record every call's latency in a plain {@code long[]}; the result is
 * the throughput and the latency percentiles (sorted, no histogram library). A warm-up
 * period runs first and is not recorded.
 */
public final class LoadDriver {

	/**
	 * One call of the operation under load; {@code thread} and {@code sequence} make keys
	 * unique.
	 */
	@FunctionalInterface
	public interface Operation {

		/** Performs one call. */
		void call(int thread, long sequence) throws Exception;

	}

	/**
	 * The measured outcome of one phase.
	 *
	 * @param name the phase
	 * @param threads the number of threads
	 * @param calls the calls completed in the measured period
	 * @param opsPerSecond the throughput
	 * @param p50Micros the median latency in microseconds
	 * @param p99Micros the 99th percentile latency in microseconds
	 * @param measuredMillis the length of the measured period
	 * @param sortedNanos every recorded latency, sorted
	 * @param workerAllocatedBytes the bytes the load threads themselves allocated during
	 * the run, warm-up included ({@code -1} when the JVM cannot tell)
	 */
	public record Result(String name, int threads, long calls, double opsPerSecond, double p50Micros, double p99Micros,
			long measuredMillis, long[] sortedNanos, long workerAllocatedBytes) {

		/** Several runs of one phase (interleaved with other phases) as one result. */
		public static Result merge(List<Result> runs) {
			long millis = 0;
			int total = 0;
			long allocated = 0;
			for (Result run : runs) {
				millis += run.measuredMillis();
				total += run.sortedNanos().length;
				allocated = (allocated < 0 || run.workerAllocatedBytes() < 0) ? -1
						: allocated + run.workerAllocatedBytes();
			}
			long[] all = new long[total];
			int at = 0;
			for (Result run : runs) {
				System.arraycopy(run.sortedNanos(), 0, all, at, run.sortedNanos().length);
				at += run.sortedNanos().length;
			}
			Arrays.sort(all);
			Result first = runs.get(0);
			return of(first.name(), first.threads(), all, millis, allocated);
		}

		static Result of(String name, int threads, long[] sorted, long measuredMillis, long workerAllocatedBytes) {
			return new Result(name, threads, sorted.length, sorted.length / (measuredMillis / 1000.0),
					percentile(sorted, 0.50) / 1000.0, percentile(sorted, 0.99) / 1000.0, measuredMillis, sorted,
					workerAllocatedBytes);
		}

		/** One line for the report. */
		public String line() {
			return String.format(Locale.ROOT, "%-34s threads=%-2d ops/s=%10.0f p50=%9.1f us p99=%9.1f us calls=%d",
					this.name, this.threads, this.opsPerSecond, this.p50Micros, this.p99Micros, this.calls);
		}

	}

	private LoadDriver() {
	}

	/**
	 * Runs {@code operation} on {@code threads} threads: {@code warmupMillis} unrecorded,
	 * then {@code measureMillis} recorded. The sequence numbers continue from the
	 * warm-up, so each call of a thread sees a new one.
	 */
	public static Result run(String name, int threads, long warmupMillis, long measureMillis, Operation operation)
			throws InterruptedException {
		long[][] latencies = new long[threads][];
		int[] counts = new int[threads];
		long[] allocated = new long[threads];
		CountDownLatch ready = new CountDownLatch(threads);
		CountDownLatch go = new CountDownLatch(1);
		AtomicReference<Throwable> failure = new AtomicReference<>();
		long[] window = new long[2];
		List<Thread> workers = new ArrayList<>();
		for (int t = 0; t < threads; t++) {
			int thread = t;
			Thread worker = new Thread(() -> {
				long[] recorded = new long[1 << 16];
				int n = 0;
				long sequence = 0;
				long allocatedBefore = allocatedByThisThread();
				try {
					ready.countDown();
					go.await();
					long start = window[0];
					long end = window[1];
					long warmEnd = start + warmupMillis * 1_000_000L;
					long now = System.nanoTime();
					while (now < end) {
						long before = now;
						operation.call(thread, sequence++);
						now = System.nanoTime();
						if (before >= warmEnd) {
							if (n == recorded.length) {
								recorded = Arrays.copyOf(recorded, n * 2);
							}
							recorded[n++] = now - before;
						}
					}
				}
				catch (Throwable ex) {
					failure.compareAndSet(null, ex);
				}
				long allocatedAfter = allocatedByThisThread();
				allocated[thread] = (allocatedBefore < 0 || allocatedAfter < 0) ? -1 : allocatedAfter - allocatedBefore;
				latencies[thread] = recorded;
				counts[thread] = n;
			}, "load-" + name + "-" + t);
			workers.add(worker);
			worker.start();
		}
		ready.await();
		window[0] = System.nanoTime();
		window[1] = window[0] + (warmupMillis + measureMillis) * 1_000_000L;
		go.countDown();
		for (Thread worker : workers) {
			worker.join();
		}
		if (failure.get() != null) {
			throw new IllegalStateException("Phase " + name + " failed", failure.get());
		}
		int total = 0;
		for (int count : counts) {
			total += count;
		}
		long workerAllocated = 0;
		for (long bytes : allocated) {
			workerAllocated = (workerAllocated < 0 || bytes < 0) ? -1 : workerAllocated + bytes;
		}
		long[] all = new long[total];
		int at = 0;
		for (int t = 0; t < threads; t++) {
			System.arraycopy(latencies[t], 0, all, at, counts[t]);
			at += counts[t];
		}
		Arrays.sort(all);
		return Result.of(name, threads, all, measureMillis, workerAllocated);
	}

	/**
	 * The bytes the current thread has allocated so far (its latency array included), or
	 * {@code -1} when the JVM does not count them.
	 */
	private static long allocatedByThisThread() {
		if (ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean threads
				&& threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled()) {
			return threads.getCurrentThreadAllocatedBytes();
		}
		return -1;
	}

	private static long percentile(long[] sorted, double p) {
		if (sorted.length == 0) {
			return 0;
		}
		int index = (int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1);
		return sorted[Math.max(0, index)];
	}

	/** A throughput and median ratio line: {@code measured} against {@code baseline}. */
	public static String ratio(String label, Result measured, Result baseline, double baselineCallsPerOp) {
		double throughput = measured.opsPerSecond() / (baseline.opsPerSecond() / baselineCallsPerOp);
		double p50 = measured.p50Micros() / (baseline.p50Micros() * baselineCallsPerOp);
		return String.format(Locale.ROOT, "RATIO %-44s threads=%-2d throughput=%.2fx p50=%.2fx", label,
				measured.threads(), throughput, p50);
	}

	/** An integer option {@code --name=value} of {@code args}, or {@code fallback}. */
	static int option(String[] args, String name, int fallback) {
		String value = stringOption(args, name, null);
		return (value != null) ? Integer.parseInt(value) : fallback;
	}

	/** A string option {@code --name=value} of {@code args}, or {@code fallback}. */
	static String stringOption(String[] args, String name, String fallback) {
		for (String arg : args) {
			if (arg.startsWith("--" + name + "=")) {
				return arg.substring(name.length() + 3);
			}
		}
		return fallback;
	}

}
