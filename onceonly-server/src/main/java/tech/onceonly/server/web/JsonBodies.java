package tech.onceonly.server.web;

import java.util.LinkedHashMap;
import java.util.List;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Parses request bodies itself, so any content type is accepted and bad JSON gets the
 * API's 422 shape.
 */
final class JsonBodies {

	private final JsonMapper json;

	JsonBodies(JsonMapper json) {
		this.json = json;
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
		try {
			return this.json.readerFor(Object.class)
				.with(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
				.readValue(body);
		}
		catch (JacksonException ex) {
			throw new RequestValidationException(
					List.of(ErrorBodies.item("json_invalid", List.of("body", 0), "JSON decode error", null)));
		}
	}

}
