/**
 * Governance and exactly-once for AI agents' tool calls, independent of any AI framework:
 * the governor, agent identity resolution, the messages models receive, and the
 * {@code make_idempotent_tool} behaviour.
 */
@NullMarked
package tech.onceonly.ai;

import org.jspecify.annotations.NullMarked;
