package tech.onceonly.spring.aop;

import java.util.Set;
import java.util.function.Supplier;

import org.aopalliance.aop.Advice;
import org.jspecify.annotations.Nullable;
import org.springframework.aop.Pointcut;
import org.springframework.aop.support.AbstractPointcutAdvisor;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.config.ConfigurableBeanFactory;
import tools.jackson.databind.json.JsonMapper;

import tech.onceonly.client.OnceOnly;
import tech.onceonly.spring.annotation.Idempotent;
import tech.onceonly.spring.annotation.IdempotentAi;
import tech.onceonly.spring.annotation.RunOnce;

/**
 * The advisor that applies {@link OnceOnlyMethodInterceptor} to methods annotated with
 * {@link Idempotent}, {@link IdempotentAi} or {@link RunOnce} (directly or through their
 * class). Its {@link #getOrder() order} decides whether it runs outside or inside other
 * advisors on the same bean, such as {@code @Transactional}.
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
		AnnotationExpressions expressions = new AnnotationExpressions(beanFactory);
		this.operations = new OnceOnlyOperationSource((beanFactory instanceof ConfigurableBeanFactory configurable)
				? configurable::resolveEmbeddedValue : null, expressions);
		this.interceptor = new OnceOnlyMethodInterceptor(client, json, this.operations, expressions);
		this.pointcut = new AnnotatedMethodPointcut(ANNOTATIONS, this.operations::isAnnotated);
	}

	/**
	 * The source that resolves the annotated methods (its resolved windows and lease
	 * times).
	 */
	OnceOnlyOperationSource getOperationSource() {
		return this.operations;
	}

	@Override
	public Pointcut getPointcut() {
		return this.pointcut;
	}

	@Override
	public Advice getAdvice() {
		return this.interceptor;
	}

}
