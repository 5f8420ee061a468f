package tech.onceonly.engine;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import tech.onceonly.client.ValidationException;

/**
 * The engine's input rules: each violation is a {@link ValidationException} saying what
 * is allowed.
 */
final class Validation {

	static final int MAX_KEY_LENGTH = 256;

	private final EngineSettings settings;

	private final JsonMapper json;

	Validation(EngineSettings settings, JsonMapper json) {
		this.settings = settings;
		this.json = json;
	}

	String key(@Nullable String key) {
		return text("key", key, MAX_KEY_LENGTH);
	}

	static String text(String field, @Nullable String value, int maxLength) {
		if (value == null || value.isEmpty()) {
			throw new ValidationException(field + " must not be empty; it must be 1-" + maxLength + " characters");
		}
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			if (Character.isHighSurrogate(c) && i + 1 < value.length()
					&& Character.isLowSurrogate(value.charAt(i + 1))) {
				i++;
				continue;
			}
			if (Character.isSurrogate(c)) {
				throw new ValidationException(
						field + " contains an unpaired UTF-16 surrogate (U+" + String.format("%04X", (int) c)
								+ ") at index " + i + "; it must be valid Unicode text (every surrogate in a pair)");
			}
			if (Character.isISOControl(c)) {
				throw new ValidationException(field + " contains a control character (U+"
						+ String.format("%04X", (int) c) + ") at index " + i + "; control characters are not allowed");
			}
		}
		int length = value.codePointCount(0, value.length());
		if (length > maxLength) {
			throw new ValidationException(field + " is " + length + " characters (Unicode code points) long; at most "
					+ maxLength + " are allowed");
		}
		return value;
	}

	Duration ttl(@Nullable Duration ttl, Duration fallback) {
		if (ttl == null) {
			return fallback;
		}
		if (ttl.isNegative() || ttl.isZero()) {
			throw new ValidationException("ttl must be positive, was " + ttl.toSeconds() + " s");
		}
		long seconds = ttl.toSeconds();
		if (seconds < 1) {
			throw new ValidationException("ttl must be at least 1 second, was " + ttl.toMillis() + " ms");
		}
		if (ttl.compareTo(this.settings.maxTtl()) > 0) {
			throw new ValidationException(
					"ttl must be at most " + this.settings.maxTtl().toSeconds() + " s, was " + seconds + " s");
		}
		return (ttl.getNano() == 0) ? ttl : Duration.ofSeconds(seconds);
	}

	@Nullable String metadata(@Nullable Map<String, ?> metadata) {
		if (metadata == null) {
			return null;
		}
		String text = this.json.writeValueAsString(metadata);
		int bytes = text.getBytes(StandardCharsets.UTF_8).length;
		if (bytes > this.settings.maxMetadataBytes()) {
			throw new ValidationException("metadata is " + bytes + " bytes of JSON; at most "
					+ this.settings.maxMetadataBytes() + " bytes are allowed");
		}
		return text;
	}

}
