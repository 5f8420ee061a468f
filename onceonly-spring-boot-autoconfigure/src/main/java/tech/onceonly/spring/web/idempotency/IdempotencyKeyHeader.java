package tech.onceonly.spring.web.idempotency;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * Parses the {@code Idempotency-Key} header as an RFC 8941 Item whose value is a String
 * ({@code "8e03…"}), with any parameters ignored. Bare values made only of token
 * characters ({@code 8e03…} without quotes) are accepted too when leniency is on, because
 * many clients send them; their value is the text as sent. Keys must be 1 to
 * {@code maxLength} printable ASCII characters.
 */
public final class IdempotencyKeyHeader {

	/** The header name. */
	public static final String NAME = "Idempotency-Key";

	private IdempotencyKeyHeader() {
	}

	/**
	 * Parses the header's field lines.
	 * @param lines every line of the header (empty when absent)
	 * @param allowBareTokens whether unquoted token values are accepted
	 * @param maxLength the longest key accepted
	 * @return the key, or why the header is invalid, or absent
	 */
	public static Parsed parse(List<String> lines, boolean allowBareTokens, int maxLength) {
		if (lines.isEmpty()) {
			return Parsed.ABSENT;
		}
		if (lines.size() > 1) {
			return Parsed.invalid("The Idempotency-Key header must appear once");
		}
		String field = lines.get(0).strip();
		if (field.isEmpty()) {
			return Parsed.invalid("The Idempotency-Key header is empty");
		}
		String value;
		int end;
		if (field.charAt(0) == '"') {
			// the text is copied only once an escape shows up; most keys have none
			StringBuilder text = null;
			int i = 1;
			boolean closed = false;
			while (i < field.length()) {
				char c = field.charAt(i);
				if (c == '\\') {
					if (i + 1 >= field.length() || (field.charAt(i + 1) != '"' && field.charAt(i + 1) != '\\')) {
						return Parsed.invalid("The Idempotency-Key header has an invalid escape; only \\\" and \\\\ "
								+ "are allowed in a structured-field string");
					}
					if (text == null) {
						text = new StringBuilder().append(field, 1, i);
					}
					text.append(field.charAt(i + 1));
					i += 2;
					continue;
				}
				if (c == '"') {
					closed = true;
					i++;
					break;
				}
				if (c < 0x20 || c > 0x7E) {
					return Parsed.invalid("The Idempotency-Key must be printable ASCII");
				}
				if (text != null) {
					text.append(c);
				}
				i++;
			}
			if (!closed) {
				return Parsed.invalid("The Idempotency-Key header has an unterminated string");
			}
			value = (text != null) ? text.toString() : field.substring(1, i - 1);
			end = i;
		}
		else {
			if (!allowBareTokens) {
				return Parsed.invalid("The Idempotency-Key header must be a structured-field string, for example "
						+ "Idempotency-Key: \"8e03978e-40d5-43e8-bc93-6894a57f9324\"");
			}
			int i = 0;
			while (i < field.length() && isTokenChar(field.charAt(i))) {
				i++;
			}
			if (i == 0) {
				return Parsed.invalid("The Idempotency-Key header is neither a quoted string nor a token");
			}
			value = field.substring(0, i);
			end = i;
		}
		int rest = end;
		while (rest < field.length() && Character.isWhitespace(field.charAt(rest))) {
			rest++;
		}
		if (rest < field.length() && field.charAt(rest) != ';') {
			return Parsed.invalid("The Idempotency-Key header must hold a single value");
		}
		if (value.isEmpty()) {
			return Parsed.invalid("The Idempotency-Key is empty");
		}
		if (value.length() > maxLength) {
			return Parsed.invalid("The Idempotency-Key is " + value.length() + " characters long; at most " + maxLength
					+ " are allowed");
		}
		return new Parsed(value, null);
	}

	private static boolean isTokenChar(char c) {
		return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
				|| "!#$%&'*+-.^_`|~:/".indexOf(c) >= 0;
	}

	/**
	 * A parsed header.
	 *
	 * @param key the key, or {@code null} when absent or invalid
	 * @param problem why the header is invalid, or {@code null}
	 */
	public record Parsed(@Nullable String key, @Nullable String problem) {

		static final Parsed ABSENT = new Parsed(null, null);

		static Parsed invalid(String problem) {
			return new Parsed(null, problem);
		}

		/** Whether the request carries no header. */
		public boolean absent() {
			return this.key == null && this.problem == null;
		}

	}

}
