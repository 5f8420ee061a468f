package tech.onceonly.spring.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.validation.BindValidationException;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.origin.Origin;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.FieldError;
import org.springframework.validation.ObjectError;

/**
 * Reports a bad {@code onceonly.*} value at startup: the property as it is written in
 * configuration ({@code onceonly.local.default-lock-ttl}), the value given, where it came
 * from, and what is allowed. It covers values OnceOnly's validation refuses and values
 * that cannot be converted at all (a duration, size, number, boolean or enum that does
 * not parse). It runs before Spring Boot's general binding analyzers and leaves every
 * other property to them. Values of secret properties are never shown.
 */
@Order(Ordered.HIGHEST_PRECEDENCE)
public final class OnceOnlyPropertiesFailureAnalyzer extends AbstractFailureAnalyzer<BindException> {

	private static final String PREFIX = "onceonly";

	private static final String ACTION = "Update the property in your configuration (application.properties or "
			+ "application.yml, a command-line argument or an environment variable) to an allowed value. Every "
			+ "onceonly.* property and its default are listed in docs/configuration.md.";

	@Override
	protected @Nullable FailureAnalysis analyze(Throwable rootFailure, BindException cause) {
		if (!isOnceOnly(cause.getName())) {
			return null;
		}
		BindValidationException validation = findCause(cause, BindValidationException.class);
		if (validation != null) {
			List<String> problems = validationProblems(validation);
			if (problems.isEmpty()) {
				return null;
			}
			return new FailureAnalysis(describe(problems), ACTION, cause);
		}
		ConfigurationProperty property = cause.getProperty();
		String name = (property != null) ? property.getName().toString() : cause.getName().toString();
		Class<?> type = cause.getTarget().getType().resolve(Object.class);
		String problem = problem(name, (property != null) ? property.getValue() : null,
				(property != null) ? property.getOrigin() : null, "must be " + expected(type));
		return new FailureAnalysis(describe(List.of(problem)), ACTION, cause);
	}

	private static boolean isOnceOnly(ConfigurationPropertyName name) {
		return name.toString().equals(PREFIX) || name.toString().startsWith(PREFIX + ".");
	}

	private static List<String> validationProblems(BindValidationException validation) {
		List<String> problems = new ArrayList<>();
		ConfigurationPropertyName root = validation.getValidationErrors().getName();
		for (ObjectError error : validation.getValidationErrors().getAllErrors()) {
			if (!(error instanceof FieldError fieldError)
					|| !OnceOnlyPropertiesValidator.CODE.equals(error.getCode())) {
				continue;
			}
			String name = root + "." + dashed(fieldError.getField());
			ConfigurationProperty bound = validation.getValidationErrors()
				.getBoundProperties()
				.stream()
				.filter((candidate) -> candidate.getName().toString().equals(name))
				.findFirst()
				.orElse(null);
			Object value = (bound != null) ? bound.getValue() : fieldError.getRejectedValue();
			Origin origin = (bound != null) ? bound.getOrigin() : Origin.from(fieldError);
			problems.add(problem(name, value, origin, String.valueOf(fieldError.getDefaultMessage())));
		}
		return problems;
	}

	private static String describe(List<String> problems) {
		String intro = (problems.size() == 1) ? "An onceonly.* property has an invalid value:"
				: problems.size() + " onceonly.* properties have invalid values:";
		return intro + "\n" + String.join("\n", problems);
	}

	private static String problem(String name, @Nullable Object value, @Nullable Origin origin, String reason) {
		StringBuilder text = new StringBuilder();
		text.append("\n    Property: ").append(name);
		text.append("\n    Value:    ").append(shown(name, value));
		if (origin != null) {
			text.append("\n    Origin:   ").append(origin);
		}
		text.append("\n    Reason:   ").append(name).append(' ').append(reason);
		return text.toString();
	}

	private static String shown(String name, @Nullable Object value) {
		if (value == null) {
			return "(not set)";
		}
		String last = name.substring(name.lastIndexOf('.') + 1);
		if (last.contains("secret") || last.contains("password") || last.equals("api-key") || last.contains("token")) {
			return "******";
		}
		return "\"" + value + "\"";
	}

	private static String expected(Class<?> type) {
		if (Duration.class.equals(type)) {
			return "a duration such as 500ms, 30s, 5m, 1h or 7d (or ISO-8601 such as PT5M)";
		}
		if (DataSize.class.equals(type)) {
			return "a size such as 512B, 64KB, 1MB or 10MB";
		}
		if (type.isEnum()) {
			return "one of " + Arrays.stream(type.getEnumConstants())
				.map((constant) -> ((Enum<?>) constant).name().toLowerCase(Locale.ROOT).replace('_', '-'))
				.collect(Collectors.joining(", "));
		}
		if (Boolean.class.equals(type) || boolean.class.equals(type)) {
			return "true or false";
		}
		if (type == int.class || type == long.class || type == Integer.class || type == Long.class) {
			return "a whole number";
		}
		if (Number.class.isAssignableFrom(type) || type == double.class) {
			return "a number";
		}
		return "a value of type " + type.getSimpleName();
	}

	/**
	 * {@code local.defaultLockTtl} as written in configuration:
	 * {@code local.default-lock-ttl}.
	 */
	static String dashed(String field) {
		return Arrays.stream(field.split("\\."))
			.map((part) -> part.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT))
			.collect(Collectors.joining("."));
	}

}
