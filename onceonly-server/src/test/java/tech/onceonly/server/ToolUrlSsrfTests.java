package tech.onceonly.server;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Registering a tool whose URL reaches internal addresses is refused with a clear 422.
 */
@ServerTest
class ToolUrlSsrfTests {

	@LocalServerPort
	int port;

	private ApiClient.Answer createTool(String url) {
		return new ApiClient(this.port, "test-key-tenant-a").post("/v1/tools", Map.of("name", "send_email", "url", url,
				"scope_id", "global", "auth", Map.of("type", "hmac_sha256", "secret", "secret-123")));
	}

	@Test
	void loopbackUrlShouldBeRefused() {
		ApiClient.Answer answer = createTool("http://127.0.0.1:8080/internal");
		assertThat(answer.status()).isEqualTo(422);
		assertThat(answer.firstError()).containsEntry("loc", List.of("body", "url"));
		assertThat((String) answer.firstError().get("msg")).contains("loopback")
			.contains("onceonly.server.tool-url-allow-list");
	}

	@Test
	void metadataAndPrivateUrlsShouldBeRefused() {
		assertThat(createTool("http://169.254.169.254/latest/meta-data").status()).isEqualTo(422);
		assertThat(createTool("http://metadata.google.internal/computeMetadata/v1").status()).isEqualTo(422);
		assertThat(createTool("http://192.168.1.10/tool").status()).isEqualTo(422);
		assertThat(createTool("http://[::1]/tool").status()).isEqualTo(422);
		assertThat(createTool("http://localhost/tool").status()).isEqualTo(422);
	}

	@Test
	void otherSchemesShouldBeRefused() {
		assertThat((String) createTool("file:///etc/passwd").firstError().get("msg")).contains("http or https");
	}

	@Test
	void allowListedAddressesShouldPassTheGuard() {
		assertThat(createTool("http://10.9.1.2/tool").status()).isNotEqualTo(422);
		assertThat(createTool("https://tools.internal.example/tool").status()).isNotEqualTo(422);
	}

}
