package tech.onceonly.keys;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

/**
 * The key digests of the OnceOnly Python SDK, so a Java key matches the key Python
 * derives for the same call.
 * <ul>
 * <li>{@link #functionKey}: {@code @idempotent} without {@code key_func}:
 * {@code "<prefix>:" + sha256hex} of the canonical JSON of {@code {"args": [json(arg)…],
 * "fn": fnId, "kwargs": {name: json(arg)…}, "v": version}}, each argument first encoded
 * as its own canonical JSON text (double encoding);</li>
 * <li>{@link #toolKey}: a tool call's input: {@code "<prefix>:<tool>:" + sha256hex} of
 * the canonical JSON of {@code {"args": [], "kwargs": input}} for a map input and
 * {@code {"args": [input], "kwargs": {}}} otherwise, the values not pre-encoded.</li>
 * </ul>
 * Canonical JSON is described in {@link CanonicalJson}. As in Python, an argument that is
 * a record or a bean (a pydantic model or dataclass there) is encoded and then truncated
 * to {@value #MAX_OBJECT_CHARS} characters plus "…"; two such arguments that differ only
 * after that point derive the same key, so pass an explicit key for large objects.
 * <p>
 * Where Python's {@code json.dumps} gives up, the fallbacks are Python's too: a function
 * argument holding a map whose keys Python cannot sort (text and number keys together,
 * {@code null} with other keys) contributes Python's {@code str()} of the argument, cut
 * to {@value #MAX_OBJECT_CHARS} characters plus "…" ({@code {'b': 1, 1: 'one'}}, in the
 * map's iteration order); a tool input holding one deeper down is hashed as the
 * {@code str()} of the whole payload; a tool input map whose own keys cannot be sorted is
 * refused with {@link IllegalArgumentException}, as the Python SDK fails on it. In
 * function arguments {@code byte[]} is Python's {@code str(bytes)} ({@code "b'\\x01'"});
 * in tool inputs it is hex. The vectors in the test resources
 * ({@code keys/key-vectors.json}), generated with {@code python3}, pin each rule.
 * Instances are thread-safe.
 */
public final class KeyDerivation {

	/** The key prefix of {@code @idempotent}. */
	public static final String DEFAULT_FUNCTION_PREFIX = "func";

	/** The key prefix of idempotent tools. */
	public static final String DEFAULT_TOOL_PREFIX = "tool";

	/** The digest version of {@code @idempotent}. */
	public static final String DEFAULT_KEY_VERSION = "v1";

	/**
	 * Length, in characters (code points), after which the JSON of a record or bean
	 * argument is truncated.
	 */
	public static final int MAX_OBJECT_CHARS = 2048;

	private static final HexFormat HEX = HexFormat.of();

	private final CanonicalJson canonical;

	/**
	 * Key derivation converting records, beans and other non-JSON values with
	 * {@code json}.
	 * @param json the mapper for values that are not maps, collections, strings, numbers
	 * or booleans
	 */
	public KeyDerivation(JsonMapper json) {
		this.canonical = new CanonicalJson(json);
	}

	/** Key derivation with a default {@link JsonMapper}. */
	public KeyDerivation() {
		this(JsonMapper.builder().build());
	}

	/** The canonical JSON writer used for payloads. */
	public CanonicalJson canonicalJson() {
		return this.canonical;
	}

	/**
	 * The {@code @idempotent} key: {@code "<prefix>:<functionDigest>"}.
	 * @param prefix the key prefix ({@value #DEFAULT_FUNCTION_PREFIX} by default)
	 * @param version the digest version ({@value #DEFAULT_KEY_VERSION} by default)
	 * @param fnId the function id ({@code key_id}, or the function's qualified name)
	 * @param args the positional arguments
	 * @param kwargs the keyword arguments
	 * @return the key
	 */
	public String functionKey(String prefix, String version, String fnId, List<?> args, Map<String, ?> kwargs) {
		return prefix + ":" + functionDigest(version, fnId, args, kwargs);
	}

	/**
	 * The lowercase SHA-256 hex digest of {@link #functionPayload}.
	 * @return 64 hex characters
	 */
	public String functionDigest(String version, String fnId, List<?> args, Map<String, ?> kwargs) {
		return sha256Hex(functionPayload(version, fnId, args, kwargs));
	}

	/**
	 * The canonical payload hashed for an {@code @idempotent} function call.
	 * @return the canonical JSON text
	 */
	public String functionPayload(String version, String fnId, List<?> args, Map<String, ?> kwargs) {
		Objects.requireNonNull(version, "version");
		Objects.requireNonNull(fnId, "fnId");
		List<String> encodedArgs = new ArrayList<>(args.size());
		for (Object arg : args) {
			encodedArgs.add(argumentJson(arg));
		}
		Map<String, String> encodedKwargs = new LinkedHashMap<>();
		kwargs.forEach((name, value) -> encodedKwargs.put(name, argumentJson(value)));
		Map<String, Object> payload = new LinkedHashMap<>();
		payload.put("v", version);
		payload.put("fn", fnId);
		payload.put("args", encodedArgs);
		payload.put("kwargs", encodedKwargs);
		return this.canonical.write(payload);
	}

	/**
	 * The JSON text one argument contributes to a function payload: its canonical JSON,
	 * truncated to {@value #MAX_OBJECT_CHARS} characters plus "…" when the argument is a
	 * record or bean.
	 */
	public String argumentJson(@Nullable Object value) {
		String text;
		try {
			text = this.canonical.write(value, true);
		}
		catch (PythonTypeError ex) {
			Object tree = (value != null && CanonicalJson.isConverted(value)) ? this.canonical.toTree(value) : value;
			return cut(PythonText.repr(tree));
		}
		if (CanonicalJson.isConverted(value)) {
			return cut(text);
		}
		return text;
	}

	private static String cut(String text) {
		if (text.codePointCount(0, text.length()) > MAX_OBJECT_CHARS) {
			return text.substring(0, text.offsetByCodePoints(0, MAX_OBJECT_CHARS)) + "\u2026";
		}
		return text;
	}

	/**
	 * The key of an idempotent tool call:
	 * {@code "<prefix>:<toolName>:<toolInputDigest>"}.
	 * @param prefix the key prefix ({@value #DEFAULT_TOOL_PREFIX} by default)
	 * @param toolName the tool's name
	 * @param input the tool's input (a map is taken as keyword arguments)
	 * @return the key
	 */
	public String toolKey(String prefix, String toolName, @Nullable Object input) {
		return prefix + ":" + toolName + ":" + toolInputDigest(input);
	}

	/**
	 * The lowercase SHA-256 hex digest of {@link #toolInputPayload}.
	 * @return 64 hex characters
	 */
	public String toolInputDigest(@Nullable Object input) {
		return sha256Hex(toolInputPayload(input));
	}

	/**
	 * The canonical payload hashed for a tool input: {@code {"args":[],"kwargs":input}}
	 * for a map, {@code {"args":[input],"kwargs":{}}} for anything else.
	 * @return the canonical JSON text
	 */
	public String toolInputPayload(@Nullable Object input) {
		List<@Nullable Object> args = new ArrayList<>(1);
		Map<Object, @Nullable Object> kwargs = new LinkedHashMap<>();
		if (input instanceof Map<?, ?> map) {
			List<Map.Entry<?, ?>> sorted;
			try {
				sorted = CanonicalJson.sortedEntries(map);
			}
			catch (PythonTypeError ex) {
				throw new IllegalArgumentException("The tool input's keys cannot be ordered as Python orders them ("
						+ ex.getMessage() + "); the Python SDK cannot derive a key for it either", ex);
			}
			sorted.forEach((entry) -> kwargs.put(entry.getKey(), entry.getValue()));
		}
		else {
			args.add(input);
		}
		Map<String, Object> payload = new LinkedHashMap<>();
		payload.put("args", args);
		payload.put("kwargs", kwargs);
		try {
			return this.canonical.write(payload);
		}
		catch (PythonTypeError ex) {
			return "{'args': " + PythonText.tupleRepr(args) + ", 'kwargs': " + PythonText.repr(kwargs) + "}";
		}
	}

	/**
	 * The lowercase hex SHA-256 digest of {@code text} encoded as UTF-8.
	 * @return 64 hex characters
	 */
	public static String sha256Hex(String text) {
		try {
			MessageDigest digest = MessageDigest.getInstance("SHA-256");
			return HEX.formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is not available", ex);
		}
	}

}
