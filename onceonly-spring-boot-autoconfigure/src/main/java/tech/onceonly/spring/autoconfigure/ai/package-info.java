/**
 * Auto-configuration of AI agent tool governance: the framework-neutral governor and one
 * configuration per AI framework (Spring AI, LangChain4j), each active only when its
 * framework is on the classpath.
 */
@NullMarked
package tech.onceonly.spring.autoconfigure.ai;

import org.jspecify.annotations.NullMarked;
