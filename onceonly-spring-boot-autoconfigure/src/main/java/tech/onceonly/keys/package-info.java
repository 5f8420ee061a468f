/**
 * Key derivation shared by the annotations and the AI adapters: canonical JSON of Java
 * values and the digests of the OnceOnly SDKs ({@code @idempotent} function keys,
 * tool-input hashes).
 */
@NullMarked
package tech.onceonly.keys;

import org.jspecify.annotations.NullMarked;
