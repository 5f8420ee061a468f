package tech.onceonly.client.remote;

/** {@link RemoteToolDecisionsTests} on Reactor Netty. */
class ReactorNettyToolDecisionsTests extends RemoteToolDecisionsTests {

	@Override
	RemoteHttpClient httpClient() {
		return RemoteHttpClient.REACTOR_NETTY;
	}

}
