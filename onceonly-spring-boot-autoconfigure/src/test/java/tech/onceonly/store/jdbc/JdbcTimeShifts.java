package tech.onceonly.store.jdbc;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

import tech.onceonly.store.StoreTimeShift;

/** The {@link StoreTimeShift} of the JDBC stores, for tests. */
public final class JdbcTimeShifts {

	private JdbcTimeShifts() {
	}

	/** The shift of a JDBC lease or governance store, or null for another store. */
	public static @Nullable StoreTimeShift find(Object store) {
		if (store instanceof JdbcStore jdbc) {
			return new StoreTimeShift() {

				@Override
				public Duration offset() {
					return jdbc.getTimeOffset();
				}

				@Override
				public void offset(Duration offset) {
					jdbc.setTimeOffset(offset);
				}

			};
		}
		if (store instanceof JdbcGovernanceStore governance) {
			return new StoreTimeShift() {

				@Override
				public Duration offset() {
					return governance.getTimeOffset();
				}

				@Override
				public void offset(Duration offset) {
					governance.setTimeOffset(offset);
				}

			};
		}
		return null;
	}

}
