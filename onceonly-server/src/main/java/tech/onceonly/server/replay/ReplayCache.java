package tech.onceonly.server.replay;

import java.security.MessageDigest;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;

import org.jspecify.annotations.Nullable;

/**
 * The first answers to retry tokens, kept for a window and bounded in count. A token is
 * claimed by the first request; repeats wait for its answer and get it, a repeat with
 * another body is told so (it is not a retry), and an answer that is abandoned (a server
 * error) frees the token for the next attempt.
 */
public final class ReplayCache {

	private final long windowNanos;

	private final int maxEntries;

	private final long maxBytes;

	private final LongSupplier nanoTime;

	private long bytes;

	private final LinkedHashMap<String, Slot> slots = new LinkedHashMap<>();

	/**
	 * A cache.
	 * @param window how long an answer is replayed
	 * @param maxEntries the most request ids remembered; the oldest are forgotten first
	 * @param maxBytes the most answer bytes kept; the oldest are forgotten first
	 * @param nanoTime the monotonic time source
	 */
	public ReplayCache(Duration window, int maxEntries, long maxBytes, LongSupplier nanoTime) {
		this.windowNanos = window.toNanos();
		this.maxEntries = Math.max(1, maxEntries);
		this.maxBytes = Math.max(1, maxBytes);
		this.nanoTime = nanoTime;
	}

	/**
	 * Claims {@code id} for a request whose body has {@code digest}.
	 * @return what the request must do
	 */
	public Claim claim(String id, byte[] digest) {
		long now = this.nanoTime.getAsLong();
		synchronized (this.slots) {
			evictExpired(now);
			Slot slot = this.slots.get(id);
			if (slot != null) {
				if (!MessageDigest.isEqual(slot.digest, digest)) {
					return new Claim(Claim.Kind.MISMATCH, null, null);
				}
				return new Claim(Claim.Kind.REPEAT, slot.answer, null);
			}
			Slot fresh = new Slot(digest, now);
			this.slots.put(id, fresh);
			trim();
			return new Claim(Claim.Kind.FIRST, fresh.answer, new Ticket(this, id, fresh));
		}
	}

	/** How many request ids are remembered. */
	public int size() {
		synchronized (this.slots) {
			evictExpired(this.nanoTime.getAsLong());
			return this.slots.size();
		}
	}

	/** The answer bytes kept. */
	public long bytes() {
		synchronized (this.slots) {
			return this.bytes;
		}
	}

	private void trim() {
		Iterator<Map.Entry<String, Slot>> eldest = this.slots.entrySet().iterator();
		while ((this.slots.size() > this.maxEntries || this.bytes > this.maxBytes) && eldest.hasNext()) {
			this.bytes -= eldest.next().getValue().weight;
			eldest.remove();
		}
	}

	private void evictExpired(long now) {
		Iterator<Slot> it = this.slots.values().iterator();
		while (it.hasNext()) {
			Slot slot = it.next();
			if (now - slot.createdAt < this.windowNanos) {
				return;
			}
			this.bytes -= slot.weight;
			it.remove();
		}
	}

	private void store(String id, Slot slot, StoredAnswer answer) {
		synchronized (this.slots) {
			if (this.slots.get(id) == slot) {
				slot.weight = answer.weight();
				this.bytes += slot.weight;
				trim();
			}
		}
		slot.answer.complete(answer);
	}

	private void abandon(String id, Slot slot) {
		synchronized (this.slots) {
			if (this.slots.remove(id, slot)) {
				this.bytes -= slot.weight;
			}
		}
		slot.answer.complete(null);
	}

	/**
	 * The outcome of a claim.
	 *
	 * @param kind what the request must do
	 * @param answer for {@code REPEAT}: the first answer, completed when it is known
	 * ({@code null} if abandoned)
	 * @param ticket for {@code FIRST}: where the answer goes
	 */
	public record Claim(Kind kind, @Nullable CompletableFuture<@Nullable StoredAnswer> answer,
			@Nullable Ticket ticket) {

		/** What the request must do. */
		public enum Kind {

			/** Run the request and give its answer to the ticket. */
			FIRST,

			/** Wait for the first answer and replay it. */
			REPEAT,

			/** The id was used with another body: refuse. */
			MISMATCH

		}

	}

	/** The first request's handle on its request id. */
	public static final class Ticket {

		private final ReplayCache cache;

		private final String id;

		private final Slot slot;

		Ticket(ReplayCache cache, String id, Slot slot) {
			this.cache = cache;
			this.id = id;
			this.slot = slot;
		}

		/** Keeps the answer for repeats. */
		public void complete(StoredAnswer answer) {
			this.cache.store(this.id, this.slot, answer);
		}

		/**
		 * Forgets the id (the request failed on the server): the next attempt runs again.
		 */
		public void abandon() {
			this.cache.abandon(this.id, this.slot);
		}

	}

	private static final class Slot {

		final byte[] digest;

		final long createdAt;

		int weight;

		final CompletableFuture<@Nullable StoredAnswer> answer = new CompletableFuture<>();

		Slot(byte[] digest, long createdAt) {
			this.digest = digest;
			this.createdAt = createdAt;
		}

	}

}
