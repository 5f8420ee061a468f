package tech.onceonly.engine.governance;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import tech.onceonly.client.ApiException;
import tech.onceonly.client.ValidationException;
import tech.onceonly.signing.ToolSignatures;
import tech.onceonly.store.GovernanceStore;
import tech.onceonly.store.ToolRecord;

/**
 * The tools registry: validation of registrations and the answers of {@code /tools}.
 * Secrets are kept in the store for signing and never answered: an answer carries
 * {@code has_secret}, {@code secret_id} (the first 12 hex digits of the secret's SHA-256,
 * to tell secrets apart) and {@code secret_mask} ({@code ****} plus the last two
 * characters).
 */
final class RegisteredTools {

	static final String GLOBAL = "global";

	private static final int MAX_DESCRIPTION = 512;

	private final GovernanceStore store;

	RegisteredTools(GovernanceStore store) {
		this.store = store;
	}

	Map<String, Object> create(Map<String, ?> tool) {
		String name = name(tool.get("name"));
		String scopeId = scope(tool.containsKey("scope_id") ? tool.get("scope_id") : GLOBAL);
		String url = url(tool.get("url"));
		if (!(tool.get("auth") instanceof Map<?, ?> auth)) {
			throw new ValidationException(
					"auth is required: {\"type\": \"hmac_sha256\", \"secret\": <at least 8 characters>}");
		}
		if (!(auth.get("type") instanceof String type) || !ToolSignatures.ALGORITHM.equalsIgnoreCase(type.trim())) {
			throw new ValidationException("auth.type must be \"hmac_sha256\"");
		}
		if (!(auth.get("secret") instanceof String secret) || secret.length() < 8) {
			throw new ValidationException("auth.secret must be a string of at least 8 characters");
		}
		int timeoutMs = integer(tool.get("timeout_ms"), "timeout_ms", 15000, 250, 120000);
		int maxRetries = integer(tool.get("max_retries"), "max_retries", 2, 0, 10);
		Object enabled = tool.get("enabled");
		if (enabled != null && !(enabled instanceof Boolean)) {
			throw new ValidationException("enabled must be true or false");
		}
		Object description = tool.get("description");
		if (description != null && (!(description instanceof String text) || text.length() > MAX_DESCRIPTION)) {
			throw new ValidationException("description must be a string of at most " + MAX_DESCRIPTION + " characters");
		}
		Object risk = tool.get("risk_level");
		if (risk != null && !(risk instanceof String)) {
			throw new ValidationException("risk_level must be one of " + RiskLevels.LEVELS);
		}
		String riskLevel = (risk != null) ? RiskLevels.validate((String) risk) : null;
		java.time.Instant now = this.store.now();
		ToolRecord record = this.store.putTool(new ToolRecord(scopeId, name, url, ToolSignatures.ALGORITHM, secret,
				timeoutMs, maxRetries, !Boolean.FALSE.equals(enabled), (String) description, riskLevel, now, now));
		return view(record);
	}

	List<Map<String, Object>> list(@Nullable String scopeId) {
		return this.store.listTools(scope(scopeId)).stream().map(RegisteredTools::view).toList();
	}

	Map<String, Object> get(String name, @Nullable String scopeId) {
		return view(require(name, scopeId));
	}

	Map<String, Object> toggle(String name, boolean enabled, @Nullable String scopeId) {
		ToolRecord record = this.store.setToolEnabled(scope(scopeId), name(name), enabled);
		if (record == null) {
			throw notFound(name, scope(scopeId));
		}
		return view(record);
	}

	Map<String, Object> delete(String name, @Nullable String scopeId) {
		if (!this.store.deleteTool(scope(scopeId), name(name))) {
			throw notFound(name, scope(scopeId));
		}
		Map<String, Object> answer = new LinkedHashMap<>();
		answer.put("ok", true);
		answer.put("deleted", name);
		answer.put("scope_id", scope(scopeId));
		return answer;
	}

	/** The tool an agent's call reaches: its own scope first, then the global one. */
	@Nullable ToolRecord resolve(String agentId, String name) {
		ToolRecord own = this.store.getTool("agent:" + agentId, name);
		return (own != null) ? own : this.store.getTool(GLOBAL, name);
	}

	private ToolRecord require(String name, @Nullable String scopeId) {
		ToolRecord record = this.store.getTool(scope(scopeId), name(name));
		if (record == null) {
			throw notFound(name, scope(scopeId));
		}
		return record;
	}

	static ApiException notFound(String name, String scopeId) {
		Map<String, Object> detail = new LinkedHashMap<>();
		detail.put("error", "tool_not_found");
		detail.put("message", "no tool '" + name + "' in scope '" + scopeId + "'");
		return new ApiException("tool_not_found", 404, detail);
	}

	static Map<String, Object> view(ToolRecord tool) {
		Map<String, Object> view = new LinkedHashMap<>();
		view.put("name", tool.name());
		view.put("scope_id", tool.scopeId());
		view.put("url", tool.url());
		view.put("auth_type", tool.authType());
		view.put("timeout_ms", tool.timeoutMs());
		view.put("max_retries", tool.maxRetries());
		view.put("enabled", tool.enabled());
		view.put("description", tool.description());
		view.put("risk_level", RiskLevels.resolve(tool.riskLevel(), tool.name()));
		view.put("has_secret", !tool.secret().isEmpty());
		view.put("secret_id", ToolSignatures.sha256(tool.secret().getBytes(StandardCharsets.UTF_8)).substring(0, 12));
		view.put("secret_mask", "****" + tool.secret().substring(Math.max(0, tool.secret().length() - 2)));
		view.put("created_at", tool.createdAt().toString());
		view.put("updated_at", tool.updatedAt().toString());
		return view;
	}

	private static String name(@Nullable Object value) {
		if (!(value instanceof String name) || name.isEmpty()) {
			throw new ValidationException("name is required and must match " + LocalTools.NAME.pattern());
		}
		if (name.length() > 256 || !LocalTools.NAME.matcher(name).matches()) {
			throw new ValidationException("name must match " + LocalTools.NAME.pattern()
					+ " (letters, digits, _ . : -) and be at most 256 characters, was '" + name + "'");
		}
		return name;
	}

	static String scope(@Nullable Object value) {
		if (value == null) {
			return GLOBAL;
		}
		if (value instanceof String scope && (scope.equals(GLOBAL)
				|| (scope.startsWith("agent:") && scope.length() > "agent:".length() && scope.length() <= 262))) {
			return scope;
		}
		throw new ValidationException("scope_id must be \"global\" or \"agent:<agent_id>\", was '" + value + "'");
	}

	private static String url(@Nullable Object value) {
		if (!(value instanceof String url) || url.isBlank()) {
			throw new ValidationException("url is required: the http(s) endpoint OnceOnly calls");
		}
		try {
			URI uri = new URI(url);
			String scheme = (uri.getScheme() != null) ? uri.getScheme().toLowerCase(Locale.ROOT) : "";
			if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
				throw new ValidationException("url must be an absolute http or https URL, was '" + url + "'");
			}
		}
		catch (URISyntaxException ex) {
			throw new ValidationException("url is not a valid URL: '" + url + "'");
		}
		return url;
	}

	private static int integer(@Nullable Object value, String field, int whenMissing, int min, int max) {
		if (value == null) {
			return whenMissing;
		}
		if (!(value instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue()) || n.doubleValue() < min
				|| n.doubleValue() > max) {
			throw new ValidationException(
					field + " must be a whole number from " + min + " to " + max + ", was " + value);
		}
		return n.intValue();
	}

}
