/**
 * Agent governance in the local engine: policies and templates, the kill switch, the
 * governed tool-call pipeline, the tools registry and its signed HTTP calls, server-side
 * runs and their timelines.
 */
@NullMarked
package tech.onceonly.engine.governance;

import org.jspecify.annotations.NullMarked;
