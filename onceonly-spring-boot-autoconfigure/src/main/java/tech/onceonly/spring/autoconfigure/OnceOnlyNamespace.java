package tech.onceonly.spring.autoconfigure;

import java.util.regex.Pattern;

/**
 * How {@code onceonly.local.namespace} prefixes keys: the name, a {@code :} and the key
 * ({@code myapp} + {@code charge:P-2} is stored as {@code myapp:charge:P-2}). A name
 * holds no {@code :} of its own (one trailing {@code :} is accepted and is the
 * separator), so two different namespaces can never produce the same stored key.
 */
final class OnceOnlyNamespace {

	/** What a namespace may be, as said to the user. */
	static final String RULE = "must be 1 to 64 letters, digits, '.', '_' or '-' (a trailing ':' is allowed and is "
			+ "the separator the starter adds anyway), such as myapp or billing-eu";

	private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}:?");

	private OnceOnlyNamespace() {
	}

	/** Whether {@code namespace} (not empty) is allowed. */
	static boolean isValid(String namespace) {
		return NAME.matcher(namespace).matches();
	}

	/**
	 * The prefix of every key for the configured namespace: {@code ""} for none,
	 * otherwise the name followed by exactly one {@code :}.
	 */
	static String prefix(String namespace) {
		if (namespace.isEmpty()) {
			return "";
		}
		return namespace.endsWith(":") ? namespace : namespace + ":";
	}

}
