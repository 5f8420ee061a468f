package tech.onceonly.engine.governance;

import java.util.List;
import java.util.Locale;

import org.jspecify.annotations.Nullable;

import tech.onceonly.Internal;
import tech.onceonly.client.ValidationException;

/**
 * Risk levels: {@code low}, {@code medium}, {@code high}. A tool that declares none is
 * {@code low} when the last segment of its name (after the last {@code .} or {@code :})
 * starts with a read-only verb ({@code get}, {@code list}, {@code search}, {@code read},
 * {@code fetch}, {@code find}, {@code lookup}, {@code query}, {@code describe},
 * {@code view}, {@code show}, {@code count}, {@code check}), else {@code medium}. Nothing
 * is {@code high} unless it says so.
 */
@Internal
public final class RiskLevels {

	/** The levels, lowest first. */
	public static final List<String> LEVELS = List.of("low", "medium", "high");

	private static final List<String> READ_VERBS = List.of("get", "list", "search", "read", "fetch", "find", "lookup",
			"query", "describe", "view", "show", "count", "check");

	private RiskLevels() {
	}

	/** The default risk level of a tool name. */
	public static String defaultFor(String tool) {
		int cut = Math.max(tool.lastIndexOf('.'), tool.lastIndexOf(':'));
		String last = tool.substring(cut + 1).toLowerCase(Locale.ROOT);
		for (String verb : READ_VERBS) {
			if (last.startsWith(verb)) {
				return "low";
			}
		}
		return "medium";
	}

	/**
	 * The declared level normalised, or the default for {@code tool} when none is
	 * declared.
	 */
	public static String resolve(@Nullable String declared, String tool) {
		if (declared == null || declared.isBlank()) {
			return defaultFor(tool);
		}
		return validate(declared);
	}

	/**
	 * The level in lower case, or a {@link ValidationException} naming the allowed
	 * levels.
	 */
	public static String validate(String level) {
		String normalised = level.trim().toLowerCase(Locale.ROOT);
		if (!LEVELS.contains(normalised)) {
			throw new ValidationException("risk_level must be one of " + LEVELS + ", was '" + level + "'");
		}
		return normalised;
	}

}
