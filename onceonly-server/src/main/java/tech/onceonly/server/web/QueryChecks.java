package tech.onceonly.server.web;

import java.util.List;

/** Range and choice checks of query parameters, failing with the API's 422 shape. */
final class QueryChecks {

	private QueryChecks() {
	}

	static void range(String name, int value, int min, int max) {
		if (value < min || value > max) {
			throw new RequestValidationException(List
				.of(ErrorBodies.item((value < min) ? "greater_than_equal" : "less_than_equal", List.of("query", name),
						"Input should be "
								+ ((value < min) ? "greater than or equal to " + min : "less than or equal to " + max),
						String.valueOf(value))));
		}
	}

	static void oneOf(String name, String value, List<String> allowed) {
		if (!allowed.contains(value)) {
			throw new RequestValidationException(List.of(ErrorBodies.item("literal_error", List.of("query", name),
					"Input should be " + String.join(", ", allowed.stream().map((a) -> "'" + a + "'").toList()),
					value)));
		}
	}

}
