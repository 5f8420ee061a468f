/**
 * Auto-configuration of the OnceOnly client, engine and stores from {@code onceonly.*}
 * properties.
 */
@NullMarked
package tech.onceonly.spring.autoconfigure;

import org.jspecify.annotations.NullMarked;
