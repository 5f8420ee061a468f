package tech.onceonly.server.security;

/** A tool URL the server must not call: the message says why and how to allow it. */
public class ToolUrlRefusedException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	/** A refusal with its reason. */
	public ToolUrlRefusedException(String message) {
		super(message);
	}

}
