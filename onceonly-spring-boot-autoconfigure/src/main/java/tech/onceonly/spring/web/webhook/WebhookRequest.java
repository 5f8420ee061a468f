package tech.onceonly.spring.web.webhook;

import java.util.Map;

import org.springframework.http.HttpHeaders;
import org.springframework.util.MultiValueMap;

/**
 * What a delivery id may be read from, the same for Spring MVC and WebFlux.
 *
 * @param headers the request headers
 * @param pathVariables the route's path variables
 * @param queryParams the query parameters
 * @param body the body bytes (empty when the id does not need the body)
 */
public record WebhookRequest(HttpHeaders headers, Map<String, String> pathVariables,
		MultiValueMap<String, String> queryParams, byte[] body) {

}
