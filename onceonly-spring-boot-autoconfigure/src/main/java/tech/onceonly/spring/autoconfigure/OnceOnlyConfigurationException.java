package tech.onceonly.spring.autoconfigure;

/**
 * OnceOnly cannot start with the current configuration; {@link #getAction()} says what to
 * set. {@link OnceOnlyFailureAnalyzer} turns it into a startup failure report.
 */
public class OnceOnlyConfigurationException extends IllegalStateException {

	private static final long serialVersionUID = 1L;

	private final String action;

	/**
	 * Creates the exception.
	 * @param description what is wrong
	 * @param action what to change to fix it
	 */
	public OnceOnlyConfigurationException(String description, String action) {
		super(description);
		this.action = action;
	}

	/** What to change to fix the configuration. */
	public String getAction() {
		return this.action;
	}

}
