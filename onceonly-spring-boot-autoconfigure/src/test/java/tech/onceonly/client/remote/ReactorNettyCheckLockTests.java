package tech.onceonly.client.remote;

/** {@link CheckLockTests} on Reactor Netty. */
class ReactorNettyCheckLockTests extends CheckLockTests {

	@Override
	RemoteHttpClient httpClient() {
		return RemoteHttpClient.REACTOR_NETTY;
	}

}
