/**
 * The OnceOnly client API: the {@link tech.onceonly.client.OnceOnly} interface, its
 * results and its errors.
 */
@NullMarked
package tech.onceonly.client;

import org.jspecify.annotations.NullMarked;
