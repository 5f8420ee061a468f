package tech.onceonly.store.jdbc;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

import org.junit.jupiter.api.Test;
import org.springframework.dao.CannotAcquireLockException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.transaction.TransactionSystemException;

import static org.assertj.core.api.Assertions.assertThat;

class TransientFailuresTests {

	@Test
	void serializationFailuresAndDeadlocksShouldBeRetriedWhereverTheyAreWrapped() {
		assertThat(TransientFailures
			.isTransient(new CannotAcquireLockException("x", new SQLException("could not serialize", "40001"))))
			.isTrue();
		assertThat(TransientFailures.isTransient(new SQLException("deadlock detected", "40P01"))).isTrue();
		assertThat(TransientFailures.isTransient(
				new TransactionSystemException("Could not commit", new SQLException("could not serialize", "40001"))))
			.isTrue();
	}

	@Test
	void failuresThatMayHaveCommittedShouldNotBeRetried() {
		assertThat(TransientFailures.isTransient(new DataAccessResourceFailureException("connection lost",
				new SQLTransientConnectionException("I/O error", "08006"))))
			.isFalse();
		assertThat(TransientFailures.isTransient(new SQLException("no state"))).isFalse();
		assertThat(TransientFailures.isTransient(new SQLException("unique violation", "23505"))).isFalse();
	}

	@Test
	void backOffShouldStopWhenInterrupted() {
		Thread.currentThread().interrupt();
		try {
			assertThat(TransientFailures.backOff(3)).isFalse();
			assertThat(Thread.currentThread().isInterrupted()).isTrue();
		}
		finally {
			Thread.interrupted();
		}
	}

}
