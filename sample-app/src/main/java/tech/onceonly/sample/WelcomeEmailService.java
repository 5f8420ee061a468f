package tech.onceonly.sample;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.stereotype.Service;

import tech.onceonly.spring.annotation.Idempotent;
import tech.onceonly.spring.annotation.OnDuplicate;

/**
 * Sends the welcome email at most once per user within 30 days, however often sign-up
 * events are redelivered.
 */
@Service
public class WelcomeEmailService {

	private final Map<String, Integer> sent = new ConcurrentHashMap<>();

	/**
	 * Sends the welcome email; a duplicate within the dedup window sends nothing and
	 * returns an empty {@code Optional}.
	 * @return the id of the sent message, or empty for a duplicate
	 */
	@Idempotent(keyPrefix = "welcome-email", key = "#userId", dedupWindow = "${sample.welcome-email.ttl:30d}",
			onDuplicate = OnDuplicate.RETURN_NULL)
	public Optional<String> sendWelcome(String userId, String email) {
		int count = this.sent.merge(userId, 1, Integer::sum);
		return Optional.of("msg_" + userId + "_" + count);
	}

	/** How many welcome emails were really sent to {@code userId}. */
	public int sentTo(String userId) {
		return this.sent.getOrDefault(userId, 0);
	}

}
