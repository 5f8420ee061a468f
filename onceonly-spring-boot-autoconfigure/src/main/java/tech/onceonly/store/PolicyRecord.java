package tech.onceonly.store;

import java.time.Instant;

/**
 * An agent's stored policy.
 *
 * @param agentId the agent
 * @param policyJson the flat policy object as JSON text
 * @param updatedAt when it was last written (store time)
 */
public record PolicyRecord(String agentId, String policyJson, Instant updatedAt) {
}
