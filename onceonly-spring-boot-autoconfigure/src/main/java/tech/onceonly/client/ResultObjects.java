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

	/**
	 * The value of a stored result object as {@code type}, the reverse of
	 * {@link #toResultObject}: a map, record or bean is read from the object itself; any
	 * other type (strings, numbers, booleans, enums, collections, arrays, {@code Object})
	 * from its {@value #VALUE_FIELD} field when that is its only field.
	 * @param stored the stored result object, or {@code null}
	 * @param type the type to read
	 * @param json the mapper
	 * @return the value, or {@code null} for a {@code null} result
	 * @throws IllegalArgumentException when the result cannot be read as {@code type}
	 */
	public static <T> @Nullable T fromResultObject(@Nullable Map<String, Object> stored, Class<T> type,
			JsonMapper json) {
		if (stored == null) {
			return null;
		}
		boolean wrapped = stored.size() == 1 && stored.containsKey(VALUE_FIELD);
		Object source = (wrapped && isValueType(type)) ? stored.get(VALUE_FIELD) : stored;
		try {
			return json.convertValue(source, type);
		}
		catch (RuntimeException ex) {
			throw new IllegalArgumentException(
					"The stored result cannot be read as " + type.getName() + ": " + ex.getMessage(), ex);
		}
	}

	private static boolean isValueType(Class<?> type) {
		if (Map.class.isAssignableFrom(type)) {
			return false;
		}
		return type.isPrimitive() || type.isArray() || type.isEnum() || type == Object.class
				|| type.getName().startsWith("java.");
	}

}
