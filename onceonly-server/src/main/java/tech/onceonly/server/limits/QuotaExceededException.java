package tech.onceonly.server.limits;

import org.jspecify.annotations.Nullable;

/** A monthly plan quota is used up; answered 402 {@code payment_required}. */
public class QuotaExceededException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private final String plan;

	private final long limit;

	private final long usage;

	/**
	 * The quota of {@code plan} is {@code limit}; this request would have made it
	 * {@code usage}.
	 */
	public QuotaExceededException(String plan, long limit, long usage) {
		super("Plan limit reached");
		this.plan = plan;
		this.limit = limit;
		this.usage = usage;
	}

	/** The plan. */
	public String getPlan() {
		return this.plan;
	}

	/** The monthly limit. */
	public long getLimit() {
		return this.limit;
	}

	/** The usage this request would have reached. */
	public long getUsage() {
		return this.usage;
	}

	@Override
	public synchronized @Nullable Throwable fillInStackTrace() {
		return this;
	}

}
