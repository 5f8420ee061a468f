package tech.onceonly.client.remote;

/** {@link RemoteAccountAndRunsTests} on Reactor Netty. */
class ReactorNettyAccountAndRunsTests extends RemoteAccountAndRunsTests {

	@Override
	RemoteHttpClient httpClient() {
		return RemoteHttpClient.REACTOR_NETTY;
	}

}
