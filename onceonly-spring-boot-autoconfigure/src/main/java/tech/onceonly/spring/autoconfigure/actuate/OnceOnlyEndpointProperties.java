package tech.onceonly.spring.autoconfigure.actuate;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration of the {@code onceonly} actuator endpoint under
 * {@code onceonly.endpoint.*}.
 */
@ConfigurationProperties("onceonly.endpoint")
public class OnceOnlyEndpointProperties {

	/**
	 * Whether the endpoint's write operations (releasing a lock or lease, disabling or
	 * enabling an agent) are allowed. Off by default; the endpoint must also be exposed,
	 * and the application must secure it.
	 */
	private boolean writeEnabled = false;

	/** How many recent governance decisions an agent read returns. */
	private int decisionLimit = 20;

	public boolean isWriteEnabled() {
		return this.writeEnabled;
	}

	public void setWriteEnabled(boolean writeEnabled) {
		this.writeEnabled = writeEnabled;
	}

	public int getDecisionLimit() {
		return this.decisionLimit;
	}

	public void setDecisionLimit(int decisionLimit) {
		this.decisionLimit = decisionLimit;
	}

}
