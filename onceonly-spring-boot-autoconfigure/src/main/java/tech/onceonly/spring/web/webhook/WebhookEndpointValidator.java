package tech.onceonly.spring.web.webhook;

import java.lang.reflect.Method;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.BeanInitializationException;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.annotation.AnnotationUtils;
import org.springframework.core.annotation.MergedAnnotations;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

import tech.onceonly.spring.annotation.IdempotentWebhook;

/**
 * Resolves every {@link IdempotentWebhook} handler method of each bean at startup, so a
 * key expression with a syntax error or an unknown {@code #variable}, or a
 * {@code GENERIC} provider without a header or key, fails the startup with a message
 * naming the handler, instead of answering the first delivery with an error. On an
 * annotated controller class, its request-mapped methods are checked.
 */
public final class WebhookEndpointValidator implements BeanPostProcessor {

	private static final String REQUEST_MAPPING = "org.springframework.web.bind.annotation.RequestMapping";

	private final WebhookEndpoints endpoints = new WebhookEndpoints();

	private final Set<Class<?>> checked = ConcurrentHashMap.newKeySet();

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		Class<?> userClass = ClassUtils.getUserClass(AopUtils.getTargetClass(bean));
		if (AnnotationUtils.isCandidateClass(userClass, IdempotentWebhook.class) && this.checked.add(userClass)) {
			try {
				check(userClass);
			}
			catch (IllegalStateException ex) {
				this.checked.remove(userClass);
				throw new BeanInitializationException(ex.getMessage() + " (bean '" + beanName + "')", ex);
			}
		}
		return bean;
	}

	/**
	 * Resolves the annotated handler methods of {@code type}.
	 * @throws IllegalStateException for the first misconfigured one
	 */
	void check(Class<?> type) {
		boolean classAnnotated = AnnotatedElementUtils.hasAnnotation(type, IdempotentWebhook.class);
		ReflectionUtils.doWithMethods(type, (method) -> {
			if (AnnotatedElementUtils.hasAnnotation(method, IdempotentWebhook.class)
					|| (classAnnotated && isHandler(method))) {
				this.endpoints.find(method, type);
			}
		}, (method) -> !method.isSynthetic() && !method.isBridge() && method.getDeclaringClass() != Object.class);
	}

	private static boolean isHandler(Method method) {
		return MergedAnnotations.from(method).isPresent(REQUEST_MAPPING);
	}

}
