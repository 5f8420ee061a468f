package tech.onceonly.server.limits;

import java.util.Locale;

import org.jspecify.annotations.Nullable;

/** What a quota counts: check-locks ({@code make}) or acquired leases ({@code ai}). */
public enum UsageKind {

	/** Check-locks. */
	MAKE,

	/** Acquired leases and keyed runs. */
	AI;

	/** The wire name. */
	public String wireName() {
		return name().toLowerCase(Locale.ROOT);
	}

	/** The kind of a wire name, or {@code null}. */
	public static @Nullable UsageKind fromWire(String name) {
		for (UsageKind kind : values()) {
			if (kind.wireName().equals(name)) {
				return kind;
			}
		}
		return null;
	}

}
