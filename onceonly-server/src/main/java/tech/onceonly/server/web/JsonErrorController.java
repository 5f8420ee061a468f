package tech.onceonly.server.web;

import java.util.Map;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Answers the container's error dispatch ({@code /error}: errors raised outside Spring
 * MVC, such as a failure in a filter) in the API's {@code {"detail": …}} shape instead of
 * Spring Boot's default body; a store failure is a 503 with {@code Retry-After}.
 */
@RestController
public class JsonErrorController implements ErrorController {

	/** The error answer of the current error dispatch. */
	@RequestMapping(path = "/error", produces = MediaType.APPLICATION_JSON_VALUE)
	public ResponseEntity<Object> error(HttpServletRequest request) {
		Object exception = request.getAttribute(RequestDispatcher.ERROR_EXCEPTION);
		if (exception instanceof Throwable ex) {
			Throwable store = ApiExceptionHandler.storeFailure(ex);
			if (store != null) {
				return ApiExceptionHandler.storeOutage(store, request);
			}
		}
		Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
		int status = (code instanceof Integer value && value >= 400 && value <= 599) ? value : 500;
		HttpStatus known = HttpStatus.resolve(status);
		String reason = (known != null) ? known.getReasonPhrase() : "Error";
		return ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON).body(Map.of("detail", reason));
	}

}
