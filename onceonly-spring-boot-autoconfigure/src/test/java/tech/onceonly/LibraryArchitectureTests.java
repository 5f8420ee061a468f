package tech.onceonly;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaMember;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;

import tech.onceonly.client.OnceOnlyException;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.methods;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The architecture of DESIGN §2 and STYLE, checked against the library's compiled main
 * classes: which package may depend on which, no package cycles, the shape of the
 * auto-configurations, and every package classified as user-facing or internal.
 *
 * <p>
 * Rules that today's code still breaks carry an explicit allow-list ({@code KNOWN_…}):
 * the classes that break them now, each with the reason. Any other class that breaks a
 * rule fails the test, and so does an allow-listed class that no longer breaks it (remove
 * it from the list then), so each list only ever shrinks. {@code docs/development.md} has
 * the rules in words.
 */
class LibraryArchitectureTests {

	private static final JavaClasses CLASSES = new ClassFileImporter()
		.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
		.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
		.importPackages("tech.onceonly");

	/** The entry points of DESIGN §2: they call only the OnceOnly API. */
	private static final String[] ENTRY_POINTS = { "tech.onceonly.spring.aop..", "tech.onceonly.spring.web..",
			"tech.onceonly.spring.annotation..", "tech.onceonly.ai.." };

	/**
	 * What no entry point may use: a concrete backend, the stores, or the wiring above
	 * it.
	 */
	private static final String[] BELOW_THE_API = { "tech.onceonly.engine..", "tech.onceonly.store..",
			"tech.onceonly.client.remote..", "tech.onceonly.spring.autoconfigure..",
			"tech.onceonly.spring.observation..", "tech.onceonly.spring.health..", "tech.onceonly.spring.actuate.." };

	/**
	 * The concrete backends: the engine, the remote client and the store implementations.
	 */
	private static final String[] CONCRETE_BACKENDS = { "tech.onceonly.engine..", "tech.onceonly.client.remote..",
			"tech.onceonly.store.memory..", "tech.onceonly.store.jdbc..", "tech.onceonly.store.redis.." };

	/**
	 * Entry points that still use the engine: none since {@code @GovernedTool} goes
	 * through {@code AgentToolGovernor} and the signing moved to
	 * {@code tech.onceonly.signing}. Keep it empty.
	 */
	private static final Map<String, String> KNOWN_ENTRY_POINTS_ON_THE_ENGINE = Map.of();

	/**
	 * Observation, health and actuator classes that still sniff for the local engine:
	 * none since they ask {@code OnceOnly.backend()}. Keep it empty.
	 */
	private static final Map<String, String> KNOWN_OBSERVABILITY_ON_A_BACKEND = Map.of();

	/**
	 * Engine classes that still build a concrete store; <b>typed</b> reworks the engine.
	 */
	private static final Map<String, String> KNOWN_ENGINE_ON_A_CONCRETE_STORE = Map
		.of("tech.onceonly.engine.LocalOnceOnly", "defaults to store.memory.InMemoryGovernanceStore");

	/**
	 * Public members of user-facing types that still hand out an internal type; each
	 * should become package-private (or its type move to an internal package) when its
	 * owner next touches it.
	 */
	private static final Map<String, String> KNOWN_INTERNAL_TYPES_IN_SIGNATURES = Map.of(
			"tech.onceonly.engine.governance.GovernanceEngine.timelines() names tech.onceonly.engine.governance.RunTimelines",
			"LocalOnceOnly (engine) reads the run timelines through it",
			"tech.onceonly.keys.KeyDerivation.canonicalJson() names tech.onceonly.keys.CanonicalJson",
			"ai.ToolInputDigest writes canonical JSON through it");

	/**
	 * The packages whose types a user may program against (a user-facing package may
	 * still hold single {@link Internal} types). Every package of the library is in this
	 * set or in {@link #INTERNAL_PACKAGES}; a new package must be added to one of them.
	 */
	private static final Set<String> USER_FACING_PACKAGES = Set.of("tech.onceonly", "tech.onceonly.ai",
			"tech.onceonly.ai.langchain4j", "tech.onceonly.ai.springai", "tech.onceonly.client",
			"tech.onceonly.client.remote", "tech.onceonly.engine", "tech.onceonly.engine.governance",
			"tech.onceonly.keys", "tech.onceonly.signing", "tech.onceonly.store", "tech.onceonly.store.jdbc",
			"tech.onceonly.store.memory", "tech.onceonly.store.redis", "tech.onceonly.spring.actuate",
			"tech.onceonly.spring.annotation", "tech.onceonly.spring.aop", "tech.onceonly.spring.autoconfigure",
			"tech.onceonly.spring.autoconfigure.actuate", "tech.onceonly.spring.autoconfigure.ai",
			"tech.onceonly.spring.autoconfigure.aop", "tech.onceonly.spring.autoconfigure.check",
			"tech.onceonly.spring.autoconfigure.governance", "tech.onceonly.spring.autoconfigure.health",
			"tech.onceonly.spring.autoconfigure.observation", "tech.onceonly.spring.autoconfigure.store",
			"tech.onceonly.spring.autoconfigure.web", "tech.onceonly.spring.health", "tech.onceonly.spring.observation",
			"tech.onceonly.spring.web.idempotency", "tech.onceonly.spring.web.reactive",
			"tech.onceonly.spring.web.toolauth", "tech.onceonly.spring.web.webhook");

	/**
	 * The packages that are internal as a whole: their {@code package-info.java} is
	 * marked {@link Internal}.
	 */
	private static final Set<String> INTERNAL_PACKAGES = Set.of("tech.onceonly.spring.web");

	@Test
	void entryPointsCallOnlyTheApi() {
		check(noClasses().that()
			.resideInAnyPackage(ENTRY_POINTS)
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage(BELOW_THE_API)
			.because("DESIGN §2: the annotations, web interceptors and AI adapters call only the OnceOnly API, "
					+ "so they work the same on every backend"),
				KNOWN_ENTRY_POINTS_ON_THE_ENGINE);
	}

	@Test
	void observationHealthAndActuatorNeedNoConcreteBackend() {
		check(noClasses().that()
			.resideInAnyPackage("tech.onceonly.spring.observation..", "tech.onceonly.spring.health..",
					"tech.onceonly.spring.actuate..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage(CONCRETE_BACKENDS)
			.because("observation, health and the actuator endpoint see the backend only through the API"),
				KNOWN_OBSERVABILITY_ON_A_BACKEND);
	}

	@Test
	void engineRunsOnTheStoreSpi() {
		check(noClasses().that()
			.resideInAPackage("tech.onceonly.engine..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("tech.onceonly.store.memory..", "tech.onceonly.store.jdbc..",
					"tech.onceonly.store.redis..", "tech.onceonly.client.remote..", "tech.onceonly.spring..",
					"tech.onceonly.ai..")
			.because("the engine is written against the store SPI; the wiring picks the store"),
				KNOWN_ENGINE_ON_A_CONCRETE_STORE);
	}

	@Test
	void apiKnowsNoImplementation() {
		check(noClasses().that()
			.resideInAPackage("tech.onceonly.client")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("tech.onceonly.client.remote..", "tech.onceonly.engine..", "tech.onceonly.store..",
					"tech.onceonly.spring..", "tech.onceonly.ai..")
			.because("the OnceOnly API is the floor every backend and entry point stands on"), Map.of());
		check(noClasses().that()
			.resideInAPackage("tech.onceonly.client..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("tech.onceonly.engine..", "tech.onceonly.store..", "tech.onceonly.spring..",
					"tech.onceonly.ai..")
			.because("the remote client knows only the API"), Map.of());
	}

	@Test
	void storesKnowOnlyTheirSpi() {
		check(noClasses().that()
			.resideInAPackage("tech.onceonly.store..")
			.should()
			.dependOnClassesThat(DescribedPredicate.and(
					JavaClass.Predicates.resideInAnyPackage("tech.onceonly.client..", "tech.onceonly.engine..",
							"tech.onceonly.spring..", "tech.onceonly.ai..", "tech.onceonly.keys..",
							"org.springframework.boot.."),
					DescribedPredicate.not(JavaClass.Predicates.equivalentTo(OnceOnlyException.class))))
			.because("STYLE: a small SPI of atomic primitives, free of Spring Boot types (StoreException extends "
					+ "the one exception root, OnceOnlyException)"),
				Map.of());
		check(noClasses().that()
			.resideInAPackage("tech.onceonly.store")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("tech.onceonly.store.memory..", "tech.onceonly.store.jdbc..",
					"tech.onceonly.store.redis..", "org.springframework..")
			.because("the SPI itself names no implementation and no Spring type"), Map.of());
	}

	@Test
	void keyDigestsStandAlone() {
		check(noClasses().that()
			.resideInAPackage("tech.onceonly.keys..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("tech.onceonly.client..", "tech.onceonly.engine..", "tech.onceonly.store..",
					"tech.onceonly.spring..", "tech.onceonly.ai..")
			.because("the SDK key digests are shared by every floor"), Map.of());
	}

	@Test
	void onlyTheAutoConfigurationsSitOnTop() {
		check(noClasses().that()
			.resideOutsideOfPackage("tech.onceonly.spring.autoconfigure..")
			.should()
			.dependOnClassesThat()
			.resideInAPackage("tech.onceonly.spring.autoconfigure..")
			.because("the wiring is the top floor: nothing below it knows it"), Map.of());
	}

	@Test
	void noPackageCycles() {
		slices().matching("tech.onceonly.(**)")
			.should()
			.beFreeOfCycles()
			.because("STYLE: no package cycles")
			.check(CLASSES);
	}

	@Test
	void autoConfigurationsArePublicFinalAndInTheirPackage() {
		classes().that()
			.areAnnotatedWith(AutoConfiguration.class)
			.should()
			.resideInAPackage("tech.onceonly.spring.autoconfigure..")
			.andShould()
			.bePublic()
			.andShould()
			.haveModifier(JavaModifier.FINAL)
			.because("STYLE: @AutoConfiguration classes are public final, one per feature, under "
					+ "spring.autoconfigure")
			.check(CLASSES);
	}

	@Test
	void autoConfigurationImportsListEveryAutoConfigurationSorted() throws IOException {
		List<String> imports = autoConfigurationImports();
		Set<String> annotated = CLASSES.stream()
			.filter((type) -> type.isAnnotatedWith(AutoConfiguration.class))
			.map(JavaClass::getName)
			.collect(Collectors.toCollection(TreeSet::new));
		assertThat(imports).as("AutoConfiguration.imports lists every @AutoConfiguration class, sorted")
			.isSorted()
			.doesNotHaveDuplicates()
			.containsExactlyInAnyOrderElementsOf(annotated);
	}

	@Test
	void postProcessorBeansAreStatic() {
		methods().that()
			.areAnnotatedWith(Bean.class)
			.and()
			.haveRawReturnType(DescribedPredicate.describe("a bean (factory) post-processor",
					(JavaClass type) -> type.isAssignableTo(BeanPostProcessor.class)
							|| type.isAssignableTo(BeanFactoryPostProcessor.class)))
			.should()
			.beStatic()
			.because("STYLE: a post-processor @Bean method is static, so it does not pull its configuration "
					+ "class in early")
			.allowEmptyShould(true)
			.check(CLASSES);
	}

	@Test
	void beanMethodsCarryNoClassConditions() {
		methods().that()
			.areAnnotatedWith(Bean.class)
			.should()
			.notBeAnnotatedWith(ConditionalOnClass.class)
			.because("STYLE: @ConditionalOnClass goes on the class (a nested configuration), never on a @Bean "
					+ "method, whose signature may name the missing class")
			.allowEmptyShould(true)
			.check(CLASSES);
	}

	@Test
	void everyPackageIsClassifiedAndInternalPackagesAreMarked() {
		Set<String> packages = CLASSES.stream()
			.map(JavaClass::getPackageName)
			.collect(Collectors.toCollection(TreeSet::new));
		Set<String> unclassified = new TreeSet<>(packages);
		unclassified.removeAll(USER_FACING_PACKAGES);
		unclassified.removeAll(INTERNAL_PACKAGES);
		assertThat(unclassified).as("packages to add to USER_FACING_PACKAGES or INTERNAL_PACKAGES").isEmpty();
		for (String name : packages) {
			boolean marked = CLASSES.getPackage(name).isAnnotatedWith(Internal.class);
			assertThat(marked).as("package-info of %s is marked @Internal", name)
				.isEqualTo(INTERNAL_PACKAGES.contains(name));
		}
	}

	@Test
	void userFacingSignaturesNameNoInternalType() {
		List<String> leaks = new ArrayList<>();
		for (JavaClass type : CLASSES) {
			if (!type.getModifiers().contains(JavaModifier.PUBLIC) || isInternal(type) || !isUserFacing(type)) {
				continue;
			}
			for (JavaMember member : type.getMembers()) {
				if (!member.getModifiers().contains(JavaModifier.PUBLIC)
						&& !member.getModifiers().contains(JavaModifier.PROTECTED)) {
					continue;
				}
				Set<JavaClass> named = new java.util.HashSet<>();
				if (member instanceof JavaCodeUnit code) {
					named.add(code.getRawReturnType());
					named.addAll(code.getRawParameterTypes());
				}
				else if (member instanceof JavaField field) {
					named.add(field.getRawType());
				}
				for (JavaClass used : named) {
					if (isInternal(used)) {
						leaks.add(member.getFullName() + " names " + used.getName());
					}
				}
			}
		}
		Set<String> unexpected = new TreeSet<>(leaks);
		unexpected.removeAll(KNOWN_INTERNAL_TYPES_IN_SIGNATURES.keySet());
		assertThat(unexpected).as("public members of user-facing types that name an @Internal type").isEmpty();
		Set<String> fixed = new TreeSet<>(KNOWN_INTERNAL_TYPES_IN_SIGNATURES.keySet());
		fixed.removeAll(leaks);
		assertThat(fixed).as("allow-listed members that name no @Internal type now (remove them from the list)")
			.isEmpty();
	}

	private static boolean isUserFacing(JavaClass type) {
		return USER_FACING_PACKAGES.contains(type.getPackageName()) && !type.isAnonymousClass()
				&& type.getEnclosingClass().map((outer) -> !isInternal(outer)).orElse(true);
	}

	private static boolean isInternal(JavaClass type) {
		JavaClass outer = type;
		while (outer.getEnclosingClass().isPresent()) {
			outer = outer.getEnclosingClass().get();
		}
		return outer.isAnnotatedWith(Internal.class) || outer.getPackage().isAnnotatedWith(Internal.class);
	}

	/**
	 * Checks a rule, tolerating the allow-listed classes that break it today; fails for
	 * any other class that breaks it and for an allow-listed class that no longer does.
	 */
	private static void check(ArchRule rule, Map<String, String> allowed) {
		EvaluationResult result = rule.evaluate(CLASSES);
		Map<String, List<String>> unexpected = new TreeMap<>();
		Set<String> stillBreaking = new TreeSet<>();
		result.handleViolations((Collection<Dependency> dependencies, String message) -> {
			for (Dependency dependency : dependencies) {
				String origin = topLevel(dependency.getOriginClass());
				if (allowed.containsKey(origin)) {
					stillBreaking.add(origin);
				}
				else {
					unexpected.computeIfAbsent(origin, (key) -> new ArrayList<>()).add(message);
				}
			}
		});
		assertThat(unexpected).as("classes breaking: %s", rule.getDescription()).isEmpty();
		Set<String> fixed = new TreeSet<>(allowed.keySet());
		fixed.removeAll(stillBreaking);
		assertThat(fixed)
			.as("allow-listed classes that keep the rule now (remove them from the list): %s", rule.getDescription())
			.isEmpty();
	}

	private static String topLevel(JavaClass type) {
		JavaClass outer = type;
		while (outer.getEnclosingClass().isPresent()) {
			outer = outer.getEnclosingClass().get();
		}
		return outer.getName();
	}

	private static List<String> autoConfigurationImports() throws IOException {
		String path = "META-INF/spring/org.springframework.boot.autoconfigure.AutoConfiguration.imports";
		try (InputStream in = LibraryArchitectureTests.class.getClassLoader().getResourceAsStream(path)) {
			assertThat(in).as(path).isNotNull();
			return Arrays.stream(new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n"))
				.map(String::strip)
				.filter((line) -> !line.isEmpty() && !line.startsWith("#"))
				.toList();
		}
	}

}
