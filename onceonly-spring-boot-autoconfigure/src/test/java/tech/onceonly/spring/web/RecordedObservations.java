package tech.onceonly.spring.web;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;

/**
 * An observation registry that records every stopped observation's name and key values,
 * for assertions.
 */
public final class RecordedObservations {

	private final ObservationRegistry registry = ObservationRegistry.create();

	private final List<Observation.Context> stopped = new CopyOnWriteArrayList<>();

	public RecordedObservations() {
		this.registry.observationConfig().observationHandler(new ObservationHandler<>() {

			@Override
			public void onStop(Observation.Context context) {
				RecordedObservations.this.stopped.add(context);
			}

			@Override
			public boolean supportsContext(Observation.Context context) {
				return true;
			}

		});
	}

	/** The registry to hand to the code under test. */
	public ObservationRegistry registry() {
		return this.registry;
	}

	/** The stopped observations, in stop order. */
	public List<Observation.Context> stopped() {
		return this.stopped;
	}

	/**
	 * {@code <key>=<value>} of every low-cardinality key value of each stopped
	 * observation, joined by commas.
	 */
	public List<String> summaries() {
		return this.stopped.stream().map(RecordedObservations::summary).toList();
	}

	private static String summary(Observation.Context context) {
		List<String> keyValues = context.getLowCardinalityKeyValues()
			.stream()
			.map((keyValue) -> keyValue.getKey() + "=" + keyValue.getValue())
			.sorted()
			.toList();
		return context.getName() + "[" + String.join(",", keyValues) + "]";
	}

}
