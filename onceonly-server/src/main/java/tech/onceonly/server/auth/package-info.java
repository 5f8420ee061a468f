/**
 * Bearer API keys: hashed key registry, key generation and the authentication filter.
 */
@NullMarked
package tech.onceonly.server.auth;

import org.jspecify.annotations.NullMarked;
