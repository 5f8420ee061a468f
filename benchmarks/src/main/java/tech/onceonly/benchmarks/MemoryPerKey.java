package tech.onceonly.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.util.Locale;

import tech.onceonly.engine.LocalOnceOnly;
import tech.onceonly.store.memory.InMemoryStore;

/**
 * Heap per key of the in-memory store: heap used after a full GC before and after
 * {@code --keys} check-locks (and separately completed leases) with keys of a fixed
 * length (32 characters), divided by the number of keys. Usage:
 * {@code java -Xmx2g -cp benchmarks.jar tech.onceonly.benchmarks.MemoryPerKey --keys=1000000}.
 */
public final class MemoryPerKey {

	private static final int KEY_LENGTH = 32;

	private MemoryPerKey() {
	}

	public static void main(String[] args) throws Exception {
		int keys = LoadDriver.option(args, "keys", 1_000_000);
		checkLocks(keys);
		leases(keys);
	}

	private static void checkLocks(int keys) throws InterruptedException {
		long before = usedAfterGc();
		InMemoryStore store = new InMemoryStore(java.time.Clock.systemUTC(), keys + 1);
		try (LocalOnceOnly client = new LocalOnceOnly(store)) {
			for (int i = 0; i < keys; i++) {
				client.checkLock(key("lock-", i), Duration.ofHours(1));
			}
			long after = usedAfterGc();
			report("check-lock", keys, store.size(), before, after);
		}
	}

	private static void leases(int keys) throws InterruptedException {
		long before = usedAfterGc();
		InMemoryStore store = new InMemoryStore(java.time.Clock.systemUTC(), keys + 1);
		try (LocalOnceOnly client = new LocalOnceOnly(store)) {
			for (int i = 0; i < keys; i++) {
				String key = key("lease-", i);
				String leaseId = client.ai().lease(key, Duration.ofHours(1), null).leaseId();
				client.ai().complete(key, leaseId, java.util.Map.of("ok", true), null);
			}
			long after = usedAfterGc();
			report("lease+complete (result {\"ok\":true})", keys, store.size(), before, after);
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

	private static void report(String what, int keys, int size, long before, long after) {
		System.out.println(String.format(Locale.ROOT,
				"RESULT memory %-38s keys=%d entries=%d key_length=%d heap_delta=%d bytes bytes/key=%.1f", what, keys,
				size, KEY_LENGTH, after - before, (after - before) / (double) keys));
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
