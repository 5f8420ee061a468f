package tech.onceonly.client;

/**
 * The protected work ran and returned a value that cannot be turned into JSON (a
 * back-reference, a type without properties). The key is recorded as {@code failed} with
 * error code {@value #ERROR_CODE}, so the work is not run again for this key within the
 * retention period; fix the return type (or return a DTO) and use a new key.
 */
public class ResultNotSerializableException extends OnceOnlyException {

	private static final long serialVersionUID = 1L;

	/** The error code stored for the key. */
	public static final String ERROR_CODE = "result_not_serializable";

	/**
	 * A result of the work under {@code key} that could not be serialised.
	 * @param key the key
	 * @param cause the serialisation error
	 */
	public ResultNotSerializableException(String key, Throwable cause) {
		super("The work under key '" + key + "' ran, but its result cannot be serialised to JSON (" + cause.getMessage()
				+ "); the key is recorded as failed/" + ERROR_CODE + " so the work does not run again", cause);
	}

}
