/**
 * Guards registered tool URLs against server-side request forgery.
 */
@NullMarked
package tech.onceonly.server.security;

import org.jspecify.annotations.NullMarked;
