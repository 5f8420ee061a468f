/**
 * The /v1 controllers, request validation and the API's error shapes.
 */
@NullMarked
package tech.onceonly.server.web;

import org.jspecify.annotations.NullMarked;
