package tech.onceonly.client.remote;

/** {@link RetryTests} on Reactor Netty. */
class ReactorNettyRetryTests extends RetryTests {

	@Override
	RemoteHttpClient httpClient() {
		return RemoteHttpClient.REACTOR_NETTY;
	}

}
