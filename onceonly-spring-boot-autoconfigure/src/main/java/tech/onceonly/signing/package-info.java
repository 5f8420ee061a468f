/**
 * The signing of OnceOnly's calls to registered tools, shared by the engine that signs
 * them and the verifier of the receiving application; it depends on nothing else of the
 * library.
 */
@NullMarked
package tech.onceonly.signing;

import org.jspecify.annotations.NullMarked;
