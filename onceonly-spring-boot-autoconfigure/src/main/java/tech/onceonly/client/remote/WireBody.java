package tech.onceonly.client.remote;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

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
	 * or {@code null}.
	 */
	static @Nullable Long seconds(@Nullable Duration ttl) {
		return (ttl != null) ? ttl.getSeconds() : null;
	}

}
