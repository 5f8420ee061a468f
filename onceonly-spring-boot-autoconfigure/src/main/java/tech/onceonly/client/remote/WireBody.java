package tech.onceonly.client.remote;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import tech.onceonly.client.ValidationException;

/**
 * A request body under construction: optional fields are left out, never sent as JSON
 * {@code null}.
 */
final class WireBody {

	private final Map<String, Object> fields = new LinkedHashMap<>();

	/** Adds a field when its value is not {@code null}. */
	WireBody put(String name, @Nullable Object value) {
		if (value != null) {
			this.fields.put(name, value);
		}
		return this;
	}

	/** Adds a string field when it is not {@code null} or empty. */
	WireBody putText(String name, @Nullable String value) {
		if (value != null && !value.isEmpty()) {
			this.fields.put(name, value);
		}
		return this;
	}

	Map<String, Object> build() {
		return this.fields;
	}

	/**
	 * A ttl in whole seconds (a fraction of a second is dropped, as in the local engine),
	 * or {@code null}. A ttl under one second (zero and negative included) is refused
	 * with a {@link ValidationException} before anything is sent, as the embedded engine
	 * refuses it: on the wire {@code 0} would mean "the default", which a Java caller
	 * asks for with {@code null}.
	 */
	static @Nullable Long seconds(@Nullable Duration ttl) {
		if (ttl == null) {
			return null;
		}
		if (ttl.isNegative() || ttl.getSeconds() < 1) {
			throw new ValidationException(
					"ttl must be at least 1 second, was " + ttl.toMillis() + " ms; pass null for the server's default");
		}
		return ttl.getSeconds();
	}

}
