package tech.onceonly.store;

import tech.onceonly.client.OnceOnlyException;

/**
 * The store could not perform an operation (unreachable, full, or answered with an
 * error). It is the store SPI's exception and, as a {@link OnceOnlyException}, what a
 * caller of the local engine sees during a store outage: {@code catch (OnceOnlyException
 * e)} covers a store outage on the local engine as it covers a transport failure of the
 * remote client.
 */
public class StoreException extends OnceOnlyException {

	private static final long serialVersionUID = 1L;

	public StoreException(String message) {
		super(message);
	}

	public StoreException(String message, Throwable cause) {
		super(message, cause);
	}

	/**
	 * What went wrong in {@code cause}, for a message: its text, or its type when it has
	 * none (so a log never ends in {@code : null}).
	 * @param cause the failure of the underlying store
	 * @return the text to append after {@code ": "}
	 */
	public static String describe(Throwable cause) {
		String message = cause.getMessage();
		return (message != null && !message.isBlank()) ? message : cause.getClass().getSimpleName() + " (no message)";
	}

}
