/**
 * LangChain4j 1.x adapters: governed and idempotent {@code ToolExecutor}s, a governed
 * {@code ToolProvider}, and the error handler that lets the kill switch abort an AI
 * service. Loaded only when LangChain4j is on the classpath.
 */
@NullMarked
package tech.onceonly.ai.langchain4j;

import org.jspecify.annotations.NullMarked;
