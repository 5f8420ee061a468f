package tech.onceonly.sample;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

import tech.onceonly.client.AiResult;

/**
 * {@code POST /reports/{key}}: call it twice with one key and see the report generated
 * once.
 */
@RestController
public class ReportController {

	private final ReportService reports;

	public ReportController(ReportService reports) {
		this.reports = reports;
	}

	@PostMapping("/reports/{key}")
	public Map<String, Object> generate(@PathVariable String key) {
		AiResult result = this.reports.generate(key);
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("key", key);
		body.put("status", result.status());
		body.put("report", result.result());
		body.put("reports_generated_since_start", this.reports.generatedCount());
		return body;
	}

}
