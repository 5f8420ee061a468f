package tech.onceonly.sample.stores;

import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/** The report demo, whatever the store: two calls with one key, one report. */
final class SampleStoreChecks {

	private SampleStoreChecks() {
	}

	static void reportRunsOnce(MockMvc mvc, String key) throws Exception {
		MvcResult first = mvc.perform(post("/reports/" + key))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.status").value("completed"))
			.andReturn();
		MvcResult second = mvc.perform(post("/reports/" + key)).andExpect(status().isOk()).andReturn();
		String firstReport = first.getResponse().getContentAsString().replaceAll(".*\"report\":(\\{[^}]*\\}).*", "$1");
		String secondReport = second.getResponse()
			.getContentAsString()
			.replaceAll(".*\"report\":(\\{[^}]*\\}).*", "$1");
		assertThat(secondReport).isEqualTo(firstReport).contains("report_number");
	}

}
