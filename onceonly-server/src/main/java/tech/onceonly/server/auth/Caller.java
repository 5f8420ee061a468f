package tech.onceonly.server.auth;

/**
 * The authenticated caller of a request, stored in the request attribute
 * {@link #ATTRIBUTE}.
 *
 * @param tenant the tenant whose data the request may see and change
 * @param plan the plan of the key
 * @param keyId a short, non-secret id of the key (a prefix of its hash) for rate limiting
 * and logs
 */
public record Caller(String tenant, String plan, String keyId) {

	/** The request attribute holding the caller. */
	public static final String ATTRIBUTE = "tech.onceonly.server.caller";

}
