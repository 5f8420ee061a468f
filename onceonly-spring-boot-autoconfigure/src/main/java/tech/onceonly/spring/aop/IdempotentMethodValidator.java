package tech.onceonly.spring.aop;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.annotation.AnnotationUtils;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

import tech.onceonly.spring.annotation.Idempotent;
import tech.onceonly.spring.annotation.IdempotentAi;

/**
 * Warns at startup about {@link Idempotent} and {@link IdempotentAi} methods that a proxy
 * cannot intercept, so the annotation would silently do nothing: private, static and
 * final methods, and final classes proxied by subclassing. Self-invocation (a call from
 * inside the same bean) cannot be detected here; see the annotations' documentation.
 */
public final class IdempotentMethodValidator implements BeanPostProcessor {

	private static final Log logger = LogFactory.getLog(IdempotentMethodValidator.class);

	private static final Set<Class<? extends java.lang.annotation.Annotation>> ANNOTATIONS = Set.of(Idempotent.class,
			IdempotentAi.class);

	private final Set<Class<?>> checked = ConcurrentHashMap.newKeySet();

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		Class<?> userClass = ClassUtils.getUserClass(AopUtils.getTargetClass(bean));
		if (AnnotationUtils.isCandidateClass(userClass, ANNOTATIONS) && this.checked.add(userClass)) {
			for (String problem : problems(userClass)) {
				logger.warn("OnceOnly: " + problem + " (bean '" + beanName + "')");
			}
		}
		return bean;
	}

	/** The interception problems of {@code type}'s annotated methods, as messages. */
	static List<String> problems(Class<?> type) {
		List<String> problems = new ArrayList<>();
		boolean classAnnotated = ANNOTATIONS.stream().anyMatch((a) -> AnnotatedElementUtils.hasAnnotation(type, a));
		boolean[] anyAnnotated = { classAnnotated };
		ReflectionUtils.doWithMethods(type, (method) -> {
			boolean direct = ANNOTATIONS.stream().anyMatch((a) -> AnnotatedElementUtils.hasAnnotation(method, a));
			if (!direct) {
				return;
			}
			anyAnnotated[0] = true;
			String reason = reason(method);
			if (reason != null) {
				problems.add(OnceOnlyOperationSource.describe(type, method) + " is " + reason
						+ ", so a proxy cannot intercept it and its idempotency annotation has no effect; make it a "
						+ "public, non-final instance method called through the bean");
			}
		}, (method) -> !method.isSynthetic() && !method.isBridge() && method.getDeclaringClass() != Object.class);
		if (classAnnotated) {
			for (Method method : type.getMethods()) {
				if (method.getDeclaringClass() != Object.class && !method.isSynthetic()
						&& Modifier.isFinal(method.getModifiers()) && !Modifier.isStatic(method.getModifiers())) {
					problems.add(OnceOnlyOperationSource.describe(type, method)
							+ " is final, so a proxy cannot intercept it although its class is annotated");
				}
			}
		}
		if (anyAnnotated[0] && Modifier.isFinal(type.getModifiers()) && type.getInterfaces().length == 0) {
			problems.add(type.getName() + " is final and implements no interface, so it cannot be proxied and its "
					+ "idempotency annotations have no effect");
		}
		return problems;
	}

	private static @Nullable String reason(Method method) {
		int modifiers = method.getModifiers();
		if (Modifier.isPrivate(modifiers)) {
			return "private";
		}
		if (Modifier.isStatic(modifiers)) {
			return "static";
		}
		if (Modifier.isFinal(modifiers)) {
			return "final";
		}
		return null;
	}

}
