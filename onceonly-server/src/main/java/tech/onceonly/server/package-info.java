/**
 * The self-hosted OnceOnly API server: the {@code /v1} HTTP API served from the local
 * engine, one namespaced engine per tenant.
 */
@NullMarked
package tech.onceonly.server;

import org.jspecify.annotations.NullMarked;
