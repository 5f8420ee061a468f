package tech.onceonly.keys;

/**
 * A value Python's {@code json.dumps(..., sort_keys=True)} refuses with a
 * {@code TypeError}: a map whose keys cannot be ordered against each other (text and
 * numbers, {@code null} and anything else) or whose keys are not text, numbers, booleans
 * or {@code null}. The key derivations then fall back as Python does.
 */
final class PythonTypeError extends IllegalArgumentException {

	private static final long serialVersionUID = 1L;

	PythonTypeError(String message) {
		super(message);
	}

}
