package tech.onceonly.server;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.test.context.TestPropertySource;

/**
 * The {@link ServerTest server} with {@code 127.0.0.1} added to the tool URL allow-list,
 * so a WireMock server on the loopback address can be registered and called as a tool;
 * every test class using it shares one context.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@ServerTest
@TestPropertySource(properties = "onceonly.server.tool-url-allow-list=tools.internal.example,10.9.0.0/16,127.0.0.1/32")
public @interface LoopbackToolServerTest {

}
