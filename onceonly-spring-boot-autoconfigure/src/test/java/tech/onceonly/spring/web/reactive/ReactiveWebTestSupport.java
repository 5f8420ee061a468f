package tech.onceonly.spring.web.reactive;

import io.micrometer.observation.ObservationRegistry;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.http.server.reactive.HttpHandler;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.config.EnableWebFlux;
import org.springframework.web.reactive.result.method.annotation.RequestMappingHandlerMapping;
import org.springframework.web.server.adapter.WebHttpHandlerBuilder;

import tech.onceonly.client.Heartbeats;
import tech.onceonly.client.LeaseEvents;
import tech.onceonly.client.OnceOnly;
import tech.onceonly.spring.web.idempotency.IdempotencyKeySettings;
import tech.onceonly.spring.web.webhook.WebhookSettings;
import tech.onceonly.spring.web.webhook.WebhookVerification;

/** A minimal WebFlux application with both OnceOnly filters, for WebTestClient tests. */
final class ReactiveWebTestSupport {

	private ReactiveWebTestSupport() {
	}

	static WebTestClient client(OnceOnly onceOnly, WebhookSettings webhooks, IdempotencyKeySettings keys,
			ObservationRegistry observations, Object... controllers) {
		return WebTestClient
			.bindToApplicationContext(context(onceOnly, webhooks, keys, observations, LeaseEvents.LOGGING, controllers))
			.build();
	}

	static AnnotationConfigApplicationContext context(OnceOnly onceOnly, WebhookSettings webhooks,
			IdempotencyKeySettings keys, ObservationRegistry observations, LeaseEvents events, Object... controllers) {
		return context(onceOnly, webhooks, WebhookVerification.none(), keys, observations, events, controllers);
	}

	static WebTestClient client(OnceOnly onceOnly, WebhookVerification verification, Object... controllers) {
		return WebTestClient
			.bindToApplicationContext(context(onceOnly, WebhookSettings.defaults(), verification,
					IdempotencyKeySettings.defaults(), ObservationRegistry.NOOP, LeaseEvents.LOGGING, controllers))
			.build();
	}

	static AnnotationConfigApplicationContext context(OnceOnly onceOnly, WebhookSettings webhooks,
			WebhookVerification verification, IdempotencyKeySettings keys, ObservationRegistry observations,
			LeaseEvents events, Object... controllers) {
		AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext();
		context.register(WebFluxConfig.class);
		for (Object controller : controllers) {
			registerInstance(context, controller);
		}
		context.registerBean(ReactiveWebhookFilter.class,
				() -> new ReactiveWebhookFilter(onceOnly, webhooks, context.getBean(RequestMappingHandlerMapping.class),
						observations, Heartbeats.shared(), events, verification));
		context.registerBean(ReactiveIdempotencyKeyFilter.class, () -> new ReactiveIdempotencyKeyFilter(onceOnly, keys,
				context.getBean(RequestMappingHandlerMapping.class),
				new DefaultReactiveIdempotencyKeyScopeResolver("X-Tenant"), observations, Heartbeats.shared(), events));
		context.refresh();
		return context;
	}

	/**
	 * The whole application as one handler, to drive requests (and cancel them) directly.
	 */
	static HttpHandler httpHandler(AnnotationConfigApplicationContext context) {
		return WebHttpHandlerBuilder.applicationContext(context).build();
	}

	@SuppressWarnings("unchecked")
	private static <T> void registerInstance(AnnotationConfigApplicationContext context, T instance) {
		context.registerBean((Class<T>) instance.getClass(), () -> instance);
	}

	@EnableWebFlux
	static class WebFluxConfig {

	}

}
