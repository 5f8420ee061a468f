package tech.onceonly.server.web;

import java.util.List;
import java.util.Map;

/**
 * A request that does not match an endpoint's schema; answered 422 with FastAPI-style
 * items.
 */
public class RequestValidationException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private final transient List<Map<String, Object>> items;

	/**
	 * A failure with its items ({@code type}, {@code loc}, {@code msg}, {@code input}).
	 */
	public RequestValidationException(List<Map<String, Object>> items) {
		super(items.isEmpty() ? "Validation Error" : String.valueOf(items.get(0).get("msg")));
		this.items = List.copyOf(items);
	}

	/** The error items. */
	public List<Map<String, Object>> getItems() {
		return this.items;
	}

}
