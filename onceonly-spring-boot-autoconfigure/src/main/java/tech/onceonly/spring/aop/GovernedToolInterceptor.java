package tech.onceonly.spring.aop;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.lang.reflect.UndeclaredThrowableException;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.core.MethodClassKey;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.expression.Expression;
import org.springframework.util.ClassUtils;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.json.JsonMapper;

import tech.onceonly.ai.AgentToolCall;
import tech.onceonly.ai.AgentToolGovernor;
import tech.onceonly.ai.AgentToolOutcome;
import tech.onceonly.client.ResultObjects;
import tech.onceonly.client.ToolBlockedException;
import tech.onceonly.spring.annotation.GovernedTool;
import tech.onceonly.spring.aop.AnnotationExpressions.Syntax;

/**
 * Runs {@link GovernedTool @GovernedTool} methods through the backend's
 * {@link AgentToolGovernor} (the local engine's pipeline, or the OnceOnly API / a
 * self-hosted server): the method is the tool, executed only when governance executes the
 * call. See {@link GovernedTool} for the outcomes. Blocking return types only (a
 * {@code CompletionStage} or {@code Mono} would be governed when created, not when it
 * completes).
 */
public class GovernedToolInterceptor implements MethodInterceptor {

	private final Supplier<AgentToolGovernor> governorSupplier;

	private volatile @Nullable AgentToolGovernor governor;

	private final Supplier<JsonMapper> jsonSupplier;

	private volatile @Nullable JsonMapper json;

	private static final Set<String> RISK_LEVELS = Set.of("low", "medium", "high");

	private volatile AnnotationExpressions expressions = new AnnotationExpressions(null);

	private final Map<MethodClassKey, Optional<Resolved>> resolved = new ConcurrentHashMap<>();

	/**
	 * An interceptor.
	 * @param governor the governor of the backend (local engine or remote client)
	 * @param json the mapper that converts arguments and replayed results
	 */
	public GovernedToolInterceptor(AgentToolGovernor governor, JsonMapper json) {
		this(() -> governor, () -> json);
	}

	/**
	 * An interceptor that resolves its collaborators at the first governed call, so
	 * creating it early (as auto-proxy creators do) initializes nothing else.
	 * @param governor supplies the governor of the backend (asked once, at the first
	 * governed call)
	 * @param json supplies the mapper that converts arguments and replayed results
	 */
	public GovernedToolInterceptor(Supplier<AgentToolGovernor> governor, Supplier<JsonMapper> json) {
		this.governorSupplier = governor;
		this.jsonSupplier = json;
	}

	private AgentToolGovernor governor() {
		AgentToolGovernor resolved = this.governor;
		if (resolved == null) {
			resolved = this.governorSupplier.get();
			this.governor = resolved;
		}
		return resolved;
	}

	private JsonMapper json() {
		JsonMapper mapper = this.json;
		if (mapper == null) {
			mapper = this.jsonSupplier.get();
			this.json = mapper;
		}
		return mapper;
	}

	/** Lets expressions reference beans ({@code @name}). */
	public void setBeanFactory(@Nullable BeanFactory beanFactory) {
		this.expressions = new AnnotationExpressions(beanFactory);
	}

	/**
	 * Whether {@code method} invoked on {@code targetClass} is governed (annotated
	 * directly or through its class). Resolves and checks the annotation on first use,
	 * which is when the bean is proxied at startup.
	 * @throws IllegalStateException when an attribute is invalid (names the method, the
	 * attribute and the fix)
	 */
	public boolean isGoverned(Method method, @Nullable Class<?> targetClass) {
		return find(method, targetClass) != null;
	}

	@Override
	public @Nullable Object invoke(MethodInvocation invocation) throws Throwable {
		Object target = invocation.getThis();
		Resolved spec = find(invocation.getMethod(), (target != null) ? AopUtils.getTargetClass(target) : null);
		if (spec == null) {
			return invocation.proceed();
		}
		Method method = spec.method();
		Object[] args = invocation.getArguments();
		Object root = (target != null) ? target : invocation.getMethod().getDeclaringClass();
		String agent = text(spec.agent(), method, args, root);
		if (agent == null || agent.isBlank()) {
			throw new IllegalStateException("@GovernedTool on " + method + ": agent '" + spec.annotation.agent()
					+ "' evaluated to an empty value");
		}
		String tool = (spec.tool() == null) ? method.getName() : text(spec.tool(), method, args, root);
		if (tool == null || tool.isBlank()) {
			throw new IllegalStateException("@GovernedTool on " + method + ": tool '" + spec.annotation.tool()
					+ "' evaluated to an empty value");
		}
		BigDecimal spend = spend(spec.spend(), method, args, root);
		String runId = (spec.runId() == null) ? null : text(spec.runId(), method, args, root);
		String risk = spec.annotation.riskLevel().isEmpty() ? null : spec.annotation.riskLevel();
		Map<String, Object> toolArgs = new LinkedHashMap<>();
		for (int i = 0; i < args.length; i++) {
			toolArgs.put(spec.parameterNames[i], json().convertValue(args[i], Object.class));
		}
		AtomicBoolean ran = new AtomicBoolean();
		AgentToolOutcome outcome;
		try {
			outcome = governor().govern(new AgentToolCall(agent, tool, toolArgs,
					(runId != null && !runId.isBlank()) ? runId : null, spend, risk), () -> {
						ran.set(true);
						return proceed(invocation);
					});
		}
		catch (UndeclaredThrowableException ex) {
			throw unwrap(ex);
		}
		if (outcome.blocked()) {
			throw new ToolBlockedException(agent, tool, outcome.decision(), outcome.policyReason());
		}
		if (outcome.executed() && ran.get()) {
			return outcome.value();
		}
		if (!outcome.answered()) {
			throw new ToolBlockedException(agent, tool, outcome.decision(), outcome.policyReason());
		}
		return replay(outcome.result(), method);
	}

	private static @Nullable Object proceed(MethodInvocation invocation) throws Exception {
		try {
			return invocation.proceed();
		}
		catch (Exception | Error ex) {
			throw ex;
		}
		catch (Throwable ex) {
			throw new UndeclaredThrowableException(ex);
		}
	}

	private static Throwable unwrap(Throwable error) {
		return (error instanceof UndeclaredThrowableException undeclared && undeclared.getCause() != null)
				? undeclared.getCause() : error;
	}

	private @Nullable Object replay(@Nullable Map<String, Object> stored, Method method) {
		Type returnType = method.getGenericReturnType();
		if (stored == null || returnType == void.class || returnType == Void.class) {
			return null;
		}
		JsonMapper mapper = json();
		JavaType type = mapper.getTypeFactory().constructType(returnType);
		if (!type.isMapLikeType() && stored.size() == 1 && stored.containsKey(ResultObjects.VALUE_FIELD)) {
			return mapper.convertValue(stored.get(ResultObjects.VALUE_FIELD), type);
		}
		return mapper.convertValue(stored, type);
	}

	private @Nullable String text(Expression template, Method method, Object[] args, Object root) {
		Object value = evaluate(template, method, args, root);
		return (value != null) ? value.toString() : null;
	}

	private @Nullable Object evaluate(Expression template, Method method, Object[] args, Object root) {
		try {
			return template.getValue(this.expressions.methodContext(method, args, root,
					(root instanceof Class<?> type) ? type : ClassUtils.getUserClass(root)));
		}
		catch (RuntimeException ex) {
			throw new IllegalStateException("@GovernedTool on " + method + " could not evaluate '"
					+ template.getExpressionString() + "': " + ex.getMessage(), ex);
		}
	}

	private @Nullable BigDecimal spend(@Nullable Expression template, Method method, Object[] args, Object root) {
		if (template == null) {
			return null;
		}
		Object value = evaluate(template, method, args, root);
		if (value == null || (value instanceof String s && s.isBlank())) {
			return null;
		}
		if (value instanceof BigDecimal decimal) {
			return decimal;
		}
		try {
			return new BigDecimal(value.toString().trim());
		}
		catch (NumberFormatException ex) {
			throw new IllegalStateException("@GovernedTool on " + method + ": spend '" + template.getExpressionString()
					+ "' is not a number: " + value);
		}
	}

	private @Nullable Resolved find(Method method, @Nullable Class<?> targetClass) {
		if (method.getDeclaringClass() == Object.class) {
			return null;
		}
		MethodClassKey key = new MethodClassKey(method, targetClass);
		Optional<Resolved> found = this.resolved.get(key);
		if (found == null) {
			found = Optional.ofNullable(resolve(method, targetClass));
			this.resolved.put(key, found);
		}
		return found.orElse(null);
	}

	private @Nullable Resolved resolve(Method method, @Nullable Class<?> targetClass) {
		Class<?> userClass = (targetClass != null) ? ClassUtils.getUserClass(targetClass) : method.getDeclaringClass();
		Method specific = AopUtils.getMostSpecificMethod(method, userClass);
		GovernedTool annotation = AnnotatedElementUtils.findMergedAnnotation(specific, GovernedTool.class);
		if (annotation == null && specific != method) {
			annotation = AnnotatedElementUtils.findMergedAnnotation(method, GovernedTool.class);
		}
		if (annotation == null && Modifier.isPublic(specific.getModifiers())) {
			annotation = AnnotatedElementUtils.findMergedAnnotation(userClass, GovernedTool.class);
			if (annotation == null) {
				annotation = AnnotatedElementUtils.findMergedAnnotation(specific.getDeclaringClass(),
						GovernedTool.class);
			}
		}
		if (annotation == null) {
			return null;
		}
		String description = OnceOnlyOperationSource.describe(userClass, specific);
		AnnotationExpressions dialect = this.expressions;
		if (annotation.agent().isBlank()) {
			throw new IllegalStateException("@GovernedTool on " + description
					+ " has an empty agent; name the agent, e.g. agent = \"billing-agent\" or agent = \"#{#request.agent}\"");
		}
		Expression agent = dialect.parseForMethod(annotation.agent(), Syntax.TEMPLATE, "@GovernedTool", "agent",
				specific, description);
		Expression tool = annotation.tool().isEmpty() ? null : dialect.parseForMethod(annotation.tool(),
				Syntax.TEMPLATE, "@GovernedTool", "tool", specific, description);
		Expression spend = annotation.spend().isBlank() ? null : dialect.parseForMethod(annotation.spend(),
				Syntax.TEMPLATE, "@GovernedTool", "spend", specific, description);
		if (spend != null && !annotation.spend().contains("#{")) {
			try {
				new BigDecimal(annotation.spend().trim());
			}
			catch (NumberFormatException ex) {
				throw new IllegalStateException("@GovernedTool(spend = \"" + annotation.spend() + "\") on "
						+ description
						+ " is not a number; write the spend in US dollars, e.g. spend = \"0.50\", or compute it, "
						+ "e.g. spend = \"#{#amount}\"");
			}
		}
		Expression runId = annotation.runId().isEmpty() ? null : dialect.parseForMethod(annotation.runId(),
				Syntax.TEMPLATE, "@GovernedTool", "runId", specific, description);
		if (!annotation.riskLevel().isEmpty()
				&& !RISK_LEVELS.contains(annotation.riskLevel().toLowerCase(Locale.ROOT))) {
			throw new IllegalStateException("@GovernedTool(riskLevel = \"" + annotation.riskLevel() + "\") on "
					+ description + " is not a risk level; use low, medium or high, or leave it empty for the "
					+ "tool's default");
		}
		return new Resolved(annotation, specific, dialect.parameterNames(specific), agent, tool, spend, runId);
	}

	/**
	 * A governed method, resolved once: its annotation, its parameter names and its
	 * parsed attributes.
	 */
	private record Resolved(GovernedTool annotation, Method method, String[] parameterNames, Expression agent,
			@Nullable Expression tool, @Nullable Expression spend, @Nullable Expression runId) {
	}

}
