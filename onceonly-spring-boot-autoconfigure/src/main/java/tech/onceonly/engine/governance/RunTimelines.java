package tech.onceonly.engine.governance;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import tech.onceonly.Internal;
import tech.onceonly.client.RunEvent;
import tech.onceonly.client.ValidationException;
import tech.onceonly.store.EventRecord;
import tech.onceonly.store.GovernanceStore;

/**
 * Run timelines: events posted by callers and written by the run worker, read back per
 * run (oldest first) or across runs (newest first). Each event answered carries its
 * {@code id} and {@code ts} (epoch seconds, store time unless the poster gave one).
 */
@Internal
public final class RunTimelines {

	private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
	};

	private final GovernanceStore store;

	private final JsonMapper json;

	RunTimelines(GovernanceStore store, JsonMapper json) {
		this.store = store;
		this.json = json;
	}

	/**
	 * Appends an event ({@code POST /events}).
	 * @return {@code {"ok": true, "event_id": …, "run_id": …}}
	 * @throws IllegalArgumentException when run_id or type is blank
	 */
	public Map<String, Object> post(RunEvent event) {
		String runId = requireRunId(event.runId());
		if (event.type() == null || event.type().isBlank()) {
			throw new IllegalArgumentException("type must not be empty");
		}
		Map<String, Object> body = new LinkedHashMap<>(event.toWire());
		body.put("run_id", runId);
		body.put("type", event.type().trim());
		body.putIfAbsent("ts", this.store.now().getEpochSecond());
		EventRecord record = this.store.appendEvent(runId, this.json.writeValueAsString(body));
		Map<String, Object> answer = new LinkedHashMap<>();
		answer.put("ok", true);
		answer.put("event_id", record.id());
		answer.put("run_id", runId);
		return answer;
	}

	/**
	 * A run's timeline ({@code GET /runs/{run_id}}): {@code {"run_id", "total", "events":
	 * [...]}}, oldest first.
	 * @throws IllegalArgumentException when run_id is blank
	 * @throws ValidationException when limit is outside 1–2000 or offset is negative
	 */
	public Map<String, Object> timeline(String runId, int limit, int offset) {
		String id = requireRunId(runId);
		if (limit < 1 || limit > 2000) {
			throw new ValidationException("limit must be from 1 to 2000, was " + limit);
		}
		if (offset < 0) {
			throw new ValidationException("offset must not be negative, was " + offset);
		}
		Map<String, Object> answer = new LinkedHashMap<>();
		answer.put("run_id", id);
		answer.put("total", this.store.countRunEvents(id));
		answer.put("events", events(this.store.listRunEvents(id, limit, offset)));
		return answer;
	}

	/**
	 * The latest events of every run ({@code GET /events}), newest first, as
	 * {@code {"data": [...]}}.
	 * @throws ValidationException when limit is outside 1–500 or offset is negative
	 */
	public Map<String, Object> recent(int limit, int offset) {
		if (limit < 1 || limit > 500) {
			throw new ValidationException("limit must be from 1 to 500, was " + limit);
		}
		if (offset < 0) {
			throw new ValidationException("offset must not be negative, was " + offset);
		}
		Map<String, Object> answer = new LinkedHashMap<>();
		answer.put("data", events(this.store.listRecentEvents(limit, offset)));
		return answer;
	}

	private List<Map<String, Object>> events(List<EventRecord> records) {
		List<Map<String, Object>> events = new ArrayList<>(records.size());
		for (EventRecord record : records) {
			Map<String, Object> event = new LinkedHashMap<>();
			event.put("id", record.id());
			event.putAll(this.json.readValue(record.eventJson(), MAP));
			events.add(event);
		}
		return events;
	}

	static String requireRunId(String runId) {
		if (runId == null || runId.isBlank()) {
			throw new IllegalArgumentException("run_id must not be empty");
		}
		return runId.trim();
	}

}
