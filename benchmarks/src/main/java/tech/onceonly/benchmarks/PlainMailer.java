package tech.onceonly.benchmarks;

/**
 * {@link Mailer} without the annotations, and not proxied: the baseline of
 * {@link AnnotationOverheadBenchmark}.
 */
public class PlainMailer {

	/** The same body as {@link Mailer#send(String)}. */
	public String send(String to) {
		return "sent";
	}

	/** The same body as {@link Mailer#charge(String)}. */
	public Receipt charge(String orderId) {
		return new Receipt(orderId, 100);
	}

}
