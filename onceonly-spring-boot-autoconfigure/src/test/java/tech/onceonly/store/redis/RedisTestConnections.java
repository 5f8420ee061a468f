package tech.onceonly.store.redis;

import java.net.URI;
import java.time.Duration;

import io.lettuce.core.ClientOptions;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import tech.onceonly.store.TestServices;

/** Connections to the test Redis that fail fast while it is down. */
final class RedisTestConnections {

	private RedisTestConnections() {
	}

	/** A started connection factory on {@code ONCEONLY_TEST_REDIS_URL}. */
	static LettuceConnectionFactory create() {
		URI uri = URI.create(TestServices.redisUrl());
		LettuceClientConfiguration client = LettuceClientConfiguration.builder()
			.commandTimeout(Duration.ofSeconds(2))
			.clientOptions(ClientOptions.builder()
				.disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
				.build())
			.build();
		LettuceConnectionFactory factory = new LettuceConnectionFactory(
				new RedisStandaloneConfiguration(uri.getHost(), uri.getPort()), client);
		factory.afterPropertiesSet();
		factory.start();
		return factory;
	}

}
