package tech.onceonly.spring.aop;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.Set;
import java.util.function.BiPredicate;

import org.springframework.aop.support.StaticMethodMatcherPointcut;
import org.springframework.core.annotation.AnnotationUtils;

/**
 * The pointcut of the OnceOnly annotation advisors: a class that may carry one of the
 * annotations is a candidate, and a method matches when its resolver finds (and checks)
 * the annotation for that method and target class. Resolving in the pointcut is what
 * makes a misconfigured annotation fail when its bean is proxied at startup.
 */
final class AnnotatedMethodPointcut extends StaticMethodMatcherPointcut {

	private final BiPredicate<Method, Class<?>> resolves;

	AnnotatedMethodPointcut(Set<Class<? extends Annotation>> annotations, BiPredicate<Method, Class<?>> resolves) {
		this.resolves = resolves;
		setClassFilter((type) -> AnnotationUtils.isCandidateClass(type, annotations));
	}

	@Override
	public boolean matches(Method method, Class<?> targetClass) {
		return this.resolves.test(method, targetClass);
	}

}
