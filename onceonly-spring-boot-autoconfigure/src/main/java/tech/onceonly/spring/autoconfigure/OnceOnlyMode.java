package tech.onceonly.spring.autoconfigure;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.util.StringUtils;

import tech.onceonly.spring.autoconfigure.OnceOnlyProperties.Mode;

/**
 * Resolves {@code onceonly.mode}: {@code auto} is remote when an api-key is set and local
 * otherwise.
 */
final class OnceOnlyMode {

	private OnceOnlyMode() {
	}

	/** Whether the client talks to the remote API. */
	static boolean isRemote(Mode mode, @Nullable String apiKey) {
		return switch (mode) {
			case REMOTE -> true;
			case LOCAL -> false;
			case AUTO -> StringUtils.hasText(apiKey);
		};
	}

	/**
	 * Whether the bound environment resolves to remote mode (relaxed binding, so
	 * ONCEONLY_API_KEY counts).
	 */
	static boolean isRemote(Binder binder) {
		Mode mode = binder.bind("onceonly.mode", Mode.class).orElse(Mode.AUTO);
		String apiKey = binder.bind("onceonly.api-key", String.class).orElse(null);
		return isRemote(mode, apiKey);
	}

	/** Matches when the resolved mode is local. */
	static final class OnLocalMode extends SpringBootCondition {

		@Override
		public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
			boolean remote = isRemote(Binder.get(context.getEnvironment()));
			return remote ? ConditionOutcome.noMatch("OnceOnly mode resolved to remote")
					: ConditionOutcome.match("OnceOnly mode resolved to local");
		}

	}

	/** Matches when the resolved mode is remote. */
	static final class OnRemoteMode extends SpringBootCondition {

		@Override
		public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
			boolean remote = isRemote(Binder.get(context.getEnvironment()));
			return remote ? ConditionOutcome.match("OnceOnly mode resolved to remote")
					: ConditionOutcome.noMatch("OnceOnly mode resolved to local");
		}

	}

}
