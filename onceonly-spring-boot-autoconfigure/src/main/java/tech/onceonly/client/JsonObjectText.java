package tech.onceonly.client;

import java.util.AbstractMap;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import tech.onceonly.Internal;

/**
 * A JSON object that is already JSON text, seen as an unmodifiable map whose entries are
 * built on first use only. A backend that keeps results as text (the local engine) stores
 * {@link #json()} as it is and hands stored results back in this form, so a reader that
 * understands the text (a stored HTTP response being replayed) never builds the map, and
 * a writer that made the text itself never turns it into a map and back. Every other
 * reader sees an ordinary map. Thread-safe.
 */
@Internal
public final class JsonObjectText extends AbstractMap<String, Object> {

	private final String json;

	private volatile @Nullable Supplier<? extends Map<String, Object>> entries;

	private volatile @Nullable Map<String, Object> built;

	private JsonObjectText(String json, Supplier<? extends Map<String, Object>> entries) {
		this.json = json;
		this.entries = entries;
	}

	/**
	 * A JSON object given as its text and a way to build its entries.
	 * @param json the text of one JSON object
	 * @param entries builds the same object as a map, called at most once and only when
	 * the map is read
	 * @return the object
	 */
	public static JsonObjectText of(String json, Supplier<? extends Map<String, Object>> entries) {
		return new JsonObjectText(Objects.requireNonNull(json, "json"), Objects.requireNonNull(entries, "entries"));
	}

	/** The JSON text of the object. */
	public String json() {
		return this.json;
	}

	private Map<String, Object> built() {
		Map<String, Object> map = this.built;
		if (map == null) {
			synchronized (this) {
				map = this.built;
				if (map == null) {
					Supplier<? extends Map<String, Object>> source = Objects.requireNonNull(this.entries, "entries");
					map = Collections.unmodifiableMap(source.get());
					this.built = map;
					this.entries = null;
				}
			}
		}
		return map;
	}

	@Override
	public Set<Entry<String, Object>> entrySet() {
		return built().entrySet();
	}

	@Override
	public @Nullable Object get(@Nullable Object key) {
		return built().get(key);
	}

	@Override
	public boolean containsKey(@Nullable Object key) {
		return built().containsKey(key);
	}

	@Override
	public int size() {
		return built().size();
	}

}
