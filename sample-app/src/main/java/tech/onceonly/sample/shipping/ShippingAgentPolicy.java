package tech.onceonly.sample.shipping;

import java.util.List;
import java.util.Map;

import org.springframework.boot.ApplicationRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import tech.onceonly.client.OnceOnly;

/** The shipping agent's policy: no cancellations, at most three labels a day. */
@Configuration(proxyBeanMethods = false)
class ShippingAgentPolicy {

	@Bean
	ApplicationRunner shippingAgentPolicyRunner(OnceOnly onceOnly) {
		return (args) -> onceOnly.gov()
			.upsertPolicy(ShippingAgentTools.AGENT,
					Map.of("blocked_tools", List.of("cancel_order"), "max_calls_per_tool", Map.of("create_label", 3)));
	}

}
