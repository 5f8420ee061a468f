package tech.onceonly.store;

import java.time.Instant;

/**
 * A run timeline event.
 *
 * @param id increases with every event the store appends
 * @param runId the run
 * @param ts when it was appended (store time)
 * @param eventJson the event object as JSON text
 */
public record EventRecord(long id, String runId, Instant ts, String eventJson) {
}
