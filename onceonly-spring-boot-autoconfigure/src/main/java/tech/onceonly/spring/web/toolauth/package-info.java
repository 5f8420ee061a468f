/**
 * Verification of OnceOnly's HMAC-signed calls to tools served by this application.
 */
@NullMarked
package tech.onceonly.spring.web.toolauth;

import org.jspecify.annotations.NullMarked;
