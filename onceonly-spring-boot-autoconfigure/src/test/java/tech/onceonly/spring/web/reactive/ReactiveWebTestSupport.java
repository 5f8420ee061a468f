package tech.onceonly.spring.web.reactive;

import io.micrometer.observation.ObservationRegistry;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.config.EnableWebFlux;
import org.springframework.web.reactive.result.method.annotation.RequestMappingHandlerMapping;

import tech.onceonly.client.OnceOnly;
import tech.onceonly.spring.web.idempotency.IdempotencyKeySettings;
import tech.onceonly.spring.web.webhook.WebhookSettings;

/** A minimal WebFlux application with both OnceOnly filters, for WebTestClient tests. */
final class ReactiveWebTestSupport {

	private ReactiveWebTestSupport() {
	}

	static WebTestClient client(OnceOnly onceOnly, WebhookSettings webhooks, IdempotencyKeySettings keys,
			ObservationRegistry observations, Object... controllers) {
		AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext();
		context.register(WebFluxConfig.class);
		for (Object controller : controllers) {
			registerInstance(context, controller);
		}
		context.registerBean(ReactiveWebhookFilter.class, () -> new ReactiveWebhookFilter(onceOnly, webhooks,
				context.getBean(RequestMappingHandlerMapping.class), observations));
		context.registerBean(ReactiveIdempotencyKeyFilter.class,
				() -> new ReactiveIdempotencyKeyFilter(onceOnly, keys,
						context.getBean(RequestMappingHandlerMapping.class),
						new DefaultReactiveIdempotencyKeyScopeResolver("X-Tenant"), observations));
		context.refresh();
		return WebTestClient.bindToApplicationContext(context).build();
	}

	@SuppressWarnings("unchecked")
	private static <T> void registerInstance(AnnotationConfigApplicationContext context, T instance) {
		context.registerBean((Class<T>) instance.getClass(), () -> instance);
	}

	@EnableWebFlux
	static class WebFluxConfig {

	}

}
