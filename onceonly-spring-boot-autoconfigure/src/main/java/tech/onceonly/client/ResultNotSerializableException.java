package tech.onceonly.client;

/**
 * The protected work ran and returned a value that cannot be turned into JSON (a
 * back-reference, a type without properties; error code {@value #ERROR_CODE}) or that the
 * store refused (too large; {@value #REJECTED}). The key is recorded as {@code failed}
 * with that error code, so the work is not run again for this key within the retention
 * period; fix the return type (or return a DTO) and use a new key.
 */
public class ResultNotSerializableException extends OnceOnlyException {

	private static final long serialVersionUID = 1L;

	/** The error code stored for a result that cannot be serialised. */
	public static final String ERROR_CODE = "result_not_serializable";

	/** The error code stored for a result the store or API refused (too large…). */
	public static final String REJECTED = "result_rejected";

	private final String errorCode;

	/**
	 * A result of the work under {@code key} that could not be serialised.
	 * @param key the key
	 * @param cause the serialisation error
	 */
	public ResultNotSerializableException(String key, Throwable cause) {
		this(key, ERROR_CODE, cause);
	}

	/**
	 * A result of the work under {@code key} that could not be stored.
	 * @param key the key
	 * @param errorCode {@value #ERROR_CODE} or {@value #REJECTED}
	 * @param cause the serialisation error, or the refusal
	 */
	public ResultNotSerializableException(String key, String errorCode, Throwable cause) {
		super("The work under key '" + key + "' ran, but its result "
				+ (ERROR_CODE.equals(errorCode) ? "cannot be serialised to JSON" : "was refused by the store") + " ("
				+ cause.getMessage() + "); the key is recorded as failed/" + errorCode
				+ " so the work does not run again", cause);
		this.errorCode = errorCode;
	}

	/** The error code recorded for the key. */
	public String errorCode() {
		return this.errorCode;
	}

}
