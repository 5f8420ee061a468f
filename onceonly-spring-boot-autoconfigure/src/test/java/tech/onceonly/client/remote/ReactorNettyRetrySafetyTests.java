package tech.onceonly.client.remote;

/** {@link RemoteRetrySafetyTests} on Reactor Netty. */
class ReactorNettyRetrySafetyTests extends RemoteRetrySafetyTests {

	@Override
	RemoteHttpClient httpClient() {
		return RemoteHttpClient.REACTOR_NETTY;
	}

}
