package tech.onceonly.spring.web;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequestWrapper;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The cached body is every byte the client sent, whatever the declared length says, and
 * never more than the limit.
 */
class CachedBodyRequestWrapperTests {

	private static final byte[] BODY = "{\"item\":\"sku_1\",\"qty\":1}".getBytes(StandardCharsets.UTF_8);

	@Test
	void bodyOfTheDeclaredLengthShouldBeCachedAndReadAgain() throws IOException {
		CachedBodyRequestWrapper request = new CachedBodyRequestWrapper(sending(BODY, BODY.length), 1024);
		assertThat(request.cachedBody()).isEqualTo(BODY);
		assertThat(request.getInputStream().readAllBytes()).isEqualTo(BODY);
	}

	@Test
	void bodyWithoutADeclaredLengthShouldBeCachedWhole() throws IOException {
		assertThat(new CachedBodyRequestWrapper(sending(BODY, -1), 1024).cachedBody()).isEqualTo(BODY);
	}

	@Test
	void bodyLongerThanDeclaredShouldBeCachedWhole() throws IOException {
		assertThat(new CachedBodyRequestWrapper(sending(BODY, 5), 1024).cachedBody()).isEqualTo(BODY);
		assertThat(new CachedBodyRequestWrapper(sending(BODY, 0), 1024).cachedBody()).isEqualTo(BODY);
	}

	@Test
	void bodyShorterThanDeclaredShouldBeWhatWasSent() throws IOException {
		assertThat(new CachedBodyRequestWrapper(sending(BODY, BODY.length + 100), 1024).cachedBody()).isEqualTo(BODY);
		assertThat(new CachedBodyRequestWrapper(sending(new byte[0], 0), 1024).cachedBody()).isEmpty();
	}

	@Test
	void bodyOverTheLimitShouldBeRefusedWhateverItDeclares() {
		assertThatExceptionOfType(CachedBodyRequestWrapper.BodyTooLargeException.class)
			.isThrownBy(() -> new CachedBodyRequestWrapper(sending(BODY, BODY.length), 10).cachedBody());
		assertThatExceptionOfType(CachedBodyRequestWrapper.BodyTooLargeException.class)
			.isThrownBy(() -> new CachedBodyRequestWrapper(sending(BODY, 5), 10).cachedBody());
		assertThatExceptionOfType(CachedBodyRequestWrapper.BodyTooLargeException.class)
			.isThrownBy(() -> new CachedBodyRequestWrapper(sending(BODY, 10), 10).cachedBody());
		assertThatExceptionOfType(CachedBodyRequestWrapper.BodyTooLargeException.class)
			.isThrownBy(() -> new CachedBodyRequestWrapper(sending(BODY, -1), 10).cachedBody());
	}

	@Test
	void bodyOfExactlyTheLimitShouldBeAccepted() throws IOException {
		assertThat(new CachedBodyRequestWrapper(sending(BODY, BODY.length), BODY.length).cachedBody()).isEqualTo(BODY);
		assertThat(new CachedBodyRequestWrapper(sending(BODY, 3), BODY.length).cachedBody()).isEqualTo(BODY);
	}

	@Test
	void largeBodyInSmallChunksShouldBeCachedWhole() throws IOException {
		byte[] large = new byte[100_000];
		for (int i = 0; i < large.length; i++) {
			large[i] = (byte) i;
		}
		assertThat(new CachedBodyRequestWrapper(sending(large, large.length), 1_000_000).cachedBody()).isEqualTo(large);
		assertThat(new CachedBodyRequestWrapper(sending(large, 1000), 1_000_000).cachedBody()).isEqualTo(large);
	}

	/**
	 * A request whose stream holds {@code body} and returns at most 7 bytes per read,
	 * declaring {@code declared} bytes.
	 */
	private static HttpServletRequestWrapper sending(byte[] body, long declared) {
		return new HttpServletRequestWrapper(new MockHttpServletRequest("POST", "/orders")) {

			@Override
			public long getContentLengthLong() {
				return declared;
			}

			@Override
			public int getContentLength() {
				return (int) declared;
			}

			@Override
			public ServletInputStream getInputStream() {
				ByteArrayInputStream in = new ByteArrayInputStream(body);
				return new ServletInputStream() {

					@Override
					public int read() {
						return in.read();
					}

					@Override
					public int read(byte[] b, int off, int len) {
						return in.read(b, off, Math.min(len, 7));
					}

					@Override
					public boolean isFinished() {
						return in.available() == 0;
					}

					@Override
					public boolean isReady() {
						return true;
					}

					@Override
					public void setReadListener(ReadListener listener) {
						throw new UnsupportedOperationException();
					}

				};
			}

		};
	}

}
