package tech.onceonly.store.redis;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.pubsub.api.async.RedisPubSubAsyncCommands;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.data.redis.connection.Message;
import org.springframework.data.redis.connection.MessageListener;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.SubscriptionListener;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * The near cache's subscription to the delete channel of its key prefix, on a pub/sub
 * connection of the application's {@link LettuceConnectionFactory} (standalone, sentinel
 * or cluster: {@code PUBLISH} reaches every node's subscribers). A message names a
 * deleted key and evicts its copy. The cache serves only while the subscription is
 * confirmed: each (re)subscription clears it and turns it on, and a dropped connection
 * clears it and turns it off, since deletes may have been published meanwhile (Lettuce
 * reconnects and subscribes again by itself). Started in the background on first use, so
 * a store never waits for it and a Redis that is down only leaves the cache off; a failed
 * start is tried again at most once a second.
 * <p>
 * Loaded only when Lettuce is on the class path.
 */
final class RedisNearCacheInvalidations implements MessageListener, SubscriptionListener, AutoCloseable {

	private static final Log logger = LogFactory.getLog(RedisNearCacheInvalidations.class);

	private static final long RETRY_NANOS = 1_000_000_000L;

	private final LettuceConnectionFactory factory;

	private final byte[] channel;

	private final RedisNearCache cache;

	private final AtomicBoolean starting = new AtomicBoolean();

	private volatile long lastAttemptNanos;

	private volatile boolean attempted;

	private volatile boolean closed;

	private volatile @Nullable RedisConnection connection;

	private final RedisConnectionStateListener stateListener = new RedisConnectionStateListener() {

		@Override
		public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
			RedisNearCacheInvalidations.this.cache.live(false);
		}

	};

	RedisNearCacheInvalidations(LettuceConnectionFactory factory, String channel, RedisNearCache cache) {
		this.factory = factory;
		this.channel = channel.getBytes(StandardCharsets.UTF_8);
		this.cache = cache;
	}

	/**
	 * Starts the subscription in the background unless it runs, is starting, or failed
	 * less than a second ago.
	 */
	void ensureStarted() {
		if (this.connection != null || this.closed) {
			return;
		}
		long now = System.nanoTime();
		if (this.attempted && now - this.lastAttemptNanos < RETRY_NANOS) {
			return;
		}
		if (!this.starting.compareAndSet(false, true)) {
			return;
		}
		this.attempted = true;
		this.lastAttemptNanos = now;
		CompletableFuture.runAsync(this::start);
	}

	private void start() {
		RedisConnection connection = null;
		try {
			connection = this.factory.getConnection();
			connection.subscribe(this, this.channel);
			if (connection.getNativeConnection() instanceof RedisPubSubAsyncCommands<?, ?> pubsub) {
				pubsub.getStatefulConnection().addListener(this.stateListener);
			}
			synchronized (this) {
				if (this.closed) {
					connection.close();
					return;
				}
				this.connection = connection;
			}
		}
		catch (RuntimeException ex) {
			logger.debug("The OnceOnly Redis near cache could not subscribe to its invalidations; it stays off", ex);
			if (connection != null) {
				try {
					connection.close();
				}
				catch (RuntimeException ignored) {
					// closing a connection that failed to subscribe
				}
			}
		}
		finally {
			this.starting.set(false);
		}
	}

	@Override
	public void onChannelSubscribed(byte[] channel, long count) {
		if (!this.closed) {
			this.cache.live(true);
		}
	}

	@Override
	public void onChannelUnsubscribed(byte[] channel, long count) {
		this.cache.live(false);
	}

	@Override
	public void onMessage(Message message, byte @Nullable [] pattern) {
		this.cache.invalidate(new String(message.getBody(), StandardCharsets.UTF_8));
	}

	@Override
	public void close() {
		RedisConnection connection;
		synchronized (this) {
			this.closed = true;
			connection = this.connection;
			this.connection = null;
		}
		this.cache.live(false);
		if (connection != null) {
			try {
				connection.close();
			}
			catch (RuntimeException ex) {
				logger.debug("Closing the OnceOnly Redis near cache's subscription failed", ex);
			}
		}
	}

}
