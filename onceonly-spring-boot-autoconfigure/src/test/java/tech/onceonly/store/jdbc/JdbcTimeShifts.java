package tech.onceonly.store.jdbc;

import org.jspecify.annotations.Nullable;

import tech.onceonly.store.StoreTimeShift;

/** The {@link StoreTimeShift} of the JDBC stores, for tests. */
public final class JdbcTimeShifts {

	private JdbcTimeShifts() {
	}

	/** The shift of a JDBC lease or governance store, or null for another store. */
	public static @Nullable StoreTimeShift find(Object store) {
		if (store instanceof JdbcStore lease) {
			return StoreTimeShift.of(lease::getTimeOffset, lease::setTimeOffset);
		}
		if (store instanceof JdbcGovernanceStore governance) {
			return StoreTimeShift.of(governance::getTimeOffset, governance::setTimeOffset);
		}
		return null;
	}

}
