package tech.onceonly.spring.web.reactive;

import org.springframework.test.web.reactive.server.WebTestClient;

import tech.onceonly.client.OnceOnly;
import tech.onceonly.spring.web.webhook.WebhookVerification;

/** WebFlux test clients with both OnceOnly filters, for tests in other packages. */
public final class ReactiveWebClients {

	private ReactiveWebClients() {
	}

	/** A client on a WebFlux application with the given controllers. */
	public static WebTestClient client(OnceOnly onceOnly, WebhookVerification verification, Object... controllers) {
		return ReactiveWebTestSupport.client(onceOnly, verification, controllers);
	}

}
