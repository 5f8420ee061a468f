/**
 * The remote OnceOnly client: the client API spoken over HTTP (Spring {@code WebClient})
 * to the hosted OnceOnly API or a self-hosted {@code onceonly-server}, wire-compatible
 * with the official SDKs.
 */
@NullMarked
package tech.onceonly.client.remote;

import org.jspecify.annotations.NullMarked;
