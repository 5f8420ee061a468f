package tech.onceonly.spring.web;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import org.jspecify.annotations.Nullable;

/**
 * A request whose body can be read twice: nothing is read until {@link #cachedBody()} is
 * called (by a OnceOnly interceptor, before the handler), after which the handler reads
 * the same bytes again. Requests nobody asks about stream as usual, so wrapping costs
 * nothing for handlers that are not guarded.
 */
public final class CachedBodyRequestWrapper extends HttpServletRequestWrapper {

	private final long maxBytes;

	private byte @Nullable [] body;

	private boolean streamTaken;

	/**
	 * Wraps a request.
	 * @param request the request
	 * @param maxBytes the largest body {@link #cachedBody()} accepts
	 */
	public CachedBodyRequestWrapper(HttpServletRequest request, long maxBytes) {
		super(request);
		this.maxBytes = maxBytes;
	}

	/**
	 * Reads the whole body once and keeps it for the handler.
	 * @return the body bytes (empty when there is none)
	 * @throws BodyTooLargeException when the body is larger than the limit
	 * @throws IOException when reading fails
	 * @throws IllegalStateException when the handler already took the stream
	 */
	public synchronized byte[] cachedBody() throws IOException {
		if (this.body != null) {
			return this.body;
		}
		if (this.streamTaken) {
			throw new IllegalStateException("The request body was already read; it can no longer be cached");
		}
		long declared = getContentLengthLong();
		if (declared > this.maxBytes) {
			throw new BodyTooLargeException(this.maxBytes);
		}
		try (InputStream in = super.getInputStream()) {
			this.body = read(in, declared);
		}
		return this.body;
	}

	/**
	 * Reads the whole body: a body of the declared length straight into an array of that
	 * size, anything else (no length, or more bytes than declared) through a buffer.
	 */
	private byte[] read(InputStream in, long declared) throws IOException {
		if (declared >= 0 && declared < Integer.MAX_VALUE - 8) {
			byte[] exact = new byte[(int) declared];
			int read = in.readNBytes(exact, 0, exact.length);
			if (read < exact.length) {
				return Arrays.copyOf(exact, read);
			}
			int next = in.read();
			if (next == -1) {
				return exact;
			}
			if (exact.length + 1L > this.maxBytes) {
				throw new BodyTooLargeException(this.maxBytes);
			}
			ByteArrayOutputStream out = new ByteArrayOutputStream(exact.length + 256);
			out.write(exact);
			out.write(next);
			return readRest(in, out);
		}
		return readRest(in, new ByteArrayOutputStream(256));
	}

	private byte[] readRest(InputStream in, ByteArrayOutputStream out) throws IOException {
		byte[] buffer = new byte[8192];
		long total = out.size();
		int read;
		while ((read = in.read(buffer)) != -1) {
			total += read;
			if (total > this.maxBytes) {
				throw new BodyTooLargeException(this.maxBytes);
			}
			out.write(buffer, 0, read);
		}
		return out.toByteArray();
	}

	/** Whether {@link #cachedBody()} has read the body. */
	public synchronized boolean isCached() {
		return this.body != null;
	}

	@Override
	public synchronized ServletInputStream getInputStream() throws IOException {
		if (this.body == null) {
			this.streamTaken = true;
			return super.getInputStream();
		}
		return new CachedInputStream(this.body);
	}

	@Override
	public BufferedReader getReader() throws IOException {
		if (!isCached()) {
			synchronized (this) {
				this.streamTaken = true;
			}
			return super.getReader();
		}
		String encoding = getCharacterEncoding();
		Charset charset = (encoding != null) ? Charset.forName(encoding) : StandardCharsets.ISO_8859_1;
		return new BufferedReader(new InputStreamReader(getInputStream(), charset));
	}

	/** The body is larger than the configured limit. */
	public static final class BodyTooLargeException extends IOException {

		private static final long serialVersionUID = 1L;

		private final long limit;

		BodyTooLargeException(long limit) {
			super("The request body is larger than " + limit + " bytes");
			this.limit = limit;
		}

		/** The limit in bytes. */
		public long limit() {
			return this.limit;
		}

	}

	private static final class CachedInputStream extends ServletInputStream {

		private final ByteArrayInputStream in;

		CachedInputStream(byte[] body) {
			this.in = new ByteArrayInputStream(body);
		}

		@Override
		public int read() {
			return this.in.read();
		}

		@Override
		public int read(byte[] b, int off, int len) {
			return this.in.read(b, off, len);
		}

		@Override
		public boolean isFinished() {
			return this.in.available() == 0;
		}

		@Override
		public boolean isReady() {
			return true;
		}

		@Override
		public void setReadListener(ReadListener listener) {
			throw new UnsupportedOperationException("A cached body is read synchronously");
		}

	}

}
