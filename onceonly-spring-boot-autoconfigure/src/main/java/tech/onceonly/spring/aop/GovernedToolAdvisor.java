package tech.onceonly.spring.aop;

import java.util.Set;

import org.aopalliance.aop.Advice;
import org.springframework.aop.Pointcut;
import org.springframework.aop.support.AbstractPointcutAdvisor;
import org.springframework.core.Ordered;

import tech.onceonly.spring.annotation.GovernedTool;

/**
 * The advisor that applies a {@link GovernedToolInterceptor} to methods annotated with
 * {@link GovernedTool}, or declared in a class annotated with it. Its order defaults to
 * {@link Ordered#LOWEST_PRECEDENCE} minus 10, so it runs outside {@code @Transactional}
 * (whose default order is the lowest precedence): a blocked call never opens a
 * transaction. The pointcut resolves each method through the interceptor, so an invalid
 * attribute fails when the bean is proxied at startup, naming the method.
 */
public class GovernedToolAdvisor extends AbstractPointcutAdvisor {

	private static final long serialVersionUID = 1L;

	/** The default order. */
	public static final int DEFAULT_ORDER = Ordered.LOWEST_PRECEDENCE - 10;

	private final transient GovernedToolInterceptor interceptor;

	private final transient Pointcut pointcut;

	/** An advisor of {@code interceptor} with the default order. */
	public GovernedToolAdvisor(GovernedToolInterceptor interceptor) {
		this.interceptor = interceptor;
		this.pointcut = new AnnotatedMethodPointcut(Set.of(GovernedTool.class), interceptor::isGoverned);
		setOrder(DEFAULT_ORDER);
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
