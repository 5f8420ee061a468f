package tech.onceonly.spring.observation;

import io.micrometer.common.KeyValues;

import tech.onceonly.spring.observation.OnceOnlyObservationDocumentation.ClientLowCardinalityKeyNames;

/**
 * The default convention of the {@code onceonly.client} observation: the name
 * {@code onceonly.client} and the low-cardinality key values operation, outcome, backend
 * and exception.
 */
public class DefaultOnceOnlyClientObservationConvention implements OnceOnlyClientObservationConvention {

	/** The observation name. */
	public static final String NAME = "onceonly.client";

	/** A shared instance. */
	public static final DefaultOnceOnlyClientObservationConvention INSTANCE = new DefaultOnceOnlyClientObservationConvention();

	@Override
	public String getName() {
		return NAME;
	}

	@Override
	public String getContextualName(OnceOnlyClientContext context) {
		return "onceonly " + context.getOperation();
	}

	@Override
	public KeyValues getLowCardinalityKeyValues(OnceOnlyClientContext context) {
		return KeyValues.of(ClientLowCardinalityKeyNames.OPERATION.withValue(context.getOperation()),
				ClientLowCardinalityKeyNames.OUTCOME.withValue(context.getOutcome()),
				ClientLowCardinalityKeyNames.BACKEND.withValue(context.getBackend()),
				ClientLowCardinalityKeyNames.EXCEPTION.withValue(Outcomes.exceptionName(context.getError())));
	}

}
