package tech.onceonly.spring.aop;

import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.context.expression.BeanFactoryResolver;
import org.springframework.context.expression.MethodBasedEvaluationContext;
import org.springframework.core.DefaultParameterNameDiscoverer;
import org.springframework.core.ParameterNameDiscoverer;
import org.springframework.expression.Expression;
import org.springframework.expression.ParseException;
import org.springframework.expression.ParserContext;
import org.springframework.expression.spel.standard.SpelExpressionParser;

/**
 * Evaluates the SpEL templates of {@code @GovernedTool}: each distinct template is parsed
 * once and cached; the evaluation context exposes the method parameters by name and
 * position, and {@code @beans} when a bean factory is set.
 */
final class GovernedToolExpressions {

	private final SpelExpressionParser parser = new SpelExpressionParser();

	private final ParameterNameDiscoverer names = new DefaultParameterNameDiscoverer();

	private final Map<String, Expression> cache = new ConcurrentHashMap<>();

	private @Nullable BeanFactory beanFactory;

	void setBeanFactory(@Nullable BeanFactory beanFactory) {
		this.beanFactory = beanFactory;
	}

	@Nullable Object evaluate(String template, Method method, Object[] args, Object target) {
		Expression expression = this.cache.computeIfAbsent(template, (text) -> {
			try {
				return this.parser.parseExpression(text, ParserContext.TEMPLATE_EXPRESSION);
			}
			catch (ParseException ex) {
				throw new IllegalStateException(
						"@GovernedTool on " + method + " has an invalid expression '" + text + "': " + ex.getMessage(),
						ex);
			}
		});
		MethodBasedEvaluationContext context = new MethodBasedEvaluationContext(new Root(method, args, target), method,
				args, this.names);
		if (this.beanFactory != null) {
			context.setBeanResolver(new BeanFactoryResolver(this.beanFactory));
		}
		try {
			return expression.getValue(context);
		}
		catch (RuntimeException ex) {
			throw new IllegalStateException(
					"@GovernedTool on " + method + " could not evaluate '" + template + "': " + ex.getMessage(), ex);
		}
	}

	/**
	 * The parameter names of {@code method}, or {@code arg0…} when they were not compiled
	 * in.
	 */
	String[] parameterNames(Method method) {
		String[] found = this.names.getParameterNames(method);
		if (found != null) {
			return found;
		}
		String[] fallback = new String[method.getParameterCount()];
		for (int i = 0; i < fallback.length; i++) {
			fallback[i] = "arg" + i;
		}
		return fallback;
	}

	/**
	 * The root object of the evaluation.
	 *
	 * @param method the called method
	 * @param args its arguments
	 * @param target the bean
	 */
	record Root(Method method, Object[] args, Object target) {
	}

}
