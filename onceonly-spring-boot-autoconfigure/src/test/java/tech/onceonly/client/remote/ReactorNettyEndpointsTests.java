package tech.onceonly.client.remote;

/** {@link RemoteEndpointsTests} on Reactor Netty. */
class ReactorNettyEndpointsTests extends RemoteEndpointsTests {

	@Override
	RemoteHttpClient httpClient() {
		return RemoteHttpClient.REACTOR_NETTY;
	}

}
