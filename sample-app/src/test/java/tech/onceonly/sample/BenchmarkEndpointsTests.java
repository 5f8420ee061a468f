package tech.onceonly.sample;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * The endpoints {@code benchmarks/run.sh} measures: the twins count their handler runs
 * (the harness checks them against the keys it sent), and the two-inserts baseline makes
 * exactly two autocommit inserts per request on the app's own {@code DataSource}.
 */
@SpringBootTest
@AutoConfigureMockMvc
class BenchmarkEndpointsTests {

	private static final String ORDER = "{\"item\":\"sku_1\",\"qty\":1}";

	@Autowired
	private MockMvc mvc;

	@Autowired
	private BenchmarkIdempotencyController controller;

	@Autowired
	private JdbcTemplate jdbc;

	private static MockHttpServletRequestBuilder order(String path, String key) {
		return post(path).contentType(MediaType.APPLICATION_JSON).header("Idempotency-Key", key).content(ORDER);
	}

	@Test
	void theProtectedTwinShouldRunItsHandlerOncePerKeyAndThePlainOneEveryTime() throws Exception {
		long plain = this.controller.counters().get("plain");
		long idempotent = this.controller.counters().get("idempotent");
		for (int i = 0; i < 3; i++) {
			this.mvc.perform(order("/bench/orders/plain", "\"twin-1\"")).andExpect(status().isOk());
			this.mvc.perform(order("/bench/orders/idempotent", "\"twin-1\""))
				.andExpect(status().isOk())
				.andExpect(jsonPath("$.status").value("created"));
		}
		assertThat(this.controller.counters().get("plain")).isEqualTo(plain + 3);
		assertThat(this.controller.counters().get("idempotent")).isEqualTo(idempotent + 1);
	}

	@Test
	void twoInsertsShouldWriteTwoRowsPerRequestAndCountOnlyRequestsThatWroteThem() throws Exception {
		long before = this.controller.counters().get("two_inserts");
		this.mvc.perform(order("/bench/orders/two-inserts", "\"raw-1\""))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.order").value("ord_1"));
		assertThat(this.jdbc.queryForObject("SELECT COUNT(*) FROM bench_two_inserts WHERE k LIKE ?", Long.class,
				"\"raw-1\":%"))
			.isEqualTo(2);
		assertThat(this.controller.counters().get("two_inserts")).isEqualTo(before + 1);
		// the same key again is a real duplicate insert: no protection here, so it fails
		assertThatThrownBy(() -> this.mvc.perform(order("/bench/orders/two-inserts", "\"raw-1\"")))
			.hasCauseInstanceOf(DuplicateKeyException.class);
		assertThat(this.controller.counters().get("two_inserts")).isEqualTo(before + 1);
	}

}
