package tech.onceonly.client;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import tech.onceonly.Internal;

/**
 * Reads values out of decoded JSON objects with the coercions of the OnceOnly SDKs
 * (missing boolean is false, missing string is "", numbers of any JSON type, objects kept
 * only when they are objects).
 */
@Internal
public final class WireMaps {

	private WireMaps() {
	}

	/** The value as a map when it is a JSON object, else {@code null}. */
	@SuppressWarnings("unchecked")
	public static @Nullable Map<String, Object> object(@Nullable Object value) {
		return (value instanceof Map<?, ?> map) ? (Map<String, Object>) map : null;
	}

	/** The value of {@code key} as a JSON object, else {@code null}. */
	public static @Nullable Map<String, Object> object(Map<String, ?> map, String key) {
		return object(map.get(key));
	}

	/** The value as a list when it is a JSON array, else {@code null}. */
	@SuppressWarnings("unchecked")
	public static @Nullable List<Object> list(@Nullable Object value) {
		return (value instanceof List<?> list) ? (List<Object>) list : null;
	}

	/** Python truthiness of a JSON value. */
	public static boolean truthy(@Nullable Object value) {
		if (value == null) {
			return false;
		}
		if (value instanceof Boolean b) {
			return b;
		}
		if (value instanceof Number n) {
			return n.doubleValue() != 0;
		}
		if (value instanceof String s) {
			return !s.isEmpty();
		}
		if (value instanceof Map<?, ?> m) {
			return !m.isEmpty();
		}
		if (value instanceof List<?> l) {
			return !l.isEmpty();
		}
		return true;
	}

	/** {@code truthy(map.get(key))}, with a default when the key is missing or null. */
	public static boolean bool(Map<String, ?> map, String key, boolean whenMissing) {
		Object value = map.get(key);
		return (value == null) ? whenMissing : truthy(value);
	}

	/**
	 * The string value of {@code key}; {@code null} when missing or null; other scalars
	 * as text.
	 */
	public static @Nullable String string(Map<String, ?> map, String key) {
		Object value = map.get(key);
		if (value == null || value instanceof Map || value instanceof List) {
			return null;
		}
		return value.toString();
	}

	/**
	 * The string value of {@code key}, or {@code whenMissing} when it is missing or null.
	 */
	public static String string(Map<String, ?> map, String key, String whenMissing) {
		String value = string(map, key);
		return (value != null) ? value : whenMissing;
	}

	/** The integer value of {@code key} when it is a JSON number, else {@code null}. */
	public static @Nullable Long integer(Map<String, ?> map, String key) {
		Object value = map.get(key);
		if (value instanceof Number n) {
			return n.longValue();
		}
		return null;
	}

	/** The integer value of {@code key}, or {@code whenMissing}. */
	public static long integer(Map<String, ?> map, String key, long whenMissing) {
		Long value = integer(map, key);
		return (value != null) ? value : whenMissing;
	}

	/**
	 * The exact decimal value of {@code key} when it is a JSON number, else {@code null}.
	 */
	public static @Nullable BigDecimal decimal(Map<String, ?> map, String key) {
		Object value = map.get(key);
		if (value instanceof BigDecimal d) {
			return d;
		}
		if (value instanceof Number n) {
			return new BigDecimal(n.toString());
		}
		return null;
	}

	/**
	 * A list of strings when {@code key} is a JSON array (non-strings as text), else
	 * {@code null}.
	 */
	public static @Nullable List<String> strings(Map<String, ?> map, String key) {
		List<Object> list = list(map.get(key));
		if (list == null) {
			return null;
		}
		List<String> out = new ArrayList<>(list.size());
		for (Object item : list) {
			if (item != null) {
				out.add(item.toString());
			}
		}
		return Collections.unmodifiableList(out);
	}

	/**
	 * The JSON objects of a list answer: a top-level array (wrapped as {@code data}),
	 * {@code items} or {@code data}.
	 */
	public static List<Map<String, Object>> rows(Map<String, ?> response) {
		List<Object> list = list(response.get("items"));
		if (list == null) {
			list = list(response.get("data"));
		}
		if (list == null) {
			return List.of();
		}
		List<Map<String, Object>> rows = new ArrayList<>(list.size());
		for (Object item : list) {
			Map<String, Object> row = object(item);
			if (row != null) {
				rows.add(row);
			}
		}
		return Collections.unmodifiableList(rows);
	}

	/**
	 * An unmodifiable copy that keeps insertion order and drops null values (which the
	 * SDKs never send).
	 */
	public static Map<String, Object> withoutNulls(@Nullable Map<String, ?> map) {
		if (map == null || map.isEmpty()) {
			return Map.of();
		}
		Map<String, Object> copy = new LinkedHashMap<>();
		map.forEach((k, v) -> {
			if (k != null && v != null) {
				copy.put(k, v);
			}
		});
		return Collections.unmodifiableMap(copy);
	}

	/** An unmodifiable, order-keeping view of a raw answer, which may hold JSON nulls. */
	public static Map<String, Object> raw(@Nullable Map<String, ?> map) {
		if (map == null) {
			return Map.of();
		}
		if (map instanceof LazyWireMap lazy) {
			return lazy;
		}
		return Collections.unmodifiableMap(new LinkedHashMap<>(map));
	}

}
