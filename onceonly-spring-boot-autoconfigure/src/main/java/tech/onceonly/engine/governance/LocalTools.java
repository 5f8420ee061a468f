package tech.onceonly.engine.governance;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * The named local Java tools the governed pipeline can execute, each with its risk level.
 * Thread-safe; a name registered again replaces the earlier tool. Local tools take
 * precedence over registered HTTP tools of the same name.
 */
public final class LocalTools {

	static final Pattern NAME = Pattern.compile("^[a-zA-Z0-9_.:-]+$");

	private final Map<String, Entry> tools = new ConcurrentHashMap<>();

	/**
	 * Registers {@code handler} as {@code name} with the default risk level for its name.
	 */
	public LocalTools register(String name, ToolHandler handler) {
		return register(name, null, handler);
	}

	/**
	 * Registers {@code handler} as {@code name}.
	 * @param riskLevel {@code low}, {@code medium} or {@code high}; {@code null} for the
	 * default
	 * @return this registry
	 */
	public LocalTools register(String name, @Nullable String riskLevel, ToolHandler handler) {
		if (name == null || !NAME.matcher(name).matches()) {
			throw new IllegalArgumentException("tool name must match " + NAME.pattern() + ", was '" + name + "'");
		}
		this.tools.put(name, new Entry(RiskLevels.resolve(riskLevel, name), Objects.requireNonNull(handler)));
		return this;
	}

	/** Removes the tool; true when it was registered. */
	public boolean remove(String name) {
		return this.tools.remove(name) != null;
	}

	/** The tool, or {@code null}. */
	public @Nullable Entry get(String name) {
		return this.tools.get(name);
	}

	/**
	 * A registered local tool.
	 *
	 * @param riskLevel its risk level
	 * @param handler what executes it
	 */
	public record Entry(String riskLevel, ToolHandler handler) {
	}

}
