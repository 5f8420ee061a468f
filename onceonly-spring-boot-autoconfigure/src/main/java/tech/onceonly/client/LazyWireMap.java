package tech.onceonly.client;

import java.util.AbstractMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

/**
 * The {@code raw()} of a record made by an engine rather than parsed from a wire: the
 * JSON object is built on first use only (by {@link LeaseAnswers}), so the in-process
 * path pays nothing for the wire format it does not need. Unmodifiable; thread-safe.
 */
final class LazyWireMap extends AbstractMap<String, Object> {

	private volatile @Nullable Supplier<Map<String, Object>> builder;

	private volatile @Nullable Map<String, Object> built;

	private LazyWireMap() {
	}

	/**
	 * A record made by {@code make} whose raw map is {@code wire} of that record, built
	 * on first use.
	 * @param make makes the record with the given raw map
	 * @param wire builds the JSON object of the record
	 * @return the record
	 */
	static <R> R bind(Function<Map<String, Object>, R> make, Function<R, Map<String, Object>> wire) {
		LazyWireMap raw = new LazyWireMap();
		R record = make.apply(raw);
		raw.builder = () -> wire.apply(record);
		return record;
	}

	private Map<String, Object> built() {
		Map<String, Object> map = this.built;
		if (map == null) {
			Supplier<Map<String, Object>> source = Objects.requireNonNull(this.builder, "builder");
			map = WireMaps.raw(source.get());
			this.built = map;
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
