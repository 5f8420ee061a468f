package tech.onceonly.client;

import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import tech.onceonly.Internal;

/**
 * Turns a function's return value into the JSON object stored as a result: {@code null}
 * stays absent, a map or a value that serialises to a JSON object is used as it is, and
 * any other value travels as {@code {"value": …}}.
 */
@Internal
public final class ResultObjects {

	/** The field that carries a result that is not a JSON object. */
	public static final String VALUE_FIELD = "value";

	private ResultObjects() {
	}

	/**
	 * The result object for {@code value}.
	 * @param value what the function returned
	 * @param json the mapper that serialises it
	 * @return the JSON object, or {@code null} for a {@code null} value
	 */
	@SuppressWarnings("unchecked")
	public static @Nullable Map<String, Object> toResultObject(@Nullable Object value, JsonMapper json) {
		if (value == null) {
			return null;
		}
		if (value instanceof Map<?, ?> map) {
			Map<String, Object> copy = new LinkedHashMap<>();
			map.forEach((k, v) -> copy.put(String.valueOf(k), v));
			return copy;
		}
		Object tree = json.convertValue(value, Object.class);
		if (tree instanceof Map<?, ?> map) {
			return (Map<String, Object>) map;
		}
		Map<String, Object> wrapped = new LinkedHashMap<>();
		wrapped.put(VALUE_FIELD, tree);
		return wrapped;
	}

}
