package tech.onceonly.spring.autoconfigure.health;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration of the {@code onceonly} health indicator under {@code onceonly.health.*}.
 */
@ConfigurationProperties("onceonly.health")
public class OnceOnlyHealthProperties {

	/**
	 * Longest a health check may take (the remote "me" call or the local store round
	 * trip) before it reports DOWN.
	 */
	private Duration timeout = Duration.ofSeconds(2);

	public Duration getTimeout() {
		return this.timeout;
	}

	public void setTimeout(Duration timeout) {
		this.timeout = timeout;
	}

}
