package tech.onceonly.server.web;

import org.springframework.context.annotation.Configuration;
import org.springframework.http.MediaType;
import org.springframework.web.servlet.config.annotation.ContentNegotiationConfigurer;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * The API speaks JSON only, like the hosted API: the {@code Accept} header is ignored, so
 * {@code Accept: application/xml} still gets a JSON answer rather than a 406 or an empty
 * 500.
 */
@Configuration(proxyBeanMethods = false)
public class JsonOnlyConfiguration implements WebMvcConfigurer {

	@Override
	public void configureContentNegotiation(ContentNegotiationConfigurer configurer) {
		configurer.ignoreAcceptHeader(true).defaultContentType(MediaType.APPLICATION_JSON);
	}

}
