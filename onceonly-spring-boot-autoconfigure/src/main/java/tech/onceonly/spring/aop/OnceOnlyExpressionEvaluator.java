package tech.onceonly.spring.aop;

import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import java.lang.reflect.Constructor;

import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.context.expression.AnnotatedElementKey;
import org.springframework.context.expression.BeanFactoryResolver;
import org.springframework.context.expression.CachedExpressionEvaluator;
import org.springframework.context.expression.MethodBasedEvaluationContext;
import org.springframework.core.ParameterNameDiscoverer;
import org.springframework.expression.EvaluationContext;
import org.springframework.expression.Expression;

/**
 * Evaluates annotation expressions; each expression is parsed once per method and cached.
 * Expressions come only from annotations, never from request data.
 */
final class OnceOnlyExpressionEvaluator extends CachedExpressionEvaluator {

	private final Map<ExpressionKey, Expression> cache = new ConcurrentHashMap<>(64);

	private final @Nullable BeanFactoryResolver beanResolver;

	private final ParameterNameDiscoverer parameterNames = new CachingParameterNameDiscoverer(
			getParameterNameDiscoverer());

	OnceOnlyExpressionEvaluator(@Nullable BeanFactory beanFactory) {
		this.beanResolver = (beanFactory != null) ? new BeanFactoryResolver(beanFactory) : null;
	}

	/**
	 * A context with the parameters by name and position, {@code #root}, and
	 * {@code @bean} references.
	 */
	EvaluationContext createContext(Method method, Object[] args, Object target, Class<?> targetClass) {
		IdempotentExpressionRoot root = new IdempotentExpressionRoot(method, args, target, targetClass);
		MethodBasedEvaluationContext context = new MethodBasedEvaluationContext(root, method, args,
				this.parameterNames);
		if (this.beanResolver != null) {
			context.setBeanResolver(this.beanResolver);
		}
		return context;
	}

	@Nullable Object evaluate(String expression, AnnotatedElementKey element, EvaluationContext context) {
		return getExpression(this.cache, element, expression).getValue(context);
	}

	/**
	 * Parameter names discovered once per method: the default discoverer reflects on
	 * every call, which was a measurable part of an annotated call's cost (see
	 * docs/benchmarks.md).
	 */
	private static final class CachingParameterNameDiscoverer implements ParameterNameDiscoverer {

		private static final String[] NONE = new String[0];

		private final ParameterNameDiscoverer delegate;

		private final Map<Method, String[]> names = new ConcurrentHashMap<>(64);

		CachingParameterNameDiscoverer(ParameterNameDiscoverer delegate) {
			this.delegate = delegate;
		}

		@Override
		public String @Nullable [] getParameterNames(Method method) {
			String[] found = this.names.computeIfAbsent(method, (m) -> {
				String[] discovered = this.delegate.getParameterNames(m);
				return (discovered != null) ? discovered : NONE;
			});
			return (found == NONE) ? null : found;
		}

		@Override
		public String @Nullable [] getParameterNames(Constructor<?> constructor) {
			return this.delegate.getParameterNames(constructor);
		}

	}

}
