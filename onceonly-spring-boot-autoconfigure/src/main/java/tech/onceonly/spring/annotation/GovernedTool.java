package tech.onceonly.spring.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Makes a bean method a governed tool of an agent: each call goes through the governance
 * pipeline (kill switch, allow/block lists, hourly/daily limits and spend budget, dedup)
 * and the method runs only when the call is executed. A blocked call throws
 * {@link tech.onceonly.client.ToolBlockedException}; a disabled agent throws
 * {@link tech.onceonly.client.AgentDisabledException}, which must abort the agent; a
 * duplicate call within the dedup window returns the first call's result converted to the
 * method's return type, without running the method; an exception of the method is
 * recorded as {@code tool_error} and rethrown unchanged.
 * <p>
 * {@code agent}, {@code tool}, {@code spend} and {@code runId} are value attributes of
 * the annotations' one SpEL dialect: plain text is used as is
 * ({@code agent = "billing-agent"}) and {@code #{…}} parts are evaluated against the
 * call, with the method's parameters by name ({@code #{#order.agent}}) and as
 * {@code #p0}/{@code #a0}, {@code #root.method}, {@code #root.methodName},
 * {@code #root.args}, {@code #root.target}, {@code #root.targetClass} and beans as
 * {@code @beanName}; no type references or constructors. They are parsed once per method
 * and target class when the bean is proxied: a syntax error, a {@code #name} that is not
 * a parameter, a plain expression without {@code #{…}} ({@code agent = "#agent"}), a
 * spend that is not a number or an unknown risk level fails the startup naming the
 * method. The method's arguments, by parameter name and converted to JSON, are the tool
 * arguments the dedup digest is computed over. On a class, every public method of the
 * bean is governed.
 */
@Target({ ElementType.METHOD, ElementType.TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@Documented
public @interface GovernedTool {

	/** The agent making the call (required). */
	String agent();

	/** The tool name; the method name when empty. */
	String tool() default "";

	/**
	 * The spend of the call in US dollars (a number, at most 6 decimals); the policy's
	 * pricing rules when empty.
	 */
	String spend() default "";

	/** The run the call belongs to; part of the dedup digest. None when empty. */
	String runId() default "";

	/**
	 * The risk level: {@code low}, {@code medium} or {@code high}; the default of the
	 * tool name when empty.
	 */
	String riskLevel() default "";

}
