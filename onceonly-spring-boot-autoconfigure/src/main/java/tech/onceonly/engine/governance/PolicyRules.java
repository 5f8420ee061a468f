package tech.onceonly.engine.governance;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import tech.onceonly.Internal;
import tech.onceonly.client.ValidationException;

/**
 * A validated policy: the flat wire fields {@code allowed_tools}, {@code blocked_tools},
 * {@code max_actions_per_hour}, {@code max_spend_usd_per_day}, {@code max_calls_per_tool}
 * and {@code pricing_rules}; other fields are dropped and {@code null} means unset. Money
 * is held in micro-dollars.
 *
 * @param allowedTools when non-empty, only these tools may run
 * @param blockedTools these tools never run
 * @param maxActionsPerHour actions per UTC calendar hour
 * @param maxSpendMicrosPerDay spend per UTC calendar day in micro-dollars
 * @param maxCallsPerTool per-tool calls per UTC calendar day
 * @param pricingRules per-tool prices in micro-dollars, in rule order ({@code *} matches
 * any tool)
 */
@Internal
public record PolicyRules(List<String> allowedTools, List<String> blockedTools, @Nullable Long maxActionsPerHour,
		@Nullable Long maxSpendMicrosPerDay, Map<String, Long> maxCallsPerTool, List<PriceRule> pricingRules) {

	/** The policy fields, in wire order. */
	public static final List<String> FIELDS = List.of("allowed_tools", "blocked_tools", "max_actions_per_hour",
			"max_spend_usd_per_day", "max_calls_per_tool", "pricing_rules");

	public PolicyRules {
		allowedTools = List.copyOf(allowedTools);
		blockedTools = List.copyOf(blockedTools);
		maxCallsPerTool = Map.copyOf(maxCallsPerTool);
		pricingRules = List.copyOf(pricingRules);
	}

	/** The policy of an agent that has none: everything allowed, no limits. */
	public static PolicyRules none() {
		return new PolicyRules(List.of(), List.of(), null, null, Map.of(), List.of());
	}

	/**
	 * Validates flat wire fields.
	 * @throws ValidationException naming the field and what it must be
	 */
	public static PolicyRules parse(Map<String, ?> policy) {
		return new PolicyRules(names(policy, "allowed_tools"), names(policy, "blocked_tools"),
				count(policy.get("max_actions_per_hour"), "max_actions_per_hour"),
				money(policy.get("max_spend_usd_per_day"), "max_spend_usd_per_day"), callsPerTool(policy),
				pricing(policy));
	}

	/** The wire fields of this policy (unset fields left out). */
	public Map<String, Object> toWire() {
		Map<String, Object> wire = new LinkedHashMap<>();
		wire.put("allowed_tools", this.allowedTools);
		wire.put("blocked_tools", this.blockedTools);
		if (this.maxActionsPerHour != null) {
			wire.put("max_actions_per_hour", this.maxActionsPerHour);
		}
		if (this.maxSpendMicrosPerDay != null) {
			wire.put("max_spend_usd_per_day", Money.toUsd(this.maxSpendMicrosPerDay));
		}
		wire.put("max_calls_per_tool", new java.util.TreeMap<>(this.maxCallsPerTool));
		List<Map<String, Object>> rules = new ArrayList<>();
		for (PriceRule rule : this.pricingRules) {
			Map<String, Object> row = new LinkedHashMap<>();
			row.put("tool", rule.tool());
			row.put("price_usd", Money.toUsd(rule.priceMicros()));
			rules.add(row);
		}
		wire.put("pricing_rules", rules);
		return wire;
	}

	/**
	 * The price of one call to {@code tool} from the first matching rule ({@code *}
	 * matches any), else null.
	 */
	public @Nullable Long priceMicros(String tool) {
		Long wildcard = null;
		for (PriceRule rule : this.pricingRules) {
			if (rule.tool().equals(tool)) {
				return rule.priceMicros();
			}
			if (wildcard == null && rule.tool().equals("*")) {
				wildcard = rule.priceMicros();
			}
		}
		return wildcard;
	}

	private static List<String> names(Map<String, ?> policy, String field) {
		Object value = policy.get(field);
		if (value == null) {
			return List.of();
		}
		if (!(value instanceof List<?> list)) {
			throw new ValidationException(field + " must be a list of tool names");
		}
		Set<String> names = new java.util.LinkedHashSet<>();
		for (Object item : list) {
			if (!(item instanceof String s) || s.isBlank()) {
				throw new ValidationException(field + " must contain only non-empty tool names, found " + item);
			}
			names.add(s);
		}
		return List.copyOf(names);
	}

	private static @Nullable Long count(@Nullable Object value, String field) {
		if (value == null) {
			return null;
		}
		BigDecimal number = number(value, field);
		try {
			long count = number.longValueExact();
			if (count < 0) {
				throw new ValidationException(field + " must not be negative, was " + count);
			}
			return count;
		}
		catch (ArithmeticException ex) {
			throw new ValidationException(field + " must be a whole number, was " + number.toPlainString());
		}
	}

	private static @Nullable Long money(@Nullable Object value, String field) {
		return (value != null) ? Money.toMicros(number(value, field), field) : null;
	}

	private static BigDecimal number(Object value, String field) {
		if (value instanceof BigDecimal d) {
			return d;
		}
		if (value instanceof Number n && !(value instanceof Double d && (d.isNaN() || d.isInfinite()))) {
			return new BigDecimal(n.toString());
		}
		throw new ValidationException(field + " must be a number, was " + value);
	}

	private static Map<String, Long> callsPerTool(Map<String, ?> policy) {
		Object value = policy.get("max_calls_per_tool");
		if (value == null) {
			return Map.of();
		}
		if (!(value instanceof Map<?, ?> map)) {
			throw new ValidationException("max_calls_per_tool must be an object of tool name to daily call limit");
		}
		Map<String, Long> out = new LinkedHashMap<>();
		map.forEach((tool, limit) -> {
			String field = "max_calls_per_tool." + tool;
			Long parsed = count(limit, field);
			if (parsed == null) {
				throw new ValidationException(field + " must be a whole number");
			}
			out.put(String.valueOf(tool), parsed);
		});
		return out;
	}

	private static List<PriceRule> pricing(Map<String, ?> policy) {
		Object value = policy.get("pricing_rules");
		if (value == null) {
			return List.of();
		}
		if (!(value instanceof List<?> list)) {
			throw new ValidationException("pricing_rules must be a list of {\"tool\", \"price_usd\"} objects");
		}
		List<PriceRule> rules = new ArrayList<>();
		for (int i = 0; i < list.size(); i++) {
			if (!(list.get(i) instanceof Map<?, ?> rule) || !(rule.get("tool") instanceof String tool) || tool.isBlank()
					|| rule.get("price_usd") == null) {
				throw new ValidationException(
						"pricing_rules[" + i + "] must be {\"tool\": <name>, \"price_usd\": <number>}");
			}
			String field = "pricing_rules[" + i + "].price_usd";
			rules.add(new PriceRule(tool, Money.toMicros(number(rule.get("price_usd"), field), field)));
		}
		return rules;
	}

	/**
	 * The price of one call to a tool.
	 *
	 * @param tool the tool name, or {@code *} for any tool
	 * @param priceMicros the price in micro-dollars
	 */
	public record PriceRule(String tool, long priceMicros) {
	}

}
