package tech.onceonly.sample.stores;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.test.web.servlet.MockMvc;

import tech.onceonly.store.OnceOnlyStore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;

/** The sample app moved to the JDBC store (embedded H2) by one property. */
@SpringBootTest(properties = "onceonly.store.type=jdbc")
@AutoConfigureMockMvc
class SampleOnJdbcStoreTests {

	@Autowired
	private MockMvc mvc;

	@Autowired
	private OnceOnlyStore store;

	@Test
	void reportsShouldRunOnceOnTheJdbcStore() throws Exception {
		assertThat(this.store.type()).isEqualTo("jdbc");
		SampleStoreChecks.reportRunsOnce(this.mvc, "jdbc-q1");
		this.mvc.perform(get("/actuator/health")).andExpect(jsonPath("$.components.onceonly.status").value("UP"));
	}

}
