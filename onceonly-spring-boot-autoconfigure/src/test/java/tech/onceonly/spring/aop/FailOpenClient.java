package tech.onceonly.spring.aop;

import java.lang.reflect.Proxy;
import java.util.Map;

import org.springframework.aop.framework.ProxyFactory;
import tools.jackson.databind.json.JsonMapper;

import tech.onceonly.client.CheckLockResult;
import tech.onceonly.client.OnceOnly;

/** A client whose check-lock always answers as a remote client failing open. */
final class FailOpenClient {

	private FailOpenClient() {
	}

	static OnceOnly create() {
		return (OnceOnly) Proxy.newProxyInstance(FailOpenClient.class.getClassLoader(),
				new Class<?>[] { OnceOnly.class }, (proxy, method, args) -> {
					if (method.getName().equals("checkLock")) {
						return new CheckLockResult(true, false, (String) args[0], 0, null, "fail-open", 0,
								Map.of("fail_open", true));
					}
					throw new UnsupportedOperationException(method.getName());
				});
	}

	@SuppressWarnings("unchecked")
	static <T> T proxy(T target, JsonMapper json) {
		ProxyFactory factory = new ProxyFactory(target);
		factory.setProxyTargetClass(true);
		OnceOnly client = create();
		factory.addAdvisor(new OnceOnlyAnnotationAdvisor(() -> client, () -> json, null));
		return (T) factory.getProxy();
	}

}
