package tech.onceonly.engine;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Random;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The engine's times in its answers read exactly as {@link Instant#toString()} writes
 * them, whatever the instant.
 */
class EngineInstantTextTests {

	@Test
	void randomMillisecondsShouldReadAsInstantToString() {
		Random random = new Random(16);
		long last = Instant.parse("9999-12-31T23:59:59.999Z").toEpochMilli();
		for (int i = 0; i < 500_000; i++) {
			long millis = switch (i % 4) {
				case 0 -> Math.floorMod(random.nextLong(), last + 1);
				// whole seconds, where Instant.toString writes no fraction
				case 1 -> Math.floorMod(random.nextLong(), last / 1000 + 1) * 1000;
				// near now
				case 2 -> 1_790_000_000_000L + random.nextInt(Integer.MAX_VALUE);
				default -> random.nextInt(1_000) * 86_400_000L + random.nextInt(1_000) * 10L;
			};
			assertThat(InstantText.ofEpochMilli(millis)).isEqualTo(Instant.ofEpochMilli(millis).toString());
			assertThat(InstantText.of(Instant.ofEpochMilli(millis))).isEqualTo(Instant.ofEpochMilli(millis).toString());
		}
	}

	@Test
	void calendarEdgesShouldReadAsInstantToString() {
		for (int year : new int[] { 1970, 1971, 1972, 1999, 2000, 2001, 2024, 2026, 2100, 2400, 9999 }) {
			for (String day : new String[] { "-01-01T00:00:00", "-02-28T23:59:59.999", "-03-01T00:00:00.001",
					"-12-31T23:59:59.999", "-06-30T12:00:00.100" }) {
				Instant instant = LocalDateTime.parse(String.format("%04d", year) + day).toInstant(ZoneOffset.UTC);
				assertThat(InstantText.of(instant)).isEqualTo(instant.toString());
			}
			if (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) {
				Instant leap = LocalDateTime.parse(year + "-02-29T06:07:08.009").toInstant(ZoneOffset.UTC);
				assertThat(InstantText.of(leap)).isEqualTo(leap.toString());
			}
		}
	}

	@Test
	void instantsOutsideWholeMillisecondsFrom1970To9999ShouldStillReadAsInstantToString() {
		Instant[] instants = { Instant.EPOCH, Instant.ofEpochMilli(-1), Instant.parse("1969-12-31T23:59:59Z"),
				Instant.parse("0001-01-01T00:00:00Z"), Instant.parse("+10000-01-01T00:00:00Z"),
				Instant.parse("9999-12-31T23:59:59.999Z"), Instant.parse("2026-03-01T10:15:30.123456Z"),
				Instant.parse("2026-03-01T10:15:30.000000001Z"), Instant.MAX, Instant.MIN };
		for (Instant instant : instants) {
			assertThat(InstantText.of(instant)).isEqualTo(instant.toString());
		}
		assertThat(InstantText.ofEpochMilli(-86_400_001L)).isEqualTo(Instant.ofEpochMilli(-86_400_001L).toString());
		assertThat(InstantText.ofEpochMilli(Long.MAX_VALUE)).isEqualTo(Instant.ofEpochMilli(Long.MAX_VALUE).toString());
	}

}
