package tech.onceonly.spring.aop;

import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.context.expression.AnnotatedElementKey;
import org.springframework.context.expression.BeanFactoryResolver;
import org.springframework.context.expression.CachedExpressionEvaluator;
import org.springframework.context.expression.MethodBasedEvaluationContext;
import org.springframework.expression.EvaluationContext;
import org.springframework.expression.Expression;

/**
 * Evaluates annotation expressions; each expression is parsed once per method and cached.
 * Expressions come only from annotations, never from request data.
 */
final class OnceOnlyExpressionEvaluator extends CachedExpressionEvaluator {

	private final Map<ExpressionKey, Expression> cache = new ConcurrentHashMap<>(64);

	private final @Nullable BeanFactoryResolver beanResolver;

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
				getParameterNameDiscoverer());
		if (this.beanResolver != null) {
			context.setBeanResolver(this.beanResolver);
		}
		return context;
	}

	@Nullable Object evaluate(String expression, AnnotatedElementKey element, EvaluationContext context) {
		return getExpression(this.cache, element, expression).getValue(context);
	}

}
