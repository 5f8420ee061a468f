package tech.onceonly.spring.web.reactive;

import io.micrometer.observation.ObservationRegistry;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.http.server.reactive.HttpHandler;
import org.springframework.test.web.reactive.server.WebTestClient;

import tech.onceonly.client.LeaseEvents;
import tech.onceonly.client.OnceOnly;
import tech.onceonly.spring.web.idempotency.IdempotencyKeySettings;
import tech.onceonly.spring.web.webhook.WebhookSettings;
import tech.onceonly.spring.web.webhook.WebhookVerification;

/** WebFlux test clients with both OnceOnly filters, for tests in other packages. */
public final class ReactiveWebClients {

	private ReactiveWebClients() {
	}

	/** A client on a WebFlux application with the given controllers. */
	public static WebTestClient client(OnceOnly onceOnly, WebhookVerification verification, Object... controllers) {
		return ReactiveWebTestSupport.client(onceOnly, verification, controllers);
	}

	/**
	 * A WebFlux application with the given controllers, to drive requests (and cancel
	 * them) through {@link #httpHandler(AnnotationConfigApplicationContext)}; close it
	 * after use.
	 */
	public static AnnotationConfigApplicationContext context(OnceOnly onceOnly, WebhookVerification verification,
			Object... controllers) {
		return ReactiveWebTestSupport.context(onceOnly, WebhookSettings.defaults(), verification,
				IdempotencyKeySettings.defaults(), ObservationRegistry.NOOP, LeaseEvents.LOGGING, controllers);
	}

	/** The whole application as one handler. */
	public static HttpHandler httpHandler(AnnotationConfigApplicationContext context) {
		return ReactiveWebTestSupport.httpHandler(context);
	}

}
