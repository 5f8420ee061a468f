package tech.onceonly.ai;

import java.time.Duration;
import java.util.Set;

import tech.onceonly.client.LocalOperations;
import tech.onceonly.client.OnceOnly;
import tech.onceonly.client.OnceOnlyBackend;

/**
 * The {@link AgentToolGovernor} that fits a client's backend, chosen by
 * {@link OnceOnly#backend()}: the local engine's pipeline when the backend offers
 * {@link LocalOperations}, the remote governor otherwise.
 */
public final class AgentToolGovernors {

	/** The default dedup window of in-process tools on a remote backend. */
	public static final Duration DEFAULT_REMOTE_DEDUP_WINDOW = Duration.ofHours(24);

	private AgentToolGovernors() {
	}

	/**
	 * The governor for {@code client}.
	 * @param client the client (decorators are invisible: its backend is asked)
	 * @param arguments converts results
	 * @param registeredTools on a remote backend, the tools registered on the server
	 * @param remoteDedupWindow on a remote backend, how long an in-process tool's result
	 * is replayed to identical calls
	 * @return the governor
	 */
	public static AgentToolGovernor forClient(OnceOnly client, ToolArguments arguments, Set<String> registeredTools,
			Duration remoteDedupWindow) {
		return OnceOnlyBackend.of(client)
			.localOperations()
			.<AgentToolGovernor>map((local) -> new LocalAgentToolGovernor(local, arguments))
			.orElseGet(() -> new RemoteAgentToolGovernor(client, arguments, registeredTools, remoteDedupWindow));
	}

}
