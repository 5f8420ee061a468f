package tech.onceonly.ai;

import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

import tech.onceonly.client.ResultObjects;

/**
 * Converts between the JSON texts models exchange with tools and the JSON objects
 * governance stores: arguments in, results out. Numbers with a fraction are read exactly
 * ({@code BigDecimal}), so digests never depend on floating-point rounding.
 */
public final class ToolArguments {

	/** The field that carries arguments that are not a JSON object. */
	public static final String INPUT_FIELD = "input";

	private final JsonMapper json;

	/** Conversions with {@code json}. */
	public ToolArguments(JsonMapper json) {
		this.json = json.rebuild().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).build();
	}

	/** The mapper used for the conversions. */
	public JsonMapper jsonMapper() {
		return this.json;
	}

	/**
	 * The arguments as a JSON object: a JSON object text as it is, blank text as an empty
	 * object, any other JSON value or unparseable text as {@code {"input": value}}.
	 */
	@SuppressWarnings("unchecked")
	public Map<String, Object> parse(@Nullable String arguments) {
		Map<String, Object> parsed = new LinkedHashMap<>();
		if (arguments == null || arguments.isBlank()) {
			return parsed;
		}
		Object value = parseValue(arguments);
		if (value instanceof Map<?, ?> map) {
			map.forEach((k, v) -> parsed.put(String.valueOf(k), v));
			return parsed;
		}
		parsed.put(INPUT_FIELD, value);
		return parsed;
	}

	/** The JSON value of {@code text}, or the text itself when it is not JSON. */
	public @Nullable Object parseValue(String text) {
		try {
			return this.json.readValue(text, Object.class);
		}
		catch (JacksonException ex) {
			return text;
		}
	}

	/** The result object stored for a tool's text result. */
	public @Nullable Map<String, Object> toResult(@Nullable String text) {
		return ResultObjects.toResultObject(text, this.json);
	}

	/**
	 * The text a model receives for a value a tool returned: a {@code String} as it is,
	 * {@code null} as empty, anything else as its result object's text.
	 */
	public String textOf(@Nullable Object value) {
		if (value == null) {
			return "";
		}
		if (value instanceof String text) {
			return text;
		}
		return toText(ResultObjects.toResultObject(value, this.json));
	}

	/**
	 * The text a model receives for a stored result: the original text, or the object's
	 * JSON.
	 */
	public String toText(@Nullable Map<String, Object> result) {
		if (result == null) {
			return "";
		}
		if (result.size() == 1 && result.containsKey(ResultObjects.VALUE_FIELD)) {
			Object value = result.get(ResultObjects.VALUE_FIELD);
			return (value instanceof String text) ? text : this.json.writeValueAsString(value);
		}
		return this.json.writeValueAsString(result);
	}

}
