package tech.onceonly.sample;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.stereotype.Service;

import tech.onceonly.spring.annotation.Idempotent;

/**
 * Sends the welcome email at most once per user within 30 days, however often sign-up
 * events are redelivered.
 */
@Service
public class WelcomeEmailService {

	private final Map<String, Integer> sent = new ConcurrentHashMap<>();

	/**
	 * Sends the welcome email; a duplicate within the ttl sends nothing and returns
	 * {@code null}.
	 * @return the id of the sent message, or {@code null} for a duplicate
	 */
	@Idempotent(keyPrefix = "welcome-email", key = "#userId", ttl = "${sample.welcome-email.ttl:30d}")
	public String sendWelcome(String userId, String email) {
		int count = this.sent.merge(userId, 1, Integer::sum);
		return "msg_" + userId + "_" + count;
	}

	/** How many welcome emails were really sent to {@code userId}. */
	public int sentTo(String userId) {
		return this.sent.getOrDefault(userId, 0);
	}

}
