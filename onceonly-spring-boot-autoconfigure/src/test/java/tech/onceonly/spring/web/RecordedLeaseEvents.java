package tech.onceonly.spring.web;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import tech.onceonly.client.LeaseEvents;

/** Lease events recorded as {@code <event>:<path>} for assertions. */
public final class RecordedLeaseEvents implements LeaseEvents {

	private final List<String> events = new CopyOnWriteArrayList<>();

	@Override
	public void leaseLost(String path, String key) {
		this.events.add("leaseLost:" + path);
	}

	@Override
	public void completionRetried(String path, String key, int attempt, Throwable failure) {
		this.events.add("completionRetried:" + path);
	}

	@Override
	public void outcomeUnknown(String path, String key, Throwable failure) {
		this.events.add("outcomeUnknown:" + path);
	}

	/** The events so far, in order. */
	public List<String> events() {
		return this.events;
	}

}
