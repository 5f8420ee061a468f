package tech.onceonly.store;

import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.Supplier;

import tech.onceonly.store.jdbc.JdbcTimeShifts;
import tech.onceonly.store.redis.RedisTimeShifts;

/**
 * The test seam of the stores that read time from their server (JDBC, Redis): an offset
 * added to the server's clock in every expiry decision, so tests move time instead of
 * sleeping. The stores keep the offset package-private; this test-only interface (shipped
 * in the library's test jar, not in the library) is the one way to reach it.
 */
public interface StoreTimeShift {

	/** The current offset (zero until a test moves it). */
	Duration offset();

	/** Sets the offset added to the server's clock. */
	void offset(Duration offset);

	/** Moves the store's time forward by {@code duration}. */
	default void advance(Duration duration) {
		offset(offset().plus(duration));
	}

	/** A shift read and written through the given accessors. */
	static StoreTimeShift of(Supplier<Duration> read, Consumer<Duration> write) {
		return new StoreTimeShift() {

			@Override
			public Duration offset() {
				return read.get();
			}

			@Override
			public void offset(Duration offset) {
				write.accept(offset);
			}

		};
	}

	/**
	 * The time shift of a JDBC or Redis store (lease or governance store).
	 * @throws IllegalArgumentException for a store that has no server clock to shift
	 */
	static StoreTimeShift of(Object store) {
		StoreTimeShift shift = JdbcTimeShifts.find(store);
		if (shift == null) {
			shift = RedisTimeShifts.find(store);
		}
		if (shift == null) {
			throw new IllegalArgumentException("A " + store.getClass().getName()
					+ " has no server clock to shift; expected a JDBC or Redis store");
		}
		return shift;
	}

}
