package tech.onceonly.sample;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

/**
 * {@code GET /stream/ticks?count=5&interval-ms=500}: a streaming endpoint left alone by
 * OnceOnly. It is not guarded, so it streams line by line (NDJSON) whatever headers the
 * request carries, an {@code Idempotency-Key} included. The return type must name
 * {@code StreamingResponseBody} ({@code ResponseEntity<?>} is not recognised as a stream
 * and fails with "No converter"); each line is flushed so that no buffer between the
 * handler and the client holds it back.
 */
@RestController
public class StreamingController {

	static final int MAX_COUNT = 100;

	static final long MAX_INTERVAL_MS = 5000;

	private final Pacer pacer;

	public StreamingController(ObjectProvider<Pacer> pacer) {
		this.pacer = pacer.getIfAvailable(() -> Pacer.SLEEPING);
	}

	@GetMapping("/stream/ticks")
	public ResponseEntity<StreamingResponseBody> ticks(@RequestParam(name = "count", defaultValue = "5") int count,
			@RequestParam(name = "interval-ms", defaultValue = "500") long intervalMs) {
		if (count < 1 || count > MAX_COUNT || intervalMs < 0 || intervalMs > MAX_INTERVAL_MS) {
			throw new IllegalArgumentException("count must be 1.." + MAX_COUNT + " and interval-ms 0.."
					+ MAX_INTERVAL_MS + " (got count=" + count + ", interval-ms=" + intervalMs + ")");
		}
		Duration interval = Duration.ofMillis(intervalMs);
		StreamingResponseBody body = (out) -> {
			for (int tick = 1; tick <= count; tick++) {
				if (tick > 1) {
					this.pacer.pause(tick, interval);
				}
				out.write(("{\"tick\":" + tick + ",\"of\":" + count + "}\n").getBytes(StandardCharsets.UTF_8));
				out.flush();
			}
		};
		return ResponseEntity.ok()
			.contentType(MediaType.APPLICATION_NDJSON)
			.header("Cache-Control", "no-store")
			.header("X-Accel-Buffering", "no")
			.body(body);
	}

	@ExceptionHandler(IllegalArgumentException.class)
	ResponseEntity<Map<String, String>> badParameters(IllegalArgumentException ex) {
		return ResponseEntity.status(HttpStatus.BAD_REQUEST).body(Map.of("error", ex.getMessage()));
	}

	/** What happens between two lines (a bean of this type replaces the sleep). */
	@FunctionalInterface
	public interface Pacer {

		/** Sleeps for the interval. */
		Pacer SLEEPING = (tick, interval) -> {
			try {
				Thread.sleep(interval.toMillis());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("stream interrupted", ex);
			}
		};

		/**
		 * Waits before line {@code tick} is written.
		 * @param tick the number of the next line (from 2)
		 * @param interval the requested interval
		 */
		void pause(int tick, Duration interval);

	}

}
