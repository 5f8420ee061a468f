package tech.onceonly.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

import javax.management.ObjectName;

import org.jspecify.annotations.Nullable;

import tech.onceonly.client.JsonObjectText;
import tech.onceonly.engine.LocalOnceOnly;
import tech.onceonly.store.memory.InMemoryStore;

/**
 * Heap and objects per key of the in-memory store: heap used and objects on it (the class
 * histogram's total) after a full GC before and after {@code --keys} check-locks, then
 * completed leases with a small result, then completed leases holding what an
 * Idempotency-Key request stores for the sample's answer (a 194-character format-2
 * response and its 64-character fingerprint), with keys of a fixed length (32
 * characters), divided by the number of keys. Usage:
 * {@code java -Xmx2g -cp benchmarks.jar tech.onceonly.benchmarks.MemoryPerKey --keys=1000000}.
 */
public final class MemoryPerKey {

	private static final int KEY_LENGTH = 32;

	private MemoryPerKey() {
	}

	public static void main(String[] args) throws Exception {
		int keys = LoadDriver.option(args, "keys", 1_000_000);
		checkLocks(keys);
		leases(keys, "lease+complete (result {\"ok\":true})", () -> Map.of("ok", true), () -> null);
		// a request builds its own response text and fingerprint: copies, as the web
		// layer's are
		leases(keys, "lease+complete (stored response, 194 B)",
				() -> JsonObjectText.of(new String(STORED_RESPONSE.toCharArray()), Map::of),
				() -> new String(FINGERPRINT.toCharArray()));
	}

	/** What the sample's 36-byte JSON answer is stored as (format 2, 194 characters). */
	private static final String STORED_RESPONSE = "{\"v\":2,\"status\":200,\"headers\":{\"Content-Type\":"
			+ "[\"application/json\"]},\"fp\":\"" + "f".repeat(64)
			+ "\",\"text\":\"{\\\"order\\\":\\\"ord_1\\\",\\\"status\\\":\\\"created\\\"}\"}";

	private static final String FINGERPRINT = "0123456789abcdef".repeat(4);

	private static void checkLocks(int keys) throws Exception {
		long before = usedAfterGc();
		long objectsBefore = objects();
		InMemoryStore store = new InMemoryStore(java.time.Clock.systemUTC(), keys + 1);
		try (LocalOnceOnly client = new LocalOnceOnly(store)) {
			for (int i = 0; i < keys; i++) {
				client.checkLock(key("lock-", i), Duration.ofHours(1));
			}
			long after = usedAfterGc();
			report("check-lock", keys, store.size(), before, after, objects() - objectsBefore);
		}
	}

	private static void leases(int keys, String what, Supplier<Map<String, ?>> result,
			Supplier<@Nullable String> resultHash) throws Exception {
		long before = usedAfterGc();
		long objectsBefore = objects();
		InMemoryStore store = new InMemoryStore(java.time.Clock.systemUTC(), keys + 1, Long.MAX_VALUE);
		try (LocalOnceOnly client = new LocalOnceOnly(store)) {
			for (int i = 0; i < keys; i++) {
				String key = key("lease-", i);
				String leaseId = client.ai().lease(key, Duration.ofHours(1), null).leaseId();
				client.ai().complete(key, leaseId, result.get(), resultHash.get());
			}
			long after = usedAfterGc();
			report(what, keys, store.size(), before, after, objects() - objectsBefore);
		}
	}

	private static String key(String prefix, int i) {
		String number = Integer.toString(i);
		StringBuilder key = new StringBuilder(KEY_LENGTH).append(prefix);
		for (int pad = prefix.length() + number.length(); pad < KEY_LENGTH; pad++) {
			key.append('0');
		}
		return key.append(number).toString();
	}

	private static void report(String what, int keys, int size, long before, long after, long objects) {
		System.out.println(String.format(Locale.ROOT,
				"RESULT memory %-41s keys=%d entries=%d key_length=%d heap_delta=%d bytes bytes/key=%.1f "
						+ "objects/key=%.2f",
				what, keys, size, KEY_LENGTH, after - before, (after - before) / (double) keys,
				objects / (double) keys));
	}

	/**
	 * The objects on the heap: the total of the class histogram (which runs a full GC).
	 */
	private static long objects() throws Exception {
		String histogram = (String) ManagementFactory.getPlatformMBeanServer()
			.invoke(new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
					new Object[] { new String[0] }, new String[] { String[].class.getName() });
		for (String line : histogram.split("\n")) {
			String trimmed = line.trim();
			if (trimmed.startsWith("Total")) {
				return Long.parseLong(trimmed.split("\\s+")[1]);
			}
		}
		throw new IllegalStateException("no total in the class histogram");
	}

	private static long usedAfterGc() throws InterruptedException {
		MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
		long used = Long.MAX_VALUE;
		for (int i = 0; i < 4; i++) {
			System.gc();
			Thread.sleep(200);
			used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
		}
		return used;
	}

}
