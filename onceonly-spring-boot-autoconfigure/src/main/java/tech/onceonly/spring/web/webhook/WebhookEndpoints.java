package tech.onceonly.spring.web.webhook;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;
import org.springframework.core.MethodClassKey;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.expression.Expression;
import org.springframework.util.StringUtils;

import tech.onceonly.spring.annotation.IdempotentWebhook;
import tech.onceonly.spring.annotation.WebhookProvider;
import tech.onceonly.spring.aop.AnnotationExpressions;

/**
 * Finds the {@link IdempotentWebhook} of handler methods (on the method, else on its
 * class) and resolves it once per method and controller class: the annotation is read and
 * its key expression parsed (plain SpEL over {@code #headers}, {@code #pathVariables},
 * {@code #params} and {@code #body}, in the annotations' one dialect) on first use, then
 * served from a cache. {@link WebhookEndpointValidator} resolves every annotated handler
 * at startup, so a misconfiguration fails the startup instead of the first delivery.
 */
public final class WebhookEndpoints {

	private static final Optional<WebhookEndpoint> NONE = Optional.empty();

	/** The variables of a key expression. */
	static final List<String> VARIABLES = List.of("headers", "pathVariables", "params", "body");

	private final Map<MethodClassKey, Optional<WebhookEndpoint>> cache = new ConcurrentHashMap<>();

	/**
	 * The endpoint settings of a handler method.
	 * @param method the handler method
	 * @param beanType the controller class
	 * @return the settings, or {@code null} when the method is not annotated
	 * @throws IllegalStateException when the annotation is misconfigured (names the
	 * method and the problem)
	 */
	public @Nullable WebhookEndpoint find(Method method, Class<?> beanType) {
		MethodClassKey cacheKey = new MethodClassKey(method, beanType);
		Optional<WebhookEndpoint> found = this.cache.get(cacheKey);
		if (found == null) {
			found = resolve(method, beanType);
			this.cache.put(cacheKey, found);
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
			key = AnnotationExpressions.parse(annotation.key(), AnnotationExpressions.Syntax.PLAIN,
					"@IdempotentWebhook", "key", where, VARIABLES,
					"#headers, #pathVariables, #params and #body (the request, not the method's parameters)");
		}
		if (key == null && header == null && provider.bodyField() == null) {
			throw new IllegalStateException("@IdempotentWebhook on " + where + " has provider GENERIC but neither a "
					+ "header nor a key expression, so no delivery id can be found; set header = \"X-Event-Id\" "
					+ "(the header carrying the id), key = \"#body.id\" (an expression over the request), or a "
					+ "provider preset such as provider = WebhookProvider.STRIPE");
		}
		String scope = StringUtils.hasText(annotation.scope()) ? annotation.scope().trim()
				: (provider != WebhookProvider.GENERIC) ? provider.scope() : null;
		Duration leaseTtl = (annotation.leaseTtlSeconds() > 0) ? Duration.ofSeconds(annotation.leaseTtlSeconds())
				: null;
		return Optional.of(new WebhookEndpoint(provider, header, key, annotation.key(), scope, leaseTtl, method));
	}

}
