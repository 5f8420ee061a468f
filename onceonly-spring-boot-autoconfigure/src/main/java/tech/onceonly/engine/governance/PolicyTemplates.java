package tech.onceonly.engine.governance;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import tech.onceonly.client.ValidationException;

/**
 * The policy templates and their exact values. A template is applied by merging the
 * caller's overrides over it field by field (an override replaces the whole field, lists
 * and maps included).
 * <table>
 * <caption>Templates</caption>
 * <tr>
 * <th>template</th>
 * <th>max_actions_per_hour</th>
 * <th>max_spend_usd_per_day</th>
 * <th>other fields</th>
 * </tr>
 * <tr>
 * <td>strict</td>
 * <td>20</td>
 * <td>5</td>
 * <td>{@code max_calls_per_tool} {@code {"*": 10}}: every tool at most 10 calls per
 * day</td>
 * </tr>
 * <tr>
 * <td>moderate</td>
 * <td>100</td>
 * <td>50</td>
 * <td>—</td>
 * </tr>
 * <tr>
 * <td>permissive</td>
 * <td>1000</td>
 * <td>500</td>
 * <td>—</td>
 * </tr>
 * <tr>
 * <td>read_only</td>
 * <td>200</td>
 * <td>0</td>
 * <td>blocks the usual writing tools (see {@link #READ_ONLY_BLOCKED})</td>
 * </tr>
 * <tr>
 * <td>support_bot</td>
 * <td>300</td>
 * <td>25</td>
 * <td>allows only the support tools, caps emails and tickets</td>
 * </tr>
 * </table>
 */
public final class PolicyTemplates {

	/** The tools the {@code read_only} template blocks. */
	public static final List<String> READ_ONLY_BLOCKED = List.of("send_email", "send_sms", "create_ticket",
			"update_ticket", "delete_user", "delete_record", "refund", "stripe.charge", "stripe.refund", "write_file",
			"delete_file", "execute_sql", "http_post");

	/** The tools the {@code support_bot} template allows. */
	public static final List<String> SUPPORT_BOT_ALLOWED = List.of("search_kb", "get_order", "get_customer",
			"create_ticket", "update_ticket", "send_email");

	private static final Map<String, Map<String, Object>> TEMPLATES = templates();

	private PolicyTemplates() {
	}

	private static Map<String, Map<String, Object>> templates() {
		Map<String, Map<String, Object>> all = new LinkedHashMap<>();
		all.put("strict", template(20, "5", List.of(), List.of(), Map.of("*", 10L)));
		all.put("moderate", template(100, "50", List.of(), List.of(), Map.of()));
		all.put("permissive", template(1000, "500", List.of(), List.of(), Map.of()));
		all.put("read_only", template(200, "0", List.of(), READ_ONLY_BLOCKED, Map.of()));
		all.put("support_bot", template(300, "25", SUPPORT_BOT_ALLOWED, List.of("refund", "delete_user"),
				Map.of("send_email", 50L, "create_ticket", 100L)));
		return Map.copyOf(all);
	}

	private static Map<String, Object> template(long actionsPerHour, String spendPerDay, List<String> allowed,
			List<String> blocked, Map<String, Long> callsPerTool) {
		Map<String, Object> policy = new LinkedHashMap<>();
		policy.put("allowed_tools", allowed);
		policy.put("blocked_tools", blocked);
		policy.put("max_actions_per_hour", actionsPerHour);
		policy.put("max_spend_usd_per_day", new BigDecimal(spendPerDay));
		policy.put("max_calls_per_tool", callsPerTool);
		policy.put("pricing_rules", List.of());
		return Map.copyOf(policy);
	}

	/** The template names. */
	public static List<String> names() {
		return List.of("strict", "moderate", "permissive", "read_only", "support_bot");
	}

	/**
	 * The template's fields with {@code overrides} merged over them.
	 * @throws ValidationException for an unknown template
	 */
	public static Map<String, Object> apply(String template, @Nullable Map<String, ?> overrides) {
		Map<String, Object> base = TEMPLATES.get(template);
		if (base == null) {
			throw new ValidationException("template must be one of " + names() + ", was '" + template + "'");
		}
		Map<String, Object> merged = new LinkedHashMap<>(base);
		if (overrides != null) {
			overrides.forEach((field, value) -> {
				if (!"agent_id".equals(field)) {
					merged.put(field, value);
				}
			});
		}
		return merged;
	}

}
