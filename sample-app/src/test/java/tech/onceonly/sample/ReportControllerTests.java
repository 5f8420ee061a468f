package tech.onceonly.sample;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.test.web.servlet.MockMvc;

import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/** The sample app's runFn demo: one key, two calls, one report. */
@SpringBootTest
@AutoConfigureMockMvc
class ReportControllerTests {

	@Autowired
	private MockMvc mvc;

	@Test
	void secondCallWithSameKeyShouldGetTheFirstReport() throws Exception {
		this.mvc.perform(post("/reports/q3-sales"))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.status").value("completed"))
			.andExpect(jsonPath("$.report.report_number").value(1))
			.andExpect(jsonPath("$.reports_generated_since_start").value(1));
		this.mvc.perform(post("/reports/q3-sales"))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.report.report_number").value(1))
			.andExpect(jsonPath("$.reports_generated_since_start").value(1));
		this.mvc.perform(post("/reports/q4-sales"))
			.andExpect(jsonPath("$.report.report_number").value(2))
			.andExpect(jsonPath("$.reports_generated_since_start").value(2));
	}

	@Test
	void healthShouldBeUp() throws Exception {
		this.mvc.perform(get("/actuator/health"))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.status").value("UP"));
	}

}
