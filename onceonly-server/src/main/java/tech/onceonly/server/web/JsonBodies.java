package tech.onceonly.server.web;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Parses request bodies itself, so any content type is accepted and bad JSON gets the
 * API's 422 shape. Refused with 422 as well: duplicate object names, nesting deeper than
 * {@value #MAX_DEPTH}, non-finite numbers, and NUL characters in any string or name (the
 * PostgreSQL store cannot keep them, so every backend refuses them alike).
 */
final class JsonBodies {

	/** The deepest nesting of objects and arrays accepted in a body. */
	static final int MAX_DEPTH = 32;

	private final JsonMapper json;

	JsonBodies(JsonMapper json) {
		this.json = json.rebuild().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
	}

	/** The fields of a JSON object body. */
	RequestFields fields(byte @Nullable [] body) {
		return RequestFields.of(parse(body));
	}

	/** The fields of a body that may be absent (treated as {@code {}}). */
	RequestFields optionalFields(byte @Nullable [] body) {
		if (body == null || body.length == 0) {
			return RequestFields.of(new LinkedHashMap<String, Object>());
		}
		return RequestFields.of(parse(body));
	}

	private @Nullable Object parse(byte @Nullable [] body) {
		if (body == null || body.length == 0) {
			return null;
		}
		Object value;
		try {
			value = this.json.readerFor(Object.class)
				.with(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
				.readValue(body);
		}
		catch (JacksonException ex) {
			String why = (ex.getOriginalMessage() != null && ex.getOriginalMessage().startsWith("Duplicate"))
					? "JSON decode error: duplicate object name" : "JSON decode error";
			throw new RequestValidationException(
					List.of(ErrorBodies.item("json_invalid", List.of("body", 0), why, null)));
		}
		List<Map<String, Object>> errors = new ArrayList<>();
		check(new ArrayList<>(List.of("body")), value, 0, errors);
		if (!errors.isEmpty()) {
			throw new RequestValidationException(errors);
		}
		return value;
	}

	private static void check(List<Object> loc, @Nullable Object value, int depth, List<Map<String, Object>> errors) {
		if (!errors.isEmpty()) {
			return;
		}
		if (value instanceof String s) {
			if (s.indexOf('\0') >= 0) {
				errors.add(ErrorBodies.item("string_nul", List.copyOf(loc),
						"Strings must not contain NUL (\\u0000) characters", null));
			}
		}
		else if (value instanceof Double d && !Double.isFinite(d) || value instanceof Float f && !Float.isFinite(f)
				|| value instanceof BigDecimal b && !Double.isFinite(b.doubleValue())) {
			errors.add(ErrorBodies.item("finite_number", List.copyOf(loc), "Input should be a finite number", null));
		}
		else if (value instanceof Map<?, ?> || value instanceof List<?>) {
			if (depth >= MAX_DEPTH) {
				errors.add(ErrorBodies.item("too_deep", List.copyOf(loc),
						"JSON nesting should be at most " + MAX_DEPTH + " levels deep", null));
				return;
			}
			if (value instanceof Map<?, ?> map) {
				for (Map.Entry<?, ?> entry : map.entrySet()) {
					String name = String.valueOf(entry.getKey());
					loc.add(name);
					if (name.indexOf('\0') >= 0) {
						errors.add(ErrorBodies.item("string_nul", List.copyOf(loc),
								"Names must not contain NUL (\\u0000) characters", null));
					}
					check(loc, entry.getValue(), depth + 1, errors);
					loc.remove(loc.size() - 1);
				}
			}
			else {
				List<?> list = (List<?>) value;
				for (int i = 0; i < list.size(); i++) {
					loc.add(i);
					check(loc, list.get(i), depth + 1, errors);
					loc.remove(loc.size() - 1);
				}
			}
		}
	}

}
