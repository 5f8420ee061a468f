package tech.onceonly.spring.web.idempotency;

import java.io.OutputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.ObjectWriteContext;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.StreamWriteFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes the canonical form of a JSON document (object keys sorted, insignificant
 * whitespace dropped, decimals compared by value) straight into a digest, token by token:
 * no tree and no second serialisation for a document whose objects already have their
 * keys in order; a document with an object out of order (or a repeated key) is read once
 * more into a small sorted tree. The bytes are exactly those of reading the document into
 * maps and lists with {@link #JSON} and writing them back with sorted keys.
 */
final class CanonicalJsonDigest {

	/** The mapper whose parser and generator define the canonical bytes. */
	static final JsonMapper JSON = JsonMapper.builder()
		.enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
		.enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
		.build();

	private static final boolean FAIL_ON_TRAILING_TOKENS = JSON
		.isEnabled(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

	/**
	 * The mapper's read settings, without a deserialization context per body (the
	 * mapper's own {@code createParser} makes one each time).
	 */
	private static final ObjectReadContext READ = new ObjectReadContext.Base() {

		private final int streamFeatures = JSON.deserializationConfig().getStreamReadFeatures();

		private final int formatFeatures = JSON.deserializationConfig().getFormatReadFeatures();

		@Override
		public StreamReadConstraints streamReadConstraints() {
			return JSON.tokenStreamFactory().streamReadConstraints();
		}

		@Override
		public int getStreamReadFeatures(int defaults) {
			return this.streamFeatures;
		}

		@Override
		public int getFormatReadFeatures(int defaults) {
			return this.formatFeatures;
		}

	};

	/**
	 * The mapper's write settings (plain decimals included), without a serialization
	 * context per body.
	 */
	private static final ObjectWriteContext WRITE = new ObjectWriteContext.Base() {

		private final int streamFeatures = JSON.serializationConfig().getStreamWriteFeatures();

		private final int formatFeatures = JSON.serializationConfig().getFormatWriteFeatures();

		@Override
		public int getStreamWriteFeatures(int defaults) {
			return this.streamFeatures;
		}

		@Override
		public int getFormatWriteFeatures(int defaults) {
			return this.formatFeatures;
		}

	};

	/** What writing a body gave. */
	enum Result {

		/** The canonical bytes were written. */
		WRITTEN,

		/**
		 * An object's keys were out of order (or repeated): the digest holds part of the
		 * document; start again with {@code sorted = true}.
		 */
		UNSORTED,

		/**
		 * The body is not JSON that can be made canonical: hash it as raw bytes (the
		 * digest holds part of the document).
		 */
		NOT_JSON

	}

	private CanonicalJsonDigest() {
	}

	/**
	 * Writes the canonical form of {@code body} into {@code digest}.
	 * @param body the body (not empty)
	 * @param digest the digest to update
	 * @param sorted {@code false} to stream tokens as they come (refusing an object whose
	 * keys are out of order), {@code true} to sort every object in memory
	 * @return what was written
	 */
	static Result write(byte[] body, MessageDigest digest, boolean sorted) {
		try (JsonParser parser = JSON.tokenStreamFactory().createParser(READ, body);
				JsonGenerator generator = JSON.tokenStreamFactory().createGenerator(WRITE, new DigestSink(digest))) {
			JsonToken first = parser.nextToken();
			if (first == null) {
				return Result.NOT_JSON;
			}
			if (sorted) {
				Object tree = read(parser, first);
				if (trailing(parser)) {
					return Result.NOT_JSON;
				}
				write(generator, tree);
			}
			else {
				if (!copy(parser, first, generator)) {
					return Result.UNSORTED;
				}
				if (trailing(parser)) {
					return Result.NOT_JSON;
				}
			}
			generator.flush();
			return Result.WRITTEN;
		}
		catch (JacksonException | NotJson | ArithmeticException ex) {
			// ArithmeticException: a decimal whose exponent overflows once its zeros are
			// stripped; such a body is compared as raw bytes
			return Result.NOT_JSON;
		}
	}

	private static boolean trailing(JsonParser parser) {
		return FAIL_ON_TRAILING_TOKENS && parser.nextToken() != null;
	}

	/**
	 * Copies one value as it is read; false as soon as an object's keys are not in
	 * strictly ascending order.
	 */
	private static boolean copy(JsonParser parser, JsonToken token, JsonGenerator generator) {
		switch (token) {
			case START_OBJECT -> {
				generator.writeStartObject();
				String previous = null;
				for (JsonToken next = parser.nextToken(); next != JsonToken.END_OBJECT; next = parser.nextToken()) {
					String name = name(parser, next);
					if (previous != null && previous.compareTo(name) >= 0) {
						return false;
					}
					generator.writeName(name);
					if (!copy(parser, value(parser), generator)) {
						return false;
					}
					previous = name;
				}
				generator.writeEndObject();
			}
			case START_ARRAY -> {
				generator.writeStartArray();
				for (JsonToken next = parser.nextToken(); next != JsonToken.END_ARRAY; next = parser.nextToken()) {
					if (next == null) {
						throw NotJson.INSTANCE;
					}
					if (!copy(parser, next, generator)) {
						return false;
					}
				}
				generator.writeEndArray();
			}
			case VALUE_STRING ->
				generator.writeString(parser.getStringCharacters(), parser.getStringOffset(), parser.getStringLength());
			case VALUE_NUMBER_INT -> writeInteger(parser, generator);
			case VALUE_NUMBER_FLOAT -> generator.writeNumber(canonical(parser.getDecimalValue()));
			case VALUE_TRUE -> generator.writeBoolean(true);
			case VALUE_FALSE -> generator.writeBoolean(false);
			case VALUE_NULL -> generator.writeNull();
			default -> throw NotJson.INSTANCE;
		}
		return true;
	}

	private static void writeInteger(JsonParser parser, JsonGenerator generator) {
		switch (parser.getNumberType()) {
			case INT -> generator.writeNumber(parser.getIntValue());
			case LONG -> generator.writeNumber(parser.getLongValue());
			default -> generator.writeNumber(parser.getBigIntegerValue());
		}
	}

	private static String name(JsonParser parser, @Nullable JsonToken token) {
		if (token != JsonToken.PROPERTY_NAME) {
			throw NotJson.INSTANCE;
		}
		return parser.currentName();
	}

	private static JsonToken value(JsonParser parser) {
		JsonToken token = parser.nextToken();
		if (token == null) {
			throw NotJson.INSTANCE;
		}
		return token;
	}

	/** Reads one value into sorted maps, lists and canonical scalars. */
	private static @Nullable Object read(JsonParser parser, JsonToken token) {
		switch (token) {
			case START_OBJECT -> {
				Map<String, @Nullable Object> object = new TreeMap<>();
				for (JsonToken next = parser.nextToken(); next != JsonToken.END_OBJECT; next = parser.nextToken()) {
					String name = name(parser, next);
					// a repeated key keeps its last value
					object.put(name, read(parser, value(parser)));
				}
				return object;
			}
			case START_ARRAY -> {
				List<@Nullable Object> array = new ArrayList<>();
				for (JsonToken next = parser.nextToken(); next != JsonToken.END_ARRAY; next = parser.nextToken()) {
					if (next == null) {
						throw NotJson.INSTANCE;
					}
					array.add(read(parser, next));
				}
				return array;
			}
			case VALUE_STRING -> {
				return parser.getString();
			}
			case VALUE_NUMBER_INT -> {
				return parser.getNumberValue();
			}
			case VALUE_NUMBER_FLOAT -> {
				return canonical(parser.getDecimalValue());
			}
			case VALUE_TRUE -> {
				return Boolean.TRUE;
			}
			case VALUE_FALSE -> {
				return Boolean.FALSE;
			}
			case VALUE_NULL -> {
				return null;
			}
			default -> throw NotJson.INSTANCE;
		}
	}

	private static void write(JsonGenerator generator, @Nullable Object value) {
		if (value instanceof Map<?, ?> object) {
			generator.writeStartObject();
			for (Map.Entry<?, ?> entry : object.entrySet()) {
				generator.writeName((String) entry.getKey());
				write(generator, entry.getValue());
			}
			generator.writeEndObject();
		}
		else if (value instanceof List<?> array) {
			generator.writeStartArray();
			for (Object item : array) {
				write(generator, item);
			}
			generator.writeEndArray();
		}
		else if (value instanceof String text) {
			generator.writeString(text);
		}
		else if (value instanceof BigDecimal decimal) {
			generator.writeNumber(decimal);
		}
		else if (value instanceof Integer number) {
			generator.writeNumber(number.intValue());
		}
		else if (value instanceof Long number) {
			generator.writeNumber(number.longValue());
		}
		else if (value instanceof BigInteger number) {
			generator.writeNumber(number);
		}
		else if (value instanceof Boolean bool) {
			generator.writeBoolean(bool);
		}
		else {
			generator.writeNull();
		}
	}

	/**
	 * Decimals compared by value: zero is {@code 0}, other values lose trailing zeros.
	 */
	private static BigDecimal canonical(BigDecimal decimal) {
		return (decimal.signum() == 0) ? BigDecimal.ZERO : decimal.stripTrailingZeros();
	}

	/** The body ended or held a token where a JSON document cannot. */
	private static final class NotJson extends RuntimeException {

		private static final long serialVersionUID = 1L;

		static final NotJson INSTANCE = new NotJson();

		private NotJson() {
			super("not a JSON document", null, false, false);
		}

	}

	/** Feeds what the generator writes into the digest. */
	private static final class DigestSink extends OutputStream {

		private final MessageDigest digest;

		DigestSink(MessageDigest digest) {
			this.digest = digest;
		}

		@Override
		public void write(int b) {
			this.digest.update((byte) b);
		}

		@Override
		public void write(byte[] bytes, int offset, int length) {
			this.digest.update(bytes, offset, length);
		}

	}

}
