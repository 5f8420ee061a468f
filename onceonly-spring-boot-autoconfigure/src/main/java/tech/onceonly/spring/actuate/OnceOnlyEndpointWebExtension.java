package tech.onceonly.spring.actuate;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.EndpointWebExtension;

import tech.onceonly.spring.actuate.OnceOnlyEndpoint.WriteResult;

/**
 * The HTTP form of the {@code onceonly} endpoint's write operations: a refused write
 * (writes disabled) is answered with 403, an unsupported one with 501 and a missing entry
 * with 404.
 */
@EndpointWebExtension(endpoint = OnceOnlyEndpoint.class)
public class OnceOnlyEndpointWebExtension {

	private final OnceOnlyEndpoint endpoint;

	/**
	 * An extension of {@code endpoint}.
	 * @param endpoint the endpoint
	 */
	public OnceOnlyEndpointWebExtension(OnceOnlyEndpoint endpoint) {
		this.endpoint = endpoint;
	}

	/** See {@link OnceOnlyEndpoint#release(String, String)}. */
	@DeleteOperation
	public WebEndpointResponse<WriteResult> release(@Selector String section, @Selector String key) {
		return response(this.endpoint.release(section, key));
	}

	/** See {@link OnceOnlyEndpoint#agentState(String, String, boolean, String)}. */
	@WriteOperation
	public WebEndpointResponse<WriteResult> agentState(@Selector String section, @Selector String agentId,
			boolean enabled, @Nullable String reason) {
		return response(this.endpoint.agentState(section, agentId, enabled, reason));
	}

	private static WebEndpointResponse<WriteResult> response(WriteResult result) {
		int status = switch (result.status()) {
			case WriteResult.REFUSED -> 403;
			case WriteResult.UNSUPPORTED -> 501;
			case WriteResult.NOT_FOUND -> WebEndpointResponse.STATUS_NOT_FOUND;
			default -> WebEndpointResponse.STATUS_OK;
		};
		return new WebEndpointResponse<>(result, status);
	}

}
