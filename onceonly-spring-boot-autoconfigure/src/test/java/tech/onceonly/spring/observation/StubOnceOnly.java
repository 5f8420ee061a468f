package tech.onceonly.spring.observation;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

import tech.onceonly.client.BlockingOnceOnlyReactiveAdapter;
import tech.onceonly.client.OnceOnly;
import tech.onceonly.client.OnceOnlyAi;
import tech.onceonly.client.OnceOnlyGov;
import tech.onceonly.client.ReactiveOnceOnly;

/**
 * A stand-in for a remote client in tests: answers are registered per method name; every
 * other method throws {@link UnsupportedOperationException}.
 */
public final class StubOnceOnly {

	private final Map<String, Function<Object[], Object>> answers = new HashMap<>();

	private ReactiveOnceOnly reactive;

	/** Answers {@code method} (of OnceOnly, ai() or gov()) with {@code answer}. */
	public StubOnceOnly on(String method, Function<Object[], Object> answer) {
		this.answers.put(method, answer);
		return this;
	}

	/**
	 * Uses {@code reactive} as the client's reactive form instead of the blocking
	 * adapter.
	 */
	public StubOnceOnly reactive(ReactiveOnceOnly reactive) {
		this.reactive = reactive;
		return this;
	}

	/** The client. */
	public OnceOnly build() {
		OnceOnlyAi ai = proxy(OnceOnlyAi.class, null);
		OnceOnlyGov gov = proxy(OnceOnlyGov.class, null);
		OnceOnly[] client = new OnceOnly[1];
		client[0] = proxy(OnceOnly.class, (name) -> switch (name) {
			case "ai" -> ai;
			case "gov" -> gov;
			case "reactive" -> (this.reactive != null) ? this.reactive : new BlockingOnceOnlyReactiveAdapter(client[0]);
			default -> null;
		});
		return client[0];
	}

	private <T> T proxy(Class<T> type, Function<String, Object> fixed) {
		InvocationHandler handler = (instance, method, args) -> {
			if (method.isDefault()) {
				try {
					return InvocationHandler.invokeDefault(instance, method, args);
				}
				catch (InvocationTargetException ex) {
					throw ex.getCause();
				}
			}
			switch (method.getName()) {
				case "hashCode":
					return System.identityHashCode(instance);
				case "equals":
					return instance == args[0];
				case "toString":
					return "Stub" + type.getSimpleName();
				default:
			}
			Object value = (fixed != null) ? fixed.apply(method.getName()) : null;
			if (value != null) {
				return value;
			}
			Function<Object[], Object> answer = this.answers.get(method.getName());
			if (answer == null) {
				throw new UnsupportedOperationException(method.getName());
			}
			return answer.apply((args != null) ? args : new Object[0]);
		};
		return type.cast(Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] { type }, handler));
	}

}
