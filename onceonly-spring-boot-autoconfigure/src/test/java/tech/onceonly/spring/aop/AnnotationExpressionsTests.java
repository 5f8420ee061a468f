package tech.onceonly.spring.aop;

import java.lang.reflect.Method;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.expression.EvaluationContext;
import org.springframework.expression.EvaluationException;
import org.springframework.expression.Expression;
import org.springframework.util.ReflectionUtils;

import tech.onceonly.spring.aop.AnnotationExpressions.Syntax;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class AnnotationExpressionsTests {

	private final DefaultListableBeanFactory beanFactory = new DefaultListableBeanFactory();

	private final AnnotationExpressions expressions = new AnnotationExpressions(this.beanFactory);

	private final Method charge = ReflectionUtils.findMethod(Orders.class, "charge", String.class, int.class);

	@Test
	void plainExpressionShouldSeeParametersByNameAndPositionAndTheRoot() {
		Expression key = parse("#orderId + ':' + #p1 + ':' + #a1 + ':' + #root.methodName + ':' + #root.args.length",
				Syntax.PLAIN);
		assertThat(key.getValue(context("o-1", 3))).isEqualTo("o-1:3:3:charge:2");
	}

	@Test
	void templateShouldKeepTextAndEvaluateEmbeddedExpressionsWithTheSameVariables() {
		Expression tool = parse("refund-#{#orderId}-#{#p1}", Syntax.TEMPLATE);
		assertThat(tool.getValue(context("o-1", 3))).isEqualTo("refund-o-1-3");
		assertThat(parse("billing-agent", Syntax.TEMPLATE).getValue(context("o-1", 3))).isEqualTo("billing-agent");
	}

	@Test
	void beanReferencesShouldResolveThroughTheBeanFactory() {
		this.beanFactory.registerSingleton("tenant", new Tenant("acme"));
		assertThat(parse("@tenant.name + ':' + #orderId", Syntax.PLAIN).getValue(context("o-1", 1)))
			.isEqualTo("acme:o-1");
	}

	@Test
	void syntaxErrorShouldNameTheMethodTheAttributeAndHowToWriteIt() {
		assertThatIllegalStateException().isThrownBy(() -> parse("'order:' + ", Syntax.PLAIN))
			.withMessageContaining("@Idempotent(key = \"'order:' + \") on Orders.charge(String, int)")
			.withMessageContaining("is not valid SpEL")
			.withMessageContaining("quote text as 'text'");
	}

	@Test
	void unknownVariableShouldBeRefusedListingWhatIsAvailable() {
		assertThatIllegalStateException().isThrownBy(() -> parse("#order.id + #p2", Syntax.PLAIN))
			.withMessageContaining("Orders.charge(String, int)")
			.withMessageContaining("uses #order, #p2, which are not defined here")
			.withMessageContaining("by name (orderId, attempt)");
		assertThatIllegalStateException().isThrownBy(() -> parse("agent-#{#agentName}", Syntax.TEMPLATE))
			.withMessageContaining("uses #agentName, which is not defined here");
	}

	@Test
	void rootAndThisShouldAlwaysBeAllowed() {
		Expression expression = parse("{1, 2}.?[#this > 1].size() + #root.args.length", Syntax.PLAIN);
		assertThat(expression.getValue(context("o", 1))).isEqualTo(3);
	}

	@Test
	void templateWrittenWherePlainIsExpectedShouldSayHowToMigrate() {
		assertThatIllegalStateException().isThrownBy(() -> parse("#{#orderId}", Syntax.PLAIN))
			.withMessageContaining("key is a plain SpEL expression: write key = \"#orderId\"");
	}

	@Test
	void plainExpressionWrittenWhereTextIsExpectedShouldSayHowToMigrate() {
		assertThatIllegalStateException().isThrownBy(() -> parse("#orderId", Syntax.TEMPLATE))
			.withMessageContaining("key is text with #{...} parts: write key = \"#{#orderId}\"");
	}

	@Test
	void typeReferencesAndConstructorsShouldBeRefusedAtEvaluation() {
		Expression type = parse("T(java.lang.System).getProperty('user.home')", Syntax.PLAIN);
		assertThatExceptionOfType(EvaluationException.class).isThrownBy(() -> type.getValue(context("o", 1)))
			.withMessageContaining("type references (T(...)) are not allowed");
		Expression constructor = parse("new java.io.File('/tmp').getPath()", Syntax.PLAIN);
		assertThatExceptionOfType(EvaluationException.class).isThrownBy(() -> constructor.getValue(context("o", 1)));
	}

	@Test
	void otherVariableSetsShouldBeCheckedTheSameWay() {
		List<String> variables = List.of("headers", "body");
		assertThat(AnnotationExpressions.parse("#headers['X-Id'] ?: #body.id", Syntax.PLAIN, "@IdempotentWebhook",
				"key", "Hooks#receive", variables, "#headers and #body"))
			.isNotNull();
		assertThatIllegalStateException()
			.isThrownBy(() -> AnnotationExpressions.parse("#event.id", Syntax.PLAIN, "@IdempotentWebhook", "key",
					"Hooks#receive", variables, "#headers and #body"))
			.withMessageContaining("@IdempotentWebhook(key = \"#event.id\") on Hooks#receive uses #event")
			.withMessageContaining("available: #headers and #body");
	}

	private Expression parse(String text, Syntax syntax) {
		return this.expressions.parseForMethod(text, syntax, "@Idempotent", "key", this.charge,
				OnceOnlyOperationSource.describe(Orders.class, this.charge));
	}

	private EvaluationContext context(String orderId, int attempt) {
		Orders target = new Orders();
		return this.expressions.methodContext(this.charge, new Object[] { orderId, attempt }, target, Orders.class);
	}

	static class Orders {

		public String charge(String orderId, int attempt) {
			return orderId + attempt;
		}

	}

	public record Tenant(String name) {
	}

}
