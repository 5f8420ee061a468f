package tech.onceonly.spring.web.webhook;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.expression.Expression;
import org.springframework.expression.ParseException;
import org.springframework.expression.spel.standard.SpelExpressionParser;
import org.springframework.util.StringUtils;

import tech.onceonly.spring.annotation.IdempotentWebhook;
import tech.onceonly.spring.annotation.WebhookProvider;

/**
 * Finds the {@link IdempotentWebhook} of handler methods (on the method, else on its
 * class) and resolves it once per method: the annotation is read and its key expression
 * parsed on first use, then served from a cache.
 */
public final class WebhookEndpoints {

	private static final Optional<WebhookEndpoint> NONE = Optional.empty();

	private final SpelExpressionParser parser = new SpelExpressionParser();

	private final Map<Method, Optional<WebhookEndpoint>> cache = new ConcurrentHashMap<>();

	/**
	 * The endpoint settings of a handler method.
	 * @param method the handler method
	 * @param beanType the controller class
	 * @return the settings, or {@code null} when the method is not annotated
	 * @throws IllegalStateException when the annotation is misconfigured (names the
	 * method and the problem)
	 */
	public @Nullable WebhookEndpoint find(Method method, Class<?> beanType) {
		Optional<WebhookEndpoint> found = this.cache.get(method);
		if (found == null) {
			found = this.cache.computeIfAbsent(method, (m) -> resolve(m, beanType));
		}
		return found.orElse(null);
	}

	private Optional<WebhookEndpoint> resolve(Method method, Class<?> beanType) {
		IdempotentWebhook annotation = AnnotatedElementUtils.findMergedAnnotation(method, IdempotentWebhook.class);
		if (annotation == null) {
			annotation = AnnotatedElementUtils.findMergedAnnotation(beanType, IdempotentWebhook.class);
		}
		if (annotation == null) {
			return NONE;
		}
		String where = beanType.getSimpleName() + "#" + method.getName();
		WebhookProvider provider = annotation.provider();
		String header = StringUtils.hasText(annotation.header()) ? annotation.header().trim() : provider.header();
		Expression key = null;
		if (StringUtils.hasText(annotation.key())) {
			try {
				key = this.parser.parseExpression(annotation.key());
			}
			catch (ParseException ex) {
				throw new IllegalStateException("@IdempotentWebhook on " + where + " has an invalid key expression '"
						+ annotation.key() + "': " + ex.getMessage(), ex);
			}
		}
		if (key == null && header == null && provider.bodyField() == null) {
			throw new IllegalStateException("@IdempotentWebhook on " + where + " has provider GENERIC but neither a "
					+ "header nor a key expression; set header = \"...\" or key = \"...\"");
		}
		String scope = StringUtils.hasText(annotation.scope()) ? annotation.scope().trim()
				: (provider != WebhookProvider.GENERIC) ? provider.scope() : null;
		Duration leaseTtl = (annotation.leaseTtlSeconds() > 0) ? Duration.ofSeconds(annotation.leaseTtlSeconds())
				: null;
		return Optional.of(new WebhookEndpoint(provider, header, key, annotation.key(), scope, leaseTtl, method));
	}

}
