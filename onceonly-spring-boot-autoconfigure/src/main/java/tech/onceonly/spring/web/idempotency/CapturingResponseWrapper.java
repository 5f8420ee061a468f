package tech.onceonly.spring.web.idempotency;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import org.jspecify.annotations.Nullable;

import tech.onceonly.Internal;

/**
 * A response that passes everything through until {@link #startCapture()} is called (by
 * {@link IdempotencyKeyInterceptor}, for a guarded handler only), then holds the body
 * until it is stored, up to a limit: a body that grows past the limit is sent on as it is
 * written (from then on streaming, never held in memory) and is not stored. Unguarded
 * handlers are never buffered, whatever headers their request carries.
 */
@Internal
public final class CapturingResponseWrapper extends HttpServletResponseWrapper {

	private final long limit;

	private final ByteArrayOutputStream held = new ByteArrayOutputStream();

	private boolean capturing;

	private boolean overflowed;

	private @Nullable ServletOutputStream stream;

	private @Nullable PrintWriter writer;

	/**
	 * A response that holds at most {@code limit} body bytes once capture has started.
	 * @param response the response to wrap
	 * @param limit the largest body held for storing
	 */
	public CapturingResponseWrapper(HttpServletResponse response, long limit) {
		super(response);
		this.limit = limit;
	}

	/** From now on the body is held (up to the limit) until {@link #send()}. */
	public void startCapture() {
		this.capturing = true;
	}

	/** Whether the handler's body is being held. */
	public boolean capturing() {
		return this.capturing;
	}

	/**
	 * The held body, or {@code null} when it grew past the limit (and was sent as it was
	 * written).
	 */
	public byte @Nullable [] capturedBody() throws IOException {
		flushWriter();
		return this.overflowed ? null : this.held.toByteArray();
	}

	/** Sends the held body (if any) to the client. */
	public void send() throws IOException {
		if (!this.capturing) {
			return;
		}
		flushWriter();
		if (!this.overflowed && this.held.size() > 0) {
			ServletOutputStream out = super.getOutputStream();
			this.held.writeTo(out);
			this.held.reset();
		}
		this.capturing = false;
		super.flushBuffer();
	}

	private boolean holding() {
		return this.capturing && !this.overflowed;
	}

	private void flushWriter() {
		if (this.writer != null) {
			this.writer.flush();
		}
	}

	@Override
	public ServletOutputStream getOutputStream() throws IOException {
		if (!this.capturing) {
			return super.getOutputStream();
		}
		if (this.writer != null) {
			throw new IllegalStateException("getWriter() has already been called for this response");
		}
		if (this.stream == null) {
			this.stream = new HoldingStream();
		}
		return this.stream;
	}

	@Override
	public PrintWriter getWriter() throws IOException {
		if (!this.capturing) {
			return super.getWriter();
		}
		if (this.stream != null && this.writer == null) {
			throw new IllegalStateException("getOutputStream() has already been called for this response");
		}
		if (this.writer == null) {
			String encoding = getCharacterEncoding();
			Charset charset = (encoding != null) ? Charset.forName(encoding) : StandardCharsets.ISO_8859_1;
			this.writer = new PrintWriter(new OutputStreamWriter(new HoldingStream(), charset));
		}
		return this.writer;
	}

	@Override
	public void flushBuffer() throws IOException {
		flushWriter();
		if (!holding()) {
			super.flushBuffer();
		}
	}

	@Override
	public void resetBuffer() {
		if (holding()) {
			this.held.reset();
		}
		super.resetBuffer();
	}

	@Override
	public void reset() {
		if (holding()) {
			this.held.reset();
		}
		super.reset();
	}

	@Override
	public void sendError(int sc) throws IOException {
		discardHeld();
		super.sendError(sc);
	}

	@Override
	public void sendError(int sc, String msg) throws IOException {
		discardHeld();
		super.sendError(sc, msg);
	}

	@Override
	public void sendRedirect(String location) throws IOException {
		discardHeld();
		super.sendRedirect(location);
	}

	private void discardHeld() {
		if (holding()) {
			this.held.reset();
			this.capturing = false;
		}
	}

	private void write(byte[] bytes, int offset, int length) throws IOException {
		if (holding() && this.held.size() + (long) length > this.limit) {
			// past the limit: send what was held and stream the rest; nothing is stored
			this.overflowed = true;
			ServletOutputStream out = super.getOutputStream();
			this.held.writeTo(out);
			this.held.reset();
		}
		if (holding()) {
			this.held.write(bytes, offset, length);
		}
		else {
			super.getOutputStream().write(bytes, offset, length);
		}
	}

	private final class HoldingStream extends ServletOutputStream {

		@Override
		public void write(int b) throws IOException {
			CapturingResponseWrapper.this.write(new byte[] { (byte) b }, 0, 1);
		}

		@Override
		public void write(byte[] b, int off, int len) throws IOException {
			CapturingResponseWrapper.this.write(b, off, len);
		}

		@Override
		public void flush() throws IOException {
			if (!holding()) {
				CapturingResponseWrapper.super.getOutputStream().flush();
			}
		}

		@Override
		public boolean isReady() {
			return true;
		}

		@Override
		public void setWriteListener(WriteListener listener) {
			throw new UnsupportedOperationException("non-blocking writes are not supported by guarded handlers");
		}

	}

}
