package tech.onceonly.server;

import tech.onceonly.client.OnceOnly;
import tech.onceonly.client.remote.RemoteHttpClient;
import tech.onceonly.client.remote.RemoteOnceOnly;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link RemoteToServerContractTests} with the remote client on the JDK
 * {@code HttpClient}, the transport of applications without Reactor Netty.
 */
class RemoteToServerContractOnJdkClientTests extends RemoteToServerContractTests {

	@Override
	protected OnceOnly createClient() {
		RemoteOnceOnly client = remoteClient(this.port, this.leaseEvents, RemoteHttpClient.JDK);
		assertThat(client.httpClient()).isEqualTo(RemoteHttpClient.JDK);
		return client;
	}

}
