package tech.onceonly.store;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/** Stops and starts the test servers through the functions of {@code .ci/services.sh}. */
public final class ServiceControl {

	private ServiceControl() {
	}

	/**
	 * Runs {@code function} of {@code .ci/services.sh} in a bash that sourced it. Needs
	 * the settings the script exported when it started the servers
	 * ({@code ONCEONLY_SERVICES_DIR}); see {@link TestServices#require(String)}.
	 */
	public static void run(String function) throws Exception {
		TestServices.require("ONCEONLY_SERVICES_DIR");
		File script = new File("../.ci/services.sh").getCanonicalFile();
		if (!script.isFile()) {
			script = new File(".ci/services.sh").getCanonicalFile();
		}
		Process process = new ProcessBuilder("bash", "-c", "source \"$0\" && " + function, script.getPath())
			.redirectErrorStream(true)
			.start();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
			throw new IllegalStateException(function + " failed: " + output);
		}
	}

}
