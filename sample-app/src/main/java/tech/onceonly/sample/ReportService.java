package tech.onceonly.sample;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.stereotype.Service;

import tech.onceonly.client.AiResult;
import tech.onceonly.client.OnceOnly;
import tech.onceonly.client.RunFnOptions;

/**
 * Generates an expensive report exactly once per key with {@code runFn}; repeats get the
 * first report back.
 */
@Service
public class ReportService {

	private final OnceOnly onceOnly;

	private final AtomicInteger generated = new AtomicInteger();

	public ReportService(OnceOnly onceOnly) {
		this.onceOnly = onceOnly;
	}

	/**
	 * Runs the report for {@code key} once; every later call with the same key gets the
	 * stored report.
	 */
	public AiResult generate(String key) {
		return this.onceOnly.ai().runFn("report:" + key, () -> {
			Map<String, Object> report = new LinkedHashMap<>();
			report.put("report_number", this.generated.incrementAndGet());
			report.put("generated_at", Instant.now().toString());
			return report;
		}, RunFnOptions.defaults());
	}

	/** How many reports were really generated since the app started. */
	public int generatedCount() {
		return this.generated.get();
	}

}
