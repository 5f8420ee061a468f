package tech.onceonly.spring.observation;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * A convention for the {@code onceonly.client} observation; declare a bean of it to
 * change names or key values.
 */
public interface OnceOnlyClientObservationConvention extends ObservationConvention<OnceOnlyClientContext> {

	@Override
	default boolean supportsContext(Observation.Context context) {
		return context instanceof OnceOnlyClientContext;
	}

}
