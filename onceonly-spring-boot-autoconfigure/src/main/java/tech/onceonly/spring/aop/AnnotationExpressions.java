package tech.onceonly.spring.aop;

import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.context.expression.BeanFactoryResolver;
import org.springframework.context.expression.MethodBasedEvaluationContext;
import org.springframework.core.DefaultParameterNameDiscoverer;
import org.springframework.core.ParameterNameDiscoverer;
import org.springframework.expression.EvaluationContext;
import org.springframework.expression.Expression;
import org.springframework.expression.ParseException;
import org.springframework.expression.ParserContext;
import org.springframework.expression.TypeLocator;
import org.springframework.expression.common.CompositeStringExpression;
import org.springframework.expression.spel.SpelEvaluationException;
import org.springframework.expression.spel.SpelMessage;
import org.springframework.expression.spel.SpelNode;
import org.springframework.expression.spel.ast.FunctionReference;
import org.springframework.expression.spel.ast.VariableReference;
import org.springframework.expression.spel.standard.SpelExpression;
import org.springframework.expression.spel.standard.SpelExpressionParser;

/**
 * The one SpEL dialect of the OnceOnly annotations ({@code @Idempotent},
 * {@code @IdempotentAi}/{@code @RunOnce}, {@code @GovernedTool},
 * {@code @IdempotentWebhook}); see {@code docs/annotations.md}.
 * <ul>
 * <li><b>Syntax, by attribute kind.</b> Expression attributes ({@code key},
 * {@code metadata}) are plain SpEL: {@code "#order.id"}. Value attributes
 * ({@code @GovernedTool}'s {@code agent}, {@code tool}, {@code spend}, {@code runId}) are
 * text that may embed an expression as {@code #{…}}, as in {@code @Value}. Each form
 * written where the other is expected fails at startup with the rewritten attribute in
 * the message.</li>
 * <li><b>Parsed once</b>, when the annotated method is resolved at startup; the parsed
 * expression is kept with the resolved method (per method and target class), so a call
 * only evaluates.</li>
 * <li><b>Checked at startup</b>: a syntax error, or a {@code #name} that is not a
 * variable of the annotation, fails with a message naming the method, the attribute and
 * the fix.</li>
 * <li><b>Same restrictions</b>: no type references ({@code T(…)}) and no constructor
 * calls ({@code new …}); method annotations may call beans as {@code @beanName}.</li>
 * </ul>
 * Internal to the OnceOnly starter: used by its interceptors, not an API.
 */
public final class AnnotationExpressions {

	/** How an attribute's text is read. */
	public enum Syntax {

		/** The whole attribute is a SpEL expression ({@code "#order.id"}). */
		PLAIN,

		/** The attribute is text; {@code #{…}} parts are expressions. */
		TEMPLATE

	}

	private static final SpelExpressionParser PARSER = new SpelExpressionParser();

	private static final String TYPE_REFERENCES = "type references (T(...)) are not allowed in OnceOnly annotation "
			+ "expressions; pass the value as a method argument or call a bean as @beanName";

	private static final TypeLocator NO_TYPES = (typeName) -> {
		throw new SpelEvaluationException(SpelMessage.TYPE_NOT_FOUND, typeName + ": " + TYPE_REFERENCES);
	};

	private final @Nullable BeanFactoryResolver beanResolver;

	private final ParameterNameDiscoverer parameterNames = new CachingParameterNameDiscoverer(
			new DefaultParameterNameDiscoverer());

	/**
	 * The expressions of method annotations.
	 * @param beanFactory resolves {@code @beanName} references, or {@code null} for none
	 */
	public AnnotationExpressions(@Nullable BeanFactory beanFactory) {
		this.beanResolver = (beanFactory != null) ? new BeanFactoryResolver(beanFactory) : null;
	}

	/**
	 * Parses the attribute of an annotated method and checks its variables against the
	 * method's parameters.
	 * @param text the attribute's text (placeholders resolved)
	 * @param syntax how the attribute is read
	 * @param annotation the annotation's name with {@code @}, for messages
	 * @param attribute the attribute's name, for messages
	 * @param method the annotated method (most specific)
	 * @param description the method as {@code Class.method(Types)}, for messages
	 * @return the parsed expression
	 * @throws IllegalStateException naming the method, the attribute, the problem and the
	 * fix
	 */
	public Expression parseForMethod(String text, Syntax syntax, String annotation, String attribute, Method method,
			String description) {
		String[] names = this.parameterNames.getParameterNames(method);
		Set<String> variables = new LinkedHashSet<>();
		if (names != null) {
			variables.addAll(List.of(names));
		}
		for (int i = 0; i < method.getParameterCount(); i++) {
			variables.add("p" + i);
			variables.add("a" + i);
		}
		String hint = (names != null)
				? "the parameters of the method by name (" + String.join(", ", names)
						+ ") or position (#p0, #a0), and #root"
				: "#p0/#a0 by position and #root (parameter names are not "
						+ "compiled in: build with -parameters to use #name)";
		return parse(text, syntax, annotation, attribute, description, variables, hint);
	}

	/**
	 * Parses an attribute and checks that every {@code #name} in it is one of
	 * {@code variables} ({@code #root} and {@code #this} are always allowed).
	 * @param text the attribute's text
	 * @param syntax how the attribute is read
	 * @param annotation the annotation's name with {@code @}, for messages
	 * @param attribute the attribute's name, for messages
	 * @param description where the annotation is, for messages
	 * @param variables the allowed variable names, without {@code #}
	 * @param hint what the variables are, for messages
	 * @return the parsed expression
	 * @throws IllegalStateException naming the place, the attribute, the problem and the
	 * fix
	 */
	public static Expression parse(String text, Syntax syntax, String annotation, String attribute, String description,
			Collection<String> variables, String hint) {
		String prefix = annotation + "(" + attribute + " = \"" + text + "\") on " + description;
		String trimmed = text.trim();
		if (syntax == Syntax.PLAIN && trimmed.startsWith("#{") && trimmed.endsWith("}")) {
			throw new IllegalStateException(
					prefix + " is written as a template; " + attribute + " is a plain SpEL expression: write "
							+ attribute + " = \"" + trimmed.substring(2, trimmed.length() - 1).trim() + "\"");
		}
		if (syntax == Syntax.TEMPLATE && trimmed.startsWith("#") && !trimmed.startsWith("#{")) {
			throw new IllegalStateException(prefix + " reads as an expression, but " + attribute
					+ " is text with #{...} parts: write " + attribute + " = \"#{" + trimmed + "}\"");
		}
		Expression expression;
		try {
			expression = (syntax == Syntax.PLAIN) ? PARSER.parseExpression(text)
					: PARSER.parseExpression(text, ParserContext.TEMPLATE_EXPRESSION);
		}
		catch (ParseException | IllegalStateException ex) {
			throw new IllegalStateException(prefix + " is not valid SpEL: " + ex.getMessage()
					+ ((syntax == Syntax.PLAIN)
							? "; quote text as 'text' and join parts with +, e.g. \"'order:' + #id\""
							: "; write text as it is and expressions as #{...}, e.g. \"order-#{#id}\""),
					ex);
		}
		List<String> unknown = new ArrayList<>();
		for (SpelNode root : roots(expression)) {
			collectUnknown(root, variables, unknown);
		}
		if (!unknown.isEmpty()) {
			throw new IllegalStateException(prefix + " uses " + String.join(", ", new TreeSet<>(unknown)) + ", which "
					+ ((unknown.size() == 1) ? "is" : "are") + " not defined here; available: " + hint);
		}
		return expression;
	}

	/**
	 * A context for evaluating a method annotation's expression on one call: the
	 * parameters by name and position, {@code #root} (method, methodName, args, target,
	 * targetClass), {@code @beanName} references, no type references and no constructors.
	 */
	public EvaluationContext methodContext(Method method, Object[] args, Object target, Class<?> targetClass) {
		IdempotentExpressionRoot root = new IdempotentExpressionRoot(method, args, target, targetClass);
		MethodBasedEvaluationContext context = new MethodBasedEvaluationContext(root, method, args,
				this.parameterNames);
		context.setTypeLocator(NO_TYPES);
		context.setConstructorResolvers(List.of());
		if (this.beanResolver != null) {
			context.setBeanResolver(this.beanResolver);
		}
		return context;
	}

	/**
	 * The parameter names of {@code method}, or {@code arg0…} when they were not compiled
	 * in.
	 */
	public String[] parameterNames(Method method) {
		String[] found = this.parameterNames.getParameterNames(method);
		if (found != null) {
			return found;
		}
		String[] fallback = new String[method.getParameterCount()];
		for (int i = 0; i < fallback.length; i++) {
			fallback[i] = "arg" + i;
		}
		return fallback;
	}

	private static List<SpelNode> roots(Expression expression) {
		List<SpelNode> roots = new ArrayList<>();
		if (expression instanceof SpelExpression spel) {
			roots.add(spel.getAST());
		}
		else if (expression instanceof CompositeStringExpression composite) {
			for (Expression part : composite.getExpressions()) {
				roots.addAll(roots(part));
			}
		}
		return roots;
	}

	private static void collectUnknown(SpelNode node, Collection<String> variables, List<String> unknown) {
		String name = null;
		if (node instanceof VariableReference) {
			name = node.toStringAST().substring(1);
		}
		else if (node instanceof FunctionReference) {
			String ast = node.toStringAST();
			int paren = ast.indexOf('(');
			name = ast.substring(1, (paren > 0) ? paren : ast.length());
		}
		if (name != null && !"root".equals(name) && !"this".equals(name) && !variables.contains(name)) {
			unknown.add("#" + name);
		}
		for (int i = 0; i < node.getChildCount(); i++) {
			collectUnknown(node.getChild(i), variables, unknown);
		}
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
