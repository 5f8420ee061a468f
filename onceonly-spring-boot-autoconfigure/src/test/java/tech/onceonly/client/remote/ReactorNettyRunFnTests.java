package tech.onceonly.client.remote;

/** {@link RunFnTests} on Reactor Netty. */
class ReactorNettyRunFnTests extends RunFnTests {

	@Override
	RemoteHttpClient httpClient() {
		return RemoteHttpClient.REACTOR_NETTY;
	}

}
