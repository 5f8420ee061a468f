package tech.onceonly.spring.aop;

import org.junit.jupiter.api.Test;

import tech.onceonly.spring.annotation.Idempotent;
import tech.onceonly.spring.annotation.IdempotentAi;
import tech.onceonly.spring.annotation.RunOnce;

import static org.assertj.core.api.Assertions.assertThat;

class IdempotentMethodValidatorTests {

	@Test
	void privateStaticAndFinalAnnotatedMethodsShouldBeReported() {
		assertThat(IdempotentMethodValidator.problems(Unproxyable.class)).hasSize(3)
			.anySatisfy((problem) -> assertThat(problem).contains("Unproxyable.hidden(String) is private"))
			.anySatisfy((problem) -> assertThat(problem).contains("Unproxyable.fixed(String) is final"))
			.anySatisfy((problem) -> assertThat(problem).contains("Unproxyable.shared(String) is static"));
	}

	@Test
	void finalClassesShouldBeReported() {
		assertThat(IdempotentMethodValidator.problems(Sealed.class))
			.anySatisfy((problem) -> assertThat(problem).contains("is final and implements no interface"));
	}

	@Test
	void runOnceMethodsShouldBeReportedLikeIdempotentAi() {
		assertThat(IdempotentMethodValidator.problems(UnproxyableRunOnce.class)).singleElement()
			.satisfies((problem) -> assertThat(problem).contains("UnproxyableRunOnce.charge(String) is private"));
	}

	@Test
	void publicMethodsShouldPass() {
		assertThat(IdempotentMethodValidator.problems(Fine.class)).isEmpty();
	}

	static class Unproxyable {

		@Idempotent
		private void hidden(String a) {
		}

		@IdempotentAi(key = "#p0")
		public final String fixed(String a) {
			return a;
		}

		@Idempotent
		public static void shared(String a) {
		}

	}

	static class UnproxyableRunOnce {

		@RunOnce(key = "#p0")
		private String charge(String a) {
			return a;
		}

	}

	static final class Sealed {

		@Idempotent
		public void run(String a) {
		}

	}

	static class Fine {

		@Idempotent
		public void run(String a) {
		}

		void notAnnotated() {
		}

	}

}
