package tech.onceonly.client;

import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * Notification settings to change ({@code POST /me/notifications}); only the fields given
 * are sent.
 *
 * @param emailNotificationsEnabled email notifications
 * @param toolErrorNotificationsEnabled notifications about tool errors
 * @param runFailureNotificationsEnabled notifications about failed runs
 */
public record NotificationPreferences(@Nullable Boolean emailNotificationsEnabled,
		@Nullable Boolean toolErrorNotificationsEnabled, @Nullable Boolean runFailureNotificationsEnabled) {

	/**
	 * The wire body with only the given fields.
	 * @return the body
	 * @throws IllegalArgumentException when no field is given
	 */
	public Map<String, Object> toWire() {
		Map<String, Object> body = new LinkedHashMap<>();
		if (this.emailNotificationsEnabled != null) {
			body.put("email_notifications_enabled", this.emailNotificationsEnabled);
		}
		if (this.toolErrorNotificationsEnabled != null) {
			body.put("tool_error_notifications_enabled", this.toolErrorNotificationsEnabled);
		}
		if (this.runFailureNotificationsEnabled != null) {
			body.put("run_failure_notifications_enabled", this.runFailureNotificationsEnabled);
		}
		if (body.isEmpty()) {
			throw new IllegalArgumentException("updateNotifications requires at least one preference field");
		}
		return body;
	}

}
