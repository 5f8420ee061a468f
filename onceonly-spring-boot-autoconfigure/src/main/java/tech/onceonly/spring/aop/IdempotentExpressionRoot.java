package tech.onceonly.spring.aop;

import java.lang.reflect.Method;

/**
 * The {@code #root} object of {@code @Idempotent} and {@code @IdempotentAi} expressions.
 *
 * @param method the invoked method
 * @param args the arguments of the call
 * @param target the target bean
 * @param targetClass the target bean's class
 */
public record IdempotentExpressionRoot(Method method, Object[] args, Object target, Class<?> targetClass) {

	/** The invoked method ({@code #root.method}). */
	public Method getMethod() {
		return this.method;
	}

	/** The invoked method's name ({@code #root.methodName}). */
	public String getMethodName() {
		return this.method.getName();
	}

	/** The arguments of the call ({@code #root.args}). */
	public Object[] getArgs() {
		return this.args;
	}

	/** The target bean ({@code #root.target}). */
	public Object getTarget() {
		return this.target;
	}

	/** The target bean's class ({@code #root.targetClass}). */
	public Class<?> getTargetClass() {
		return this.targetClass;
	}

}
