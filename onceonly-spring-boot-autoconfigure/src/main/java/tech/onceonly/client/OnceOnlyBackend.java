package tech.onceonly.client;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

/**
 * What the backend behind an {@link OnceOnly} client is and what it supports beyond the
 * common API, as answered by {@link OnceOnly#backend()}. Decorators (observation, user
 * wrappers implementing {@link DelegatingOnceOnly}) forward it, so code that needs a
 * backend capability asks the client it was given instead of looking behind decorators
 * for a concrete class.
 * <p>
 * A remote client (the hosted API or a self-hosted server) has no store of its own and no
 * {@link #localOperations() local operations}; the local engine reports its store type
 * and offers {@link LocalOperations}.
 */
public final class OnceOnlyBackend {

	private static final OnceOnlyBackend REMOTE = new OnceOnlyBackend(Kind.REMOTE, null, null);

	private final Kind kind;

	private final @Nullable String storeType;

	private final @Nullable LocalOperations localOperations;

	private final @Nullable ToolDecisions toolDecisions;

	private OnceOnlyBackend(Kind kind, @Nullable String storeType, @Nullable LocalOperations localOperations) {
		this(kind, storeType, localOperations, null);
	}

	private OnceOnlyBackend(Kind kind, @Nullable String storeType, @Nullable LocalOperations localOperations,
			@Nullable ToolDecisions toolDecisions) {
		this.kind = kind;
		this.storeType = storeType;
		this.localOperations = localOperations;
		this.toolDecisions = toolDecisions;
	}

	/** A remote backend: the hosted OnceOnly API or a self-hosted server, over HTTP. */
	public static OnceOnlyBackend remote() {
		return REMOTE;
	}

	/**
	 * A remote backend that decides in-process tool calls through {@code decisions} (a
	 * self-hosted server's extension; see {@link ToolDecisions}).
	 * @param decisions the two-step pipeline of in-process tools
	 * @return the backend
	 */
	public static OnceOnlyBackend remote(ToolDecisions decisions) {
		return new OnceOnlyBackend(Kind.REMOTE, null, null, Objects.requireNonNull(decisions, "decisions"));
	}

	/**
	 * The two-step pipeline of in-process tools, when the client can ask for it (it may
	 * still answer {@code 404} on a server that does not offer it); empty for the local
	 * engine, which runs them itself.
	 */
	public Optional<ToolDecisions> toolDecisions() {
		return Optional.ofNullable(this.toolDecisions);
	}

	/**
	 * The local engine on a store.
	 * @param storeType the store type, e.g. {@code memory}, {@code jdbc}, {@code redis}
	 * @param operations what the local engine offers beyond the common API
	 * @return the backend
	 */
	public static OnceOnlyBackend local(String storeType, LocalOperations operations) {
		return new OnceOnlyBackend(Kind.LOCAL, Objects.requireNonNull(storeType, "storeType"),
				Objects.requireNonNull(operations, "operations"));
	}

	/**
	 * The backend of {@code client}: its {@link OnceOnly#backend()}, or {@link #remote()}
	 * when it answers {@code null} (as mocks and dynamic proxies do).
	 * @param client the client
	 * @return the backend
	 */
	public static OnceOnlyBackend of(OnceOnly client) {
		OnceOnlyBackend backend = client.backend();
		return (backend != null) ? backend : REMOTE;
	}

	/** Local or remote. */
	public Kind kind() {
		return this.kind;
	}

	/** True for the in-process engine. */
	public boolean isLocal() {
		return this.kind == Kind.LOCAL;
	}

	/** The local engine's store type; empty for a remote backend. */
	public Optional<String> storeType() {
		return Optional.ofNullable(this.storeType);
	}

	/** The local engine's operations; empty for a remote backend. */
	public Optional<LocalOperations> localOperations() {
		return Optional.ofNullable(this.localOperations);
	}

	/**
	 * The same backend with other local operations, for decorators that observe them (a
	 * remote backend is returned unchanged).
	 * @param operations the operations to report instead
	 * @return the backend
	 */
	public OnceOnlyBackend withLocalOperations(LocalOperations operations) {
		if (this.kind != Kind.LOCAL) {
			return this;
		}
		return new OnceOnlyBackend(Kind.LOCAL, this.storeType, Objects.requireNonNull(operations, "operations"));
	}

	@Override
	public String toString() {
		return (this.storeType != null) ? this.kind.tag() + " (" + this.storeType + " store)" : this.kind.tag();
	}

	/** The kind of backend. */
	public enum Kind {

		/** The in-process engine on a store. */
		LOCAL,

		/** The hosted API or a self-hosted server, over HTTP. */
		REMOTE;

		/** The lower-case name used in tags, health details and the actuator endpoint. */
		public String tag() {
			return name().toLowerCase(Locale.ROOT);
		}

	}

}
