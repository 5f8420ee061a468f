/**
 * OnceOnly for Spring Boot: the marks that apply to the whole library.
 */
@NullMarked
package tech.onceonly;

import org.jspecify.annotations.NullMarked;
