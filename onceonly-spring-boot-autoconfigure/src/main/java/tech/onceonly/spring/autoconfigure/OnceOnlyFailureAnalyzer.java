package tech.onceonly.spring.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Reports an {@link OnceOnlyConfigurationException} at startup with what is wrong and
 * what to set.
 */
public final class OnceOnlyFailureAnalyzer extends AbstractFailureAnalyzer<OnceOnlyConfigurationException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, OnceOnlyConfigurationException cause) {
		return new FailureAnalysis(cause.getMessage(), cause.getAction(), cause);
	}

}
