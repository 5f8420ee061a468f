package tech.onceonly.client;

import java.util.Map;

/**
 * The plan's usage limit is reached (HTTP 402). {@link #getDetail()} carries plan, limit,
 * usage and upgrade_url.
 */
public class OverLimitException extends OnceOnlyException {

	private static final long serialVersionUID = 1L;

	public static final String MESSAGE = "Usage limit reached. Please upgrade your plan.";

	private final transient Map<String, Object> detail;

	public OverLimitException(Map<String, Object> detail) {
		super(MESSAGE);
		this.detail = Map.copyOf(WireMaps.withoutNulls(detail));
	}

	/** The error detail object of the answer, or an empty map. */
	public Map<String, Object> getDetail() {
		return this.detail;
	}

}
