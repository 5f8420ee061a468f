package tech.onceonly.newcomer;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

import tech.onceonly.client.AiResult;
import tech.onceonly.store.FaultyStore;
import tech.onceonly.store.TestServices;
import tech.onceonly.store.memory.InMemoryStore;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A newcomer's first hour, step by step as {@code docs/getting-started.md} writes it: the
 * starter alone (in-memory), then each store by the properties the guide names, then the
 * readiness snippet. Every app here is a real {@link NewcomerApplication} started with
 * {@link SpringApplicationBuilder} on a random port, the way {@code java -jar} would.
 */
@ExtendWith(OutputCaptureExtension.class)
class GettingStartedTests {

	// The test classpath holds every store's dependencies; each step's app only has the
	// ones its step of the guide adds, so the others' auto-configuration is left out.
	private static final String NO_DATABASE = "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration";

	private static final String NO_REDIS = "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration";

	private static final String ONLY_THE_STARTER = "--spring.autoconfigure.exclude=" + NO_DATABASE + "," + NO_REDIS;

	private final String run = UUID.randomUUID().toString().substring(0, 8);

	@Test
	void theStarterAloneRunsOnTheInMemoryStore(CapturedOutput output) throws Exception {
		try (ConfigurableApplicationContext app = start(ONLY_THE_STARTER)) {
			assertThat(output).contains("OnceOnly: local engine on memory store");
			assertPrimitivesWork(app, app);
			AnnotatedPayments payments = app.getBean(AnnotatedPayments.class);
			Receipt first = payments.charge("a-1", 1999);
			assertThat(payments.charge("a-1", 1999)).isEqualTo(first);
			payments.sendWelcome("u-1", "ada@example.com");
			payments.sendWelcome("u-1", "ada@example.com");
			assertThat(payments.chargesMade()).isEqualTo(1);
			assertThat(payments.emailsSent()).isEqualTo(1);
			assertThat(get(app, "/actuator/health").statusCode()).isEqualTo(200);
			HttpResponse<String> charged = post(app, "/orders/h-1/charge");
			assertThat(post(app, "/orders/h-1/charge").body()).isEqualTo(charged.body()).contains("ch_h-1_");
		}
		assertThat(output).doesNotContain("unknown property").doesNotContain("in-memory store of this JVM");
	}

	@Test
	void anH2FileKeepsKeysAcrossARestart(@TempDir Path dir, CapturedOutput output) throws Exception {
		String[] h2 = { "--onceonly.store.type=jdbc", "--spring.datasource.url=jdbc:h2:file:" + dir.resolve("app"),
				"--onceonly.store.jdbc.initialize-schema=always", "--spring.autoconfigure.exclude=" + NO_REDIS };
		String firstCharge;
		try (ConfigurableApplicationContext app = start(h2)) {
			assertThat(output).contains("OnceOnly: local engine on jdbc store");
			firstCharge = chargeId(app.getBean(Checkout.class).charge("r-1", 500));
			assertThat(app.getBean(Checkout.class).sendWelcome("u-r")).isTrue();
		}
		try (ConfigurableApplicationContext restarted = start(h2)) {
			Checkout checkout = restarted.getBean(Checkout.class);
			assertThat(chargeId(checkout.charge("r-1", 500))).isEqualTo(firstCharge);
			assertThat(checkout.sendWelcome("u-r")).isFalse();
			assertThat(checkout.chargesMade()).isZero();
			assertThat(get(restarted, "/actuator/health").statusCode()).isEqualTo(200);
		}
	}

	@Test
	void postgresqlIsSharedByTwoInstances(CapturedOutput output) throws Exception {
		String[] postgres = { "--onceonly.store.type=jdbc", "--spring.datasource.url=" + TestServices.postgresUrl(),
				"--spring.datasource.username=postgres", "--onceonly.store.jdbc.initialize-schema=always",
				"--onceonly.store.jdbc.table-prefix=newcomer_", "--onceonly.local.namespace=newcomer-" + this.run,
				"--spring.autoconfigure.exclude=" + NO_REDIS };
		try (ConfigurableApplicationContext first = start(postgres);
				ConfigurableApplicationContext second = start(postgres)) {
			assertThat(output).contains("OnceOnly: local engine on jdbc store");
			assertPrimitivesWork(first, second);
		}
	}

	@Test
	void redisIsSharedByTwoInstances(CapturedOutput output) throws Exception {
		String[] redis = { "--onceonly.store.type=redis", "--spring.data.redis.url=" + TestServices.redisUrl(),
				"--onceonly.store.redis.key-prefix=newcomer-" + this.run + ":",
				"--spring.autoconfigure.exclude=" + NO_DATABASE };
		try (ConfigurableApplicationContext first = start(redis);
				ConfigurableApplicationContext second = start(redis)) {
			assertThat(output).contains("OnceOnly: local engine on redis store");
			assertPrimitivesWork(first, second);
		}
	}

	@Test
	void readinessFollowsTheStoreOnlyWithTheDocumentedSnippet() throws Exception {
		// the two lines of getting-started's readiness section
		String[] snippet = { "--management.endpoint.health.probes.enabled=true",
				"--management.endpoint.health.group.readiness.include=readinessState,onceonly", ONLY_THE_STARTER };
		try (ConfigurableApplicationContext app = start(FailingStoreConfiguration.class, snippet)) {
			assertThat(get(app, "/actuator/health/readiness").statusCode()).isEqualTo(200);
			app.getBean(FaultyStore.class).on(FaultyStore.Op.GET_LOCK).failBefore();
			assertThat(get(app, "/actuator/health").statusCode()).isEqualTo(503);
			assertThat(get(app, "/actuator/health/readiness").statusCode()).isEqualTo(503);
		}
		// without the snippet (probes alone), the store is in /actuator/health but not in
		// readiness
		try (ConfigurableApplicationContext app = start(FailingStoreConfiguration.class,
				"--management.endpoint.health.probes.enabled=true", ONLY_THE_STARTER)) {
			app.getBean(FaultyStore.class).on(FaultyStore.Op.GET_LOCK).failBefore();
			assertThat(get(app, "/actuator/health").statusCode()).isEqualTo(503);
			assertThat(get(app, "/actuator/health/readiness").statusCode()).isEqualTo(200);
		}
	}

	/**
	 * checkLock and runFn on {@code first}, repeated on {@code second}: each side effect
	 * once.
	 */
	private void assertPrimitivesWork(ConfigurableApplicationContext first, ConfigurableApplicationContext second) {
		Checkout one = first.getBean(Checkout.class);
		Checkout other = second.getBean(Checkout.class);
		String user = "u-" + this.run;
		assertThat(one.sendWelcome(user)).isTrue();
		assertThat(other.sendWelcome(user)).isFalse();
		String order = "o-" + this.run;
		AiResult charged = one.charge(order, 500);
		assertThat(charged.isCompleted()).isTrue();
		assertThat(chargeId(other.charge(order, 500))).isEqualTo(chargeId(charged));
		int made = one.chargesMade() + ((first != second) ? other.chargesMade() : 0);
		assertThat(made).isEqualTo(1);
	}

	private static String chargeId(AiResult result) {
		assertThat(result.result()).as("result of %s", result).isNotNull();
		return String.valueOf(result.result().get("charge_id"));
	}

	private static ConfigurableApplicationContext start(String... args) {
		return start(null, args);
	}

	private static ConfigurableApplicationContext start(@Nullable Class<?> extra, String... args) {
		List<String> all = new ArrayList<>(List.of(args));
		all.add("--server.port=0");
		all.add("--spring.main.banner-mode=off");
		SpringApplicationBuilder builder = (extra != null)
				? new SpringApplicationBuilder(NewcomerApplication.class, extra)
				: new SpringApplicationBuilder(NewcomerApplication.class);
		return builder.run(all.toArray(String[]::new));
	}

	private static HttpResponse<String> get(ConfigurableApplicationContext app, String path) throws Exception {
		return send(app, HttpRequest.newBuilder(uri(app, path)).GET());
	}

	private static HttpResponse<String> post(ConfigurableApplicationContext app, String path) throws Exception {
		return send(app, HttpRequest.newBuilder(uri(app, path)).POST(HttpRequest.BodyPublishers.noBody()));
	}

	private static HttpResponse<String> send(ConfigurableApplicationContext app, HttpRequest.Builder request)
			throws Exception {
		return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	private static URI uri(ConfigurableApplicationContext app, String path) {
		return URI.create("http://127.0.0.1:" + app.getEnvironment().getProperty("local.server.port") + path);
	}

	/**
	 * "An OnceOnlyStore bean of your own replaces the configured store": one that can be
	 * made to fail. Not a {@code @Configuration}, so the other apps' component scan does
	 * not pick it up.
	 */
	static class FailingStoreConfiguration {

		@Bean
		FaultyStore faultyStore() {
			return new FaultyStore(new InMemoryStore());
		}

	}

}
