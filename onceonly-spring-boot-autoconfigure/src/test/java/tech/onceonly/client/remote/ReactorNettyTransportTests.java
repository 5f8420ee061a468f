package tech.onceonly.client.remote;

/** {@link TransportTests} on Reactor Netty. */
class ReactorNettyTransportTests extends TransportTests {

	@Override
	RemoteHttpClient httpClient() {
		return RemoteHttpClient.REACTOR_NETTY;
	}

}
