package tech.onceonly.ai;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import tech.onceonly.keys.KeyDerivation;

/**
 * The tool-input digest of the OnceOnly Python SDK's {@code make_idempotent_tool} for
 * tool arguments parsed from JSON text: {@link KeyDerivation#toolInputDigest} after
 * turning the exact decimals that {@link ToolArguments} reads back into the floats Python
 * would have parsed, so a Java digest matches the Python one ({@code 2.0}, {@code 1e-07},
 * {@code 1e+16}). Integers stay integers.
 */
public final class ToolInputDigest {

	private static final KeyDerivation KEYS = new KeyDerivation();

	private ToolInputDigest() {
	}

	/** The lowercase SHA-256 hex digest of {@link #payload(Object)}. */
	public static String digest(@Nullable Object input) {
		return KEYS.toolInputDigest(asParsedByPython(input));
	}

	/** The key {@code "<prefix>:<tool>:<digest>"}. */
	public static String key(String prefix, String tool, @Nullable Object input) {
		return KEYS.toolKey(prefix, tool, asParsedByPython(input));
	}

	/** The canonical payload that is hashed. */
	public static String payload(@Nullable Object input) {
		return KEYS.toolInputPayload(asParsedByPython(input));
	}

	/** The canonical JSON text of a parsed JSON value. */
	public static String canonical(@Nullable Object value) {
		return KEYS.canonicalJson().write(asParsedByPython(value));
	}

	/** The lowercase SHA-256 hex digest of {@code text} encoded as UTF-8. */
	public static String sha256Hex(String text) {
		return KeyDerivation.sha256Hex(text);
	}

	private static @Nullable Object asParsedByPython(@Nullable Object value) {
		if (value instanceof BigDecimal decimal) {
			return decimal.doubleValue();
		}
		if (value instanceof BigInteger integer) {
			return integer;
		}
		if (value instanceof Map<?, ?> map) {
			Map<Object, @Nullable Object> copy = new LinkedHashMap<>();
			map.forEach((k, v) -> copy.put(k, asParsedByPython(v)));
			return copy;
		}
		if (value instanceof Collection<?> list) {
			List<@Nullable Object> copy = new ArrayList<>(list.size());
			list.forEach((item) -> copy.add(asParsedByPython(item)));
			return copy;
		}
		return value;
	}

}
