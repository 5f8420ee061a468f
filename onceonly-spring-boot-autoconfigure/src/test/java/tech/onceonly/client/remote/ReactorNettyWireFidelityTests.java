package tech.onceonly.client.remote;

/** {@link RemoteWireFidelityTests} on Reactor Netty. */
class ReactorNettyWireFidelityTests extends RemoteWireFidelityTests {

	@Override
	RemoteHttpClient httpClient() {
		return RemoteHttpClient.REACTOR_NETTY;
	}

}
