package tech.onceonly.store.jdbc;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.datasource.ConnectionProxy;
import org.springframework.jdbc.datasource.DelegatingDataSource;

/**
 * The stores' own view of the application's {@link DataSource}: a distinct data source,
 * so statements never join a transaction of the caller, whose connections are in
 * auto-commit mode while the store uses them. A pool configured with
 * {@code auto-commit=false} would otherwise roll every store write back when the
 * connection returns (the lock, lease or kill switch would silently vanish), so such a
 * connection is switched to auto-commit on checkout and back to the pool's setting on
 * close. A connection that is already auto-commit is handed out unchanged.
 */
final class AutoCommitDataSource extends DelegatingDataSource {

	AutoCommitDataSource(DataSource target) {
		super(target);
	}

	@Override
	public Connection getConnection() throws SQLException {
		return autoCommit(obtainTargetDataSource().getConnection());
	}

	@Override
	public Connection getConnection(String username, String password) throws SQLException {
		return autoCommit(obtainTargetDataSource().getConnection(username, password));
	}

	private static Connection autoCommit(Connection connection) throws SQLException {
		try {
			if (connection.getAutoCommit()) {
				return connection;
			}
			// a fresh connection from a pool has no open transaction, so this commits
			// nothing of anyone else's
			connection.setAutoCommit(true);
		}
		catch (SQLException | RuntimeException ex) {
			try {
				connection.close();
			}
			catch (SQLException closing) {
				ex.addSuppressed(closing);
			}
			throw ex;
		}
		return (Connection) Proxy.newProxyInstance(AutoCommitDataSource.class.getClassLoader(),
				new Class<?>[] { ConnectionProxy.class }, new Restoring(connection));
	}

	/** Delegates to the connection and restores its auto-commit setting on close. */
	private static final class Restoring implements InvocationHandler {

		private final Connection target;

		private boolean closed;

		Restoring(Connection target) {
			this.target = target;
		}

		@Override
		public @Nullable Object invoke(Object proxy, Method method, Object @Nullable [] args) throws Throwable {
			switch (method.getName()) {
				case "equals":
					return args != null && proxy == args[0];
				case "hashCode":
					return System.identityHashCode(proxy);
				case "toString":
					return "auto-commit view of " + this.target;
				case "getTargetConnection":
					return this.target;
				case "isClosed":
					return this.closed || this.target.isClosed();
				case "close":
					return close();
				default:
					try {
						return method.invoke(this.target, args);
					}
					catch (InvocationTargetException ex) {
						throw ex.getTargetException();
					}
			}
		}

		private @Nullable Object close() throws SQLException {
			if (this.closed) {
				return null;
			}
			this.closed = true;
			try {
				this.target.setAutoCommit(false);
			}
			finally {
				this.target.close();
			}
			return null;
		}

	}

}
