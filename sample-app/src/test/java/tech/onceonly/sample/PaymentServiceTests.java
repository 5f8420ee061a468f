package tech.onceonly.sample;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * The annotations in the whole app: a payment charged once, a welcome email sent once.
 */
@SpringBootTest
@AutoConfigureMockMvc
class PaymentServiceTests {

	@Autowired
	private PaymentService payments;

	@Autowired
	private PaymentGateway gateway;

	@Autowired
	private MockMvc mvc;

	@Test
	void sixteenConcurrentChargesOfOneOrderShouldChargeOnceAndAllGetTheSameReceipt() throws Exception {
		assertThat(AopUtils.isAopProxy(this.payments)).isTrue();
		ChargeRequest request = new ChargeRequest("order-concurrent", 4999, "EUR");
		int before = this.gateway.chargeCount();
		int callers = 16;
		CountDownLatch start = new CountDownLatch(1);
		ExecutorService pool = Executors.newFixedThreadPool(callers);
		try {
			List<Future<Receipt>> futures = new ArrayList<>();
			Callable<Receipt> call = () -> {
				start.await();
				return this.payments.charge(request);
			};
			for (int i = 0; i < callers; i++) {
				futures.add(pool.submit(call));
			}
			start.countDown();
			List<Receipt> receipts = new ArrayList<>();
			for (Future<Receipt> future : futures) {
				receipts.add(future.get(30, TimeUnit.SECONDS));
			}
			assertThat(this.gateway.chargeCount() - before).isEqualTo(1);
			assertThat(receipts).hasSize(callers).allSatisfy((receipt) -> {
				assertThat(receipt).isInstanceOf(Receipt.class).isEqualTo(receipts.get(0));
				assertThat(receipt.orderId()).isEqualTo("order-concurrent");
				assertThat(receipt.amountCents()).isEqualTo(4999);
			});
		}
		finally {
			pool.shutdownNow();
		}
	}

	@Test
	void paymentEndpointShouldReplayTheFirstReceipt() throws Exception {
		String body = "{\"orderId\":\"order-http\",\"amountCents\":1200,\"currency\":\"USD\"}";
		String first = this.mvc.perform(post("/payments").contentType(MediaType.APPLICATION_JSON).content(body))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.receipt.orderId").value("order-http"))
			.andReturn()
			.getResponse()
			.getContentAsString();
		String chargeId = com.jayway.jsonpath.JsonPath.read(first, "$.receipt.chargeId");
		this.mvc.perform(post("/payments").contentType(MediaType.APPLICATION_JSON).content(body))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.receipt.chargeId").value(chargeId));
	}

	@Test
	void welcomeEmailShouldBeSentOnce() throws Exception {
		this.mvc.perform(post("/users/u-1/welcome-email").param("email", "u1@example.com"))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.sent").value(true))
			.andExpect(jsonPath("$.message_id").value("msg_u-1_1"));
		this.mvc.perform(post("/users/u-1/welcome-email").param("email", "u1@example.com"))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.sent").value(false))
			.andExpect(jsonPath("$.emails_sent_to_user").value(1));
	}

}
