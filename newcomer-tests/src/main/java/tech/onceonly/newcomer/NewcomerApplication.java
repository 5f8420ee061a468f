package tech.onceonly.newcomer;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The application a newcomer writes after reading getting-started: nothing but the
 * starter.
 */
@SpringBootApplication
public class NewcomerApplication {

	public static void main(String[] args) {
		SpringApplication.run(NewcomerApplication.class, args);
	}

}
