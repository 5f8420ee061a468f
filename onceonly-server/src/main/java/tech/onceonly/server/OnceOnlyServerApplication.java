package tech.onceonly.server;

import java.io.PrintStream;
import java.util.Arrays;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

import tech.onceonly.server.auth.ApiKeys;

/**
 * The self-hosted OnceOnly API server. {@code java -jar onceonly-server.jar} serves
 * {@code /v1} on port 8080;
 * {@code java -jar onceonly-server.jar --onceonly.server.generate-key[=<tenant>]} prints
 * a new API key and the configuration lines that provision it, and exits.
 */
@SpringBootApplication
public class OnceOnlyServerApplication {

	/** The command-line flag of the key generator. */
	public static final String GENERATE_KEY_FLAG = "--onceonly.server.generate-key";

	/** Starts the server, or generates a key when asked to. */
	public static void main(String[] args) {
		if (generateKey(args, System.out)) {
			return;
		}
		SpringApplication.run(OnceOnlyServerApplication.class, args);
	}

	/**
	 * Prints a new key and its configuration lines when {@code args} ask for it.
	 * @return whether a key was generated (the server must not start)
	 */
	static boolean generateKey(String[] args, PrintStream out) {
		return Arrays.stream(args)
			.filter((arg) -> arg.equals(GENERATE_KEY_FLAG) || arg.startsWith(GENERATE_KEY_FLAG + "="))
			.findFirst()
			.map((arg) -> {
				String tenant = arg.contains("=") ? arg.substring(arg.indexOf('=') + 1) : "";
				if (tenant.isBlank() || tenant.equals("true")) {
					tenant = "default";
				}
				out.print(ApiKeys.describeNewKey(ApiKeys.generate(), tenant));
				out.flush();
				return true;
			})
			.orElse(false);
	}

}
