package tech.onceonly.spring.aop;

import java.lang.reflect.Method;
import java.util.Set;
import java.util.function.Supplier;

import org.aopalliance.aop.Advice;
import org.jspecify.annotations.Nullable;
import org.springframework.aop.ClassFilter;
import org.springframework.aop.Pointcut;
import org.springframework.aop.support.AbstractPointcutAdvisor;
import org.springframework.aop.support.StaticMethodMatcherPointcut;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.config.ConfigurableBeanFactory;
import org.springframework.core.annotation.AnnotationUtils;
import tools.jackson.databind.json.JsonMapper;

import tech.onceonly.client.OnceOnly;
import tech.onceonly.spring.annotation.Idempotent;
import tech.onceonly.spring.annotation.IdempotentAi;

/**
 * The advisor that applies {@link OnceOnlyMethodInterceptor} to methods annotated with
 * {@link Idempotent} or {@link IdempotentAi} (directly or through their class). Its
 * {@link #getOrder() order} decides whether it runs outside or inside other advisors on
 * the same bean, such as {@code @Transactional}.
 */
public final class OnceOnlyAnnotationAdvisor extends AbstractPointcutAdvisor {

	private static final long serialVersionUID = 1L;

	private static final Set<Class<? extends java.lang.annotation.Annotation>> ANNOTATIONS = Set.of(Idempotent.class,
			IdempotentAi.class);

	private final transient OnceOnlyOperationSource operations;

	private final transient OnceOnlyMethodInterceptor interceptor;

	private final transient Pointcut pointcut;

	/**
	 * An advisor.
	 * @param client the client, resolved at the first intercepted call
	 * @param json the mapper for results and key digests, resolved at the first
	 * intercepted call
	 * @param beanFactory resolves {@code ${…}} placeholders and {@code @bean} references,
	 * or {@code null}
	 */
	public OnceOnlyAnnotationAdvisor(Supplier<OnceOnly> client, Supplier<JsonMapper> json,
			@Nullable BeanFactory beanFactory) {
		this.operations = new OnceOnlyOperationSource((beanFactory instanceof ConfigurableBeanFactory configurable)
				? configurable::resolveEmbeddedValue : null);
		this.interceptor = new OnceOnlyMethodInterceptor(client, json, this.operations, beanFactory);
		this.pointcut = new AnnotatedMethodPointcut(this.operations);
	}

	@Override
	public Pointcut getPointcut() {
		return this.pointcut;
	}

	@Override
	public Advice getAdvice() {
		return this.interceptor;
	}

	private static final class AnnotatedMethodPointcut extends StaticMethodMatcherPointcut {

		private final OnceOnlyOperationSource operations;

		AnnotatedMethodPointcut(OnceOnlyOperationSource operations) {
			this.operations = operations;
			setClassFilter(new ClassFilter() {
				@Override
				public boolean matches(Class<?> clazz) {
					return AnnotationUtils.isCandidateClass(clazz, ANNOTATIONS);
				}
			});
		}

		@Override
		public boolean matches(Method method, Class<?> targetClass) {
			return this.operations.isAnnotated(method, targetClass);
		}

	}

}
