package tech.onceonly.spring.observation;

import io.micrometer.common.docs.KeyName;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;
import io.micrometer.observation.docs.ObservationDocumentation;

/**
 * The observations OnceOnly records, with their names and low-cardinality keys. Keys,
 * agent ids and tool arguments are never key values.
 */
public enum OnceOnlyObservationDocumentation implements ObservationDocumentation {

	/**
	 * One OnceOnly client operation ({@code check_lock}, {@code run_fn},
	 * {@code run_tool}, …).
	 */
	CLIENT {

		@Override
		public Class<? extends ObservationConvention<? extends Observation.Context>> getDefaultConvention() {
			return DefaultOnceOnlyClientObservationConvention.class;
		}

		@Override
		public KeyName[] getLowCardinalityKeyNames() {
			return ClientLowCardinalityKeyNames.values();
		}

	};

	/** The low-cardinality keys of {@link #CLIENT}. */
	public enum ClientLowCardinalityKeyNames implements KeyName {

		/**
		 * The client operation, e.g. {@code check_lock}, {@code lease}, {@code run_fn},
		 * {@code run_tool}.
		 */
		OPERATION {
			@Override
			public String asString() {
				return "operation";
			}
		},

		/**
		 * What happened: {@code executed}, {@code duplicate}, {@code replayed},
		 * {@code in_progress}, {@code failed}, {@code fail_open}, {@code blocked},
		 * {@code dedup}, {@code success}, {@code error} or {@code cancelled}.
		 */
		OUTCOME {
			@Override
			public String asString() {
				return "outcome";
			}
		},

		/** Which backend served the call: {@code local} or {@code remote}. */
		BACKEND {
			@Override
			public String asString() {
				return "backend";
			}
		},

		/** The simple class name of the exception the call threw, or {@code none}. */
		EXCEPTION {
			@Override
			public String asString() {
				return "exception";
			}
		}

	}

}
