package tech.onceonly.store.redis;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.LettuceFutures;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.output.ValueListOutput;
import io.lettuce.core.output.ValueOutput;
import io.lettuce.core.protocol.AsyncCommand;
import io.lettuce.core.protocol.Command;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import org.jspecify.annotations.Nullable;
import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.RedisSystemException;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceExceptionConverter;

/**
 * The store's calls straight on Lettuce's asynchronous commands of the connection the
 * factory hands out (the shared native connection by default): scripts by SHA with
 * {@code byte[]} keys and arguments, and on a standalone or sentinel-managed master the
 * plain reads that answer a replay without a script. This skips what
 * {@code RedisTemplate.execute(script, …)} adds per call (a connection proxy, argument
 * serializers, the SHA lookup under a lock, result conversion), and is used only when the
 * factory is a {@link LettuceConnectionFactory}; failures become Spring's
 * {@link DataAccessException}s exactly as through the template, and every wait is bounded
 * by the factory's command timeout.
 * <p>
 * Loaded only when Lettuce is on the class path (it is an optional dependency).
 */
final class LettuceCalls {

	private static final LettuceExceptionConverter EXCEPTIONS = new LettuceExceptionConverter();

	private static final ByteArrayCodec CODEC = ByteArrayCodec.INSTANCE;

	private final LettuceConnectionFactory factory;

	private final boolean reads;

	private LettuceCalls(LettuceConnectionFactory factory) {
		this.factory = factory;
		// A cluster routes a keyless TIME to another node than the key's (another clock),
		// and a read-from-replica setting would read a replica: both keep every decision
		// inside a script.
		this.reads = !factory.isClusterAware() && factory.getClientConfiguration().getReadFrom().isEmpty();
	}

	/**
	 * The calls on {@code factory}, or {@code null} when it is not Lettuce's or is a
	 * cluster's (whose routing, redirects and topology refreshes the template path is
	 * tested with).
	 */
	static @Nullable LettuceCalls of(@Nullable RedisConnectionFactory factory) {
		return (factory instanceof LettuceConnectionFactory lettuce && !lettuce.isClusterAware())
				? new LettuceCalls(lettuce) : null;
	}

	/**
	 * Whether a decision that needs no write may be made on plain reads (one node, its
	 * clock, the master's data).
	 */
	boolean reads() {
		return this.reads;
	}

	/**
	 * Runs {@code script} by SHA on {@code key} (loading it with {@code EVAL} when Redis
	 * does not know it): a list of strings (nil as {@code null}), a string or a number,
	 * as the script's result type says.
	 */
	@Nullable Object eval(RedisStore.Script script, String key, String... args) {
		byte[][] keys = { bytes(key) };
		byte[][] values = new byte[args.length][];
		for (int i = 0; i < args.length; i++) {
			values[i] = bytes(args[i]);
		}
		ScriptOutputType type = (script.resultType() == List.class) ? ScriptOutputType.MULTI
				: (script.resultType() == Long.class) ? ScriptOutputType.INTEGER : ScriptOutputType.VALUE;
		Object reply = call((commands) -> {
			try {
				return await(commands.<Object>evalsha(script.sha1(), type, keys, values));
			}
			catch (RedisNoScriptException ex) {
				return await(commands.<Object>eval(script.body(), type, keys, values));
			}
		});
		if (reply instanceof byte[] value) {
			return text(value);
		}
		if (reply instanceof List<?> list) {
			List<@Nullable String> texts = new ArrayList<>(list.size());
			for (Object item : list) {
				texts.add((item instanceof byte[] value) ? text(value) : (item != null) ? item.toString() : null);
			}
			return texts;
		}
		return reply;
	}

	/**
	 * {@code HMGET key fields} and then {@code TIME}, written together on one connection
	 * (one round trip, no script). Only when {@link #reads()}.
	 */
	Read hash(String key, byte[][] fields) {
		CommandArgs<byte[], byte[]> args = new CommandArgs<>(CODEC).addKey(bytes(key)).addKeys(fields);
		return read(new Command<>(CommandType.HMGET, new ValueListOutput<>(CODEC), args), fields.length);
	}

	/** {@code GET key} and then {@code TIME}, as {@link #hash}. */
	Read string(String key) {
		CommandArgs<byte[], byte[]> args = new CommandArgs<>(CODEC).addKey(bytes(key));
		return read(new Command<>(CommandType.GET, new ValueOutput<>(CODEC), args), 1);
	}

	private Read read(Command<byte[], byte[], ?> command, int size) {
		return call((commands) -> {
			RedisFuture<?> values;
			RedisFuture<List<byte[]>> time;
			if (commands instanceof RedisAsyncCommands<byte[], byte[]> node) {
				// one write of both: Redis reads them together and answers them together
				AsyncCommand<byte[], byte[], ?> valuesCommand = new AsyncCommand<>(command);
				AsyncCommand<byte[], byte[], List<byte[]>> timeCommand = new AsyncCommand<>(
						new Command<>(CommandType.TIME, new ValueListOutput<>(CODEC)));
				node.getStatefulConnection().dispatch(List.of(valuesCommand, timeCommand));
				values = valuesCommand;
				time = timeCommand;
			}
			else {
				values = commands.dispatch(command.getType(), command.getOutput(), command.getArgs());
				time = commands.dispatch(CommandType.TIME, new ValueListOutput<>(CODEC));
			}
			Object read = await(values);
			@Nullable String[] texts = new String[size];
			if (read instanceof byte[] value) {
				texts[0] = text(value);
			}
			else if (read instanceof List<?> list) {
				for (int i = 0; i < size && i < list.size(); i++) {
					texts[i] = (list.get(i) instanceof byte[] value) ? text(value) : null;
				}
			}
			return new Read(texts, millis(await(time)));
		});
	}

	/** {@code TIME} in milliseconds. Only when {@link #reads()}. */
	long time() {
		return call((commands) -> millis(await(commands.time())));
	}

	private <T> T call(Call<T> call) {
		try (RedisConnection connection = this.factory.getConnection()) {
			@SuppressWarnings("unchecked")
			RedisClusterAsyncCommands<byte[], byte[]> commands = (RedisClusterAsyncCommands<byte[], byte[]>) connection
				.getNativeConnection();
			return call.on(commands);
		}
		catch (DataAccessException ex) {
			throw ex;
		}
		catch (RuntimeException ex) {
			DataAccessException translated = EXCEPTIONS.translateExceptionIfPossible(ex);
			throw (translated != null) ? translated : new RedisSystemException("Redis call failed", ex);
		}
	}

	private <T> T await(RedisFuture<T> future) {
		return LettuceFutures.awaitOrCancel(future, this.factory.getClientConfiguration().getCommandTimeout().toNanos(),
				TimeUnit.NANOSECONDS);
	}

	/** The Redis clock as the scripts read it: seconds * 1000 + microseconds / 1000. */
	private static long millis(List<byte[]> time) {
		return Long.parseLong(text(time.get(0))) * 1000 + Long.parseLong(text(time.get(1))) / 1000;
	}

	static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	private static String text(byte[] value) {
		return new String(value, StandardCharsets.UTF_8);
	}

	/**
	 * What a read found: the values in the order asked ({@code null} when absent) and the
	 * Redis time in milliseconds, read after them.
	 */
	record Read(@Nullable String[] values, long millis) {

		@Override
		public boolean equals(Object other) {
			return other instanceof Read read && read.millis == this.millis && Arrays.equals(read.values, this.values);
		}

		@Override
		public int hashCode() {
			return Long.hashCode(this.millis) * 31 + Arrays.hashCode(this.values);
		}

		@Override
		public String toString() {
			return "Read" + Arrays.toString(this.values) + "@" + this.millis;
		}

	}

	@FunctionalInterface
	private interface Call<T> {

		T on(RedisClusterAsyncCommands<byte[], byte[]> commands);

	}

}
