package tech.onceonly.client.remote;

/** {@link RemoteGovTests} on Reactor Netty. */
class ReactorNettyGovTests extends RemoteGovTests {

	@Override
	RemoteHttpClient httpClient() {
		return RemoteHttpClient.REACTOR_NETTY;
	}

}
