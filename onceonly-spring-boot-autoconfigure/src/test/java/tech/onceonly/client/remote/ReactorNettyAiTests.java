package tech.onceonly.client.remote;

/** {@link RemoteAiTests} on Reactor Netty. */
class ReactorNettyAiTests extends RemoteAiTests {

	@Override
	RemoteHttpClient httpClient() {
		return RemoteHttpClient.REACTOR_NETTY;
	}

}
