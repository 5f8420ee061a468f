package tech.onceonly.verification;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The Promela model of the lease protocol ({@code verification/lease.pml}) checked by
 * spin in every build: the safe model satisfies every safety property (assertions) and
 * both liveness properties (under weak fairness); each variant that relaxes one
 * assumption produces a counterexample in which the work runs twice (issue 14, items 1, 3
 * and 4, and a pause longer than the lease). {@code spin} and {@code gcc} must be
 * installed ({@code .ci/services.sh} installs spin): without them the test fails.
 */
class LeaseProtocolModelTests {

	private static final Path MODEL = Path.of("..", "verification", "lease.pml").toAbsolutePath().normalize();

	private static final long TIMEOUT_SECONDS = 120;

	/** The text spin prints for the S4 assertion (no second run of the work). */
	private static final String SECOND_RUN = "assertion violated (((effects==0)||tainted)||retired)";

	/** What pan prints when it searched for acceptance cycles under weak fairness. */
	private static final String FAIR_CYCLES = "acceptance\\s+cycles\\s+\\+ \\(fairness enabled\\)";

	private static final Pattern ERRORS = Pattern.compile("errors: (\\d+)");

	private static final Pattern STORED = Pattern.compile("(\\d+) states, stored");

	private static final Map<String, Path> compiled = new HashMap<>();

	@TempDir
	static Path work;

	@BeforeAll
	static void spinAndGccAreInstalled() {
		assertThat(MODEL).as("the model, resolved from the module directory").isRegularFile();
		for (String tool : List.of("spin", "gcc")) {
			try {
				Process process = new ProcessBuilder(tool, tool.equals("spin") ? "-V" : "--version")
					.redirectErrorStream(true)
					.redirectOutput(ProcessBuilder.Redirect.DISCARD)
					.start();
				assertThat(process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isTrue();
			}
			catch (IOException ex) {
				fail(tool + " is not installed; the lease protocol model needs spin and gcc: "
						+ "`source .ci/services.sh && onceonly_services_install` installs spin (apt-get install spin)",
						ex);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
		}
	}

	@Test
	void safeModelShouldSatisfyEverySafetyProperty() {
		Run run = safety("").run("-m10000");
		assertThat(run.errors()).as(run.output()).isZero();
		assertThat(run.output()).doesNotContain("max search depth too small");
	}

	@Test
	void safeModelShouldLetEveryWorkerThatDoesNotCrashReturn() {
		Run run = liveness("").run("-a", "-f", "-m10000", "-N", "returns");
		assertThat(run.errors()).as(run.output()).isZero();
		assertThat(run.output()).containsPattern(FAIR_CYCLES).doesNotContain("max search depth too small");
	}

	@Test
	void safeModelShouldFreeTheKeyOfACrashedHolder() {
		Run run = liveness("").run("-a", "-f", "-m10000", "-N", "crash_frees");
		assertThat(run.errors()).as(run.output()).isZero();
		assertThat(run.output()).containsPattern(FAIR_CYCLES).doesNotContain("max search depth too small");
	}

	@Test
	void oldFlowThatCancelsTheLeaseWhenCompleteFailsShouldRunTheWorkTwice() {
		// one store fault (complete fails) is all it takes
		assertSecondRun("-DOLD_FLOW -DF=1 -DMAXCRASH=0");
	}

	@Test
	void heartbeatPeriodOfATtlShouldRunTheWorkTwice() {
		// no store fault, no crash
		assertSecondRun("-DSLOW_HEARTBEAT -DF=0 -DMAXCRASH=0");
	}

	@Test
	void workWithoutHeartbeatsShouldRunTwiceWhenItOutlastsTheLease() {
		// no store fault, no crash
		assertSecondRun("-DNO_HEARTBEAT -DF=0 -DMAXCRASH=0");
	}

	@Test
	void pauseLongerThanTheLeaseShouldRunTheWorkTwice() {
		// no store fault, no crash
		assertSecondRun("-DPAUSE -DF=0 -DMAXCRASH=0");
	}

	@Test
	void heartbeatEveryThirdOfTheTtlShouldAbsorbOneFailedHeartbeat() {
		// the default period (ttl / 3): one store fault anywhere, one crash
		Run run = safety("-DTTL=3 -DF=1").run("-m10000");
		assertThat(run.errors()).as(run.output()).isZero();
		assertThat(run.output()).doesNotContain("max search depth too small");
	}

	@Test
	void heartbeatEveryThirdOfTheTtlShouldNotAbsorbTwoFailedHeartbeatsInARow() {
		// the third heartbeat is due just as the lease expires: a waiter can take over
		assertSecondRun("-DTTL=3 -DF=2 -DMAXCRASH=0");
	}

	@Test
	void pauseOfAnyLengthShouldNeverLetTheLateWorkerCompleteOrOverwrite() {
		// everything but S4 still holds: fencing refuses the late worker
		// (one store fault and no crash keep the run short)
		Run run = safety("-DPAUSE -DNO_S4 -DF=1 -DMAXCRASH=0").run("-m10000");
		assertThat(run.errors()).as(run.output()).isZero();
		assertThat(run.output()).doesNotContain("max search depth too small");
	}

	private static void assertSecondRun(String defines) {
		Pan pan = new Pan(defines, "-O0", "-DSAFETY", "-DNOCLAIM");
		Run run = pan.run("-m10000");
		assertThat(run.errors()).as(run.output()).isPositive();
		assertThat(run.output()).contains(SECOND_RUN);
		System.out.println("counterexample (" + defines + "):\n" + pan.trail());
	}

	private static Pan safety(String defines) {
		return new Pan(defines, "-O1", "-DSAFETY", "-DNOCLAIM");
	}

	private static Pan liveness(String defines) {
		return new Pan(defines, "-O1", "-DNFAIR=3");
	}

	/** A verifier generated by {@code spin -a} and compiled, in its own directory. */
	private record Pan(String defines, String... cflags) {

		private Path dir() {
			String name = (this.defines + " " + String.join(" ", this.cflags)).trim();
			return compiled.computeIfAbsent(name, (key) -> {
				try {
					Path dir = Files.createDirectory(work.resolve("pan" + compiled.size()));
					Files.copy(MODEL, dir.resolve("lease.pml"));
					List<String> spin = new ArrayList<>(List.of("spin"));
					spin.addAll(words(this.defines));
					spin.addAll(List.of("-a", "lease.pml"));
					exec(dir, spin, true);
					List<String> gcc = new ArrayList<>(List.of("gcc"));
					gcc.addAll(List.of(this.cflags));
					gcc.addAll(List.of("-o", "pan", "pan.c"));
					exec(dir, gcc, true);
					return dir;
				}
				catch (IOException ex) {
					throw new IllegalStateException(ex);
				}
			});
		}

		Run run(String... args) {
			Path dir = dir();
			List<String> command = new ArrayList<>(List.of("./pan"));
			command.addAll(List.of(args));
			long started = System.nanoTime();
			String output = exec(dir, command, false);
			long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
			Run run = new Run(output);
			System.out.printf("lease.pml %s %s: %d states stored, errors: %d, %d ms%n", this.defines,
					String.join(" ", args), run.states(), run.errors(), millis);
			return run;
		}

		/** The counterexample's story (the model's printf lines) replayed by spin. */
		String trail() {
			List<String> spin = new ArrayList<>(List.of("spin", "-t"));
			spin.addAll(words(this.defines));
			spin.add("lease.pml");
			StringBuilder story = new StringBuilder();
			// spin exits with an error status after replaying the failed assertion
			for (String line : exec(dir(), spin, false).split("\n")) {
				if (line.startsWith("spin: trail ends")) {
					break;
				}
				if (!line.isBlank() && !line.startsWith("ltl ") && !line.startsWith("spin: warning")) {
					story.append("  ").append(line.strip()).append('\n');
				}
			}
			return story.toString();
		}

		private static List<String> words(String text) {
			return text.isBlank() ? List.of() : List.of(text.trim().split("\\s+"));
		}

	}

	private record Run(String output) {

		int errors() {
			return Integer.parseInt(find(ERRORS));
		}

		long states() {
			return Long.parseLong(find(STORED));
		}

		private String find(Pattern pattern) {
			Matcher matcher = pattern.matcher(this.output);
			if (!matcher.find()) {
				fail("pan printed no '" + pattern.pattern() + "':\n" + this.output);
			}
			return matcher.group(1);
		}

	}

	private static String exec(Path dir, List<String> command, boolean mustSucceed) {
		try {
			Path log = Files.createTempFile(dir, "out", ".txt");
			Process process = new ProcessBuilder(command).directory(dir.toFile())
				.redirectErrorStream(true)
				.redirectOutput(log.toFile())
				.start();
			if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
				process.destroyForcibly();
				fail(String.join(" ", command) + " did not finish within " + TIMEOUT_SECONDS + " s");
			}
			String output = Files.readString(log, StandardCharsets.UTF_8);
			if (mustSucceed && process.exitValue() != 0) {
				fail(String.join(" ", command) + " exited with " + process.exitValue() + ":\n" + output);
			}
			return output;
		}
		catch (IOException ex) {
			throw new IllegalStateException("Could not run " + String.join(" ", command), ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
