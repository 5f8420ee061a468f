package tech.onceonly.keys;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The key digests against vectors generated with {@code python3} from the wire
 * reference's algorithm ({@code src/test/resources/keys/generate_vectors.py}): maps with
 * number keys, keys Python cannot sort, bytes, {@code -0.0}, sets, dates and times,
 * decimals, and doubles whose shortest form {@code Double.toString} misses on JDK 17; and
 * Python's {@code repr} of 4000 random doubles.
 */
class KeyVectorsTests {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final KeyDerivation keys = new KeyDerivation();

	@SuppressWarnings("unchecked")
	static Stream<Arguments> vectors() throws IOException {
		try (InputStream in = KeyVectorsTests.class.getResourceAsStream("/keys/key-vectors.json")) {
			Map<String, Object> file = JSON.readValue(in, Map.class);
			return ((List<Map<String, Object>>) file.get("vectors")).stream()
				.map((vector) -> Arguments.of(vector.get("name"), vector));
		}
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("vectors")
	@SuppressWarnings("unchecked")
	void digestShouldMatchThePythonVector(String name, Map<String, Object> vector) {
		if ("function".equals(vector.get("kind"))) {
			List<@Nullable Object> args = new ArrayList<>();
			((List<Object>) vector.get("args")).forEach((arg) -> args.add(decode(arg)));
			Map<String, @Nullable Object> kwargs = new LinkedHashMap<>();
			((Map<String, Object>) vector.get("kwargs")).forEach((k, v) -> kwargs.put(k, decode(v)));
			String version = (String) vector.get("version");
			String fn = (String) vector.get("fn");
			assertThat(this.keys.functionPayload(version, fn, args, kwargs)).isEqualTo(vector.get("payload"));
			assertThat(this.keys.functionDigest(version, fn, args, kwargs)).isEqualTo(vector.get("digest"));
			return;
		}
		Object input = decode(vector.get("input"));
		if (vector.containsKey("error")) {
			assertThatIllegalArgumentException().isThrownBy(() -> this.keys.toolInputPayload(input))
				.withMessageContaining("Python");
			return;
		}
		assertThat(this.keys.toolInputPayload(input)).isEqualTo(vector.get("payload"));
		assertThat(this.keys.toolInputDigest(input)).isEqualTo(vector.get("digest"));
	}

	@Test
	void randomDoublesShouldPrintAsPythonsRepr() throws IOException {
		List<String> lines;
		try (InputStream in = KeyVectorsTests.class.getResourceAsStream("/keys/float-repr.txt")) {
			lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
				.filter((line) -> !line.startsWith("#"))
				.toList();
		}
		assertThat(lines).hasSize(4000);
		List<String> mismatches = new ArrayList<>();
		for (String line : lines) {
			String[] parts = line.split(" ");
			double value = Double.parseDouble(parts[0]);
			if (!PythonFloats.repr(value).equals(parts[1])
					|| !this.keys.canonicalJson().write(value).equals(parts[2])) {
				mismatches.add(line + " -> " + PythonFloats.repr(value));
			}
		}
		assertThat(mismatches).isEmpty();
	}

	@Test
	void shortestFormShouldReadBackAndHaveNoShorterForm() {
		Random random = new Random(17);
		for (int i = 0; i < 20_000; i++) {
			double value = Double.longBitsToDouble(random.nextLong());
			if (Double.isNaN(value) || Double.isInfinite(value) || value == 0) {
				continue;
			}
			BigDecimal shortest = PythonFloats.shortest(value);
			assertThat(Double.parseDouble(shortest.toString())).isEqualTo(value);
			int digits = shortest.precision();
			if (digits > 1) {
				BigDecimal exact = new BigDecimal(value);
				for (java.math.RoundingMode mode : new java.math.RoundingMode[] { java.math.RoundingMode.FLOOR,
						java.math.RoundingMode.CEILING }) {
					BigDecimal shorter = exact.round(new java.math.MathContext(digits - 1, mode));
					assertThat(Double.parseDouble(shorter.toString())).isNotEqualTo(value);
				}
			}
		}
	}

	@Test
	void doubleThatJdk17PrintsLongShouldUseTheShortestForm() {
		assertThat(PythonFloats.repr(5.299064834871378e+16)).isEqualTo("5.299064834871378e+16");
		assertThat(PythonFloats.repr(2.0E-3)).isEqualTo("0.002");
		assertThat(PythonFloats.repr(1.0E23)).isEqualTo("1e+23");
	}

	@SuppressWarnings("unchecked")
	private static @Nullable Object decode(Object node) {
		Map<String, Object> typed = (Map<String, Object>) node;
		Object v = typed.get("v");
		return switch ((String) typed.get("t")) {
			case "none" -> null;
			case "bool" -> (Boolean) v;
			case "int" -> integer((String) v);
			case "float" -> switch ((String) v) {
				case "inf" -> Double.POSITIVE_INFINITY;
				case "-inf" -> Double.NEGATIVE_INFINITY;
				case "nan" -> Double.NaN;
				default -> Double.parseDouble((String) v);
			};
			case "str" -> (String) v;
			case "bytes" -> HexFormat.of().parseHex((String) v);
			case "decimal" -> new BigDecimal((String) v);
			case "list" -> {
				List<@Nullable Object> list = new ArrayList<>();
				((List<Object>) v).forEach((item) -> list.add(decode(item)));
				yield list;
			}
			case "set" -> {
				Set<@Nullable Object> set = new LinkedHashSet<>();
				((List<Object>) v).forEach((item) -> set.add(decode(item)));
				yield set;
			}
			case "map" -> {
				Map<@Nullable Object, @Nullable Object> map = new LinkedHashMap<>();
				((List<List<Object>>) v).forEach((pair) -> map.put(decode(pair.get(0)), decode(pair.get(1))));
				yield map;
			}
			case "date" -> LocalDate.parse((String) v);
			case "datetime" -> {
				String text = (String) v;
				boolean zoned = text.length() > 19
						&& (text.endsWith("Z") || text.lastIndexOf('+') > 10 || text.lastIndexOf('-') > 10);
				yield zoned ? OffsetDateTime.parse(text) : LocalDateTime.parse(text);
			}
			case "time" -> LocalTime.parse((String) v);
			default -> throw new IllegalArgumentException("unknown type " + typed.get("t"));
		};
	}

	private static Object integer(String text) {
		BigInteger big = new BigInteger(text);
		if (big.bitLength() < 32) {
			return big.intValue();
		}
		return (big.bitLength() < 64) ? (Object) big.longValue() : big;
	}

}
