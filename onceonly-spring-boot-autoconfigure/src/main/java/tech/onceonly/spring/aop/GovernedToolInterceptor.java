package tech.onceonly.spring.aop;

import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.lang.reflect.UndeclaredThrowableException;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.core.annotation.AnnotatedElementUtils;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.json.JsonMapper;

import tech.onceonly.ai.AgentToolCall;
import tech.onceonly.ai.AgentToolGovernor;
import tech.onceonly.ai.AgentToolOutcome;
import tech.onceonly.client.ResultObjects;
import tech.onceonly.client.ToolBlockedException;
import tech.onceonly.spring.annotation.GovernedTool;

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

	private final GovernedToolExpressions expressions = new GovernedToolExpressions();

	private final Map<Method, Resolved> resolved = new ConcurrentHashMap<>();

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
		this.expressions.setBeanFactory(beanFactory);
	}

	@Override
	public @Nullable Object invoke(MethodInvocation invocation) throws Throwable {
		Object target = invocation.getThis();
		Method method = (target != null) ? AopUtils.getMostSpecificMethod(invocation.getMethod(), target.getClass())
				: invocation.getMethod();
		Resolved spec = this.resolved.computeIfAbsent(method, this::resolve);
		if (spec == null) {
			return invocation.proceed();
		}
		Object[] args = invocation.getArguments();
		Object root = (target != null) ? target : invocation.getMethod().getDeclaringClass();
		String agent = text(spec.annotation.agent(), method, args, root);
		if (agent == null || agent.isBlank()) {
			throw new IllegalStateException("@GovernedTool on " + method + ": agent '" + spec.annotation.agent()
					+ "' evaluated to an empty value");
		}
		String tool = spec.annotation.tool().isEmpty() ? method.getName()
				: text(spec.annotation.tool(), method, args, root);
		if (tool == null || tool.isBlank()) {
			throw new IllegalStateException("@GovernedTool on " + method + ": tool '" + spec.annotation.tool()
					+ "' evaluated to an empty value");
		}
		BigDecimal spend = spend(spec.annotation.spend(), method, args, root);
		String runId = spec.annotation.runId().isEmpty() ? null : text(spec.annotation.runId(), method, args, root);
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

	private @Nullable String text(String template, Method method, Object[] args, Object root) {
		Object value = this.expressions.evaluate(template, method, args, root);
		return (value != null) ? value.toString() : null;
	}

	private @Nullable BigDecimal spend(String template, Method method, Object[] args, Object root) {
		if (template.isEmpty()) {
			return null;
		}
		Object value = this.expressions.evaluate(template, method, args, root);
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
			throw new IllegalStateException(
					"@GovernedTool on " + method + ": spend '" + template + "' is not a number: " + value);
		}
	}

	private @Nullable Resolved resolve(Method method) {
		GovernedTool annotation = AnnotatedElementUtils.findMergedAnnotation(method, GovernedTool.class);
		if (annotation == null) {
			annotation = AnnotatedElementUtils.findMergedAnnotation(method.getDeclaringClass(), GovernedTool.class);
		}
		if (annotation == null) {
			return null;
		}
		return new Resolved(annotation, this.expressions.parameterNames(method));
	}

	private record Resolved(GovernedTool annotation, String[] parameterNames) {
	}

}
