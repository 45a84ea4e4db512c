package dev.empiric;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import com.tngtech.archunit.library.dependencies.SlicesRuleDefinition;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The packages stand in one order, lowest first (docs/architecture.md draws it): a package may use
 * the floors below it and never one above it, nor a peer on its own floor. A back-import is how a
 * house starts leaning: it makes two packages one without anybody deciding so. The command-line
 * client ({@code dev.empiric.cli}) stands beside the building: it uses none of it.
 */
@Tag("unit")
class PackageOrderTest {

    /** Floors, lowest first; packages on one floor must not use each other. */
    static final List<List<String>> FLOORS = List.of(
            List.of("dev.empiric"),
            List.of("dev.empiric.store"),
            List.of("dev.empiric.environment"),
            List.of("dev.empiric.campaign"),
            List.of("dev.empiric.trial"),
            List.of("dev.empiric.evaluator", "dev.empiric.lineage"),
            List.of("dev.empiric.agent"),
            List.of("dev.empiric.runner"),
            List.of("dev.empiric.export"),
            List.of("dev.empiric.access"),
            List.of("dev.empiric.web", "dev.empiric.mcp"));

    static final String CLI = "dev.empiric.cli..";

    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("dev.empiric");

    @Test
    void noPackageUsesAFloorAboveItOrAPeer() {
        List<String> violations = new ArrayList<>();
        for (ArchRule rule : rules()) {
            EvaluationResult result = rule.evaluate(MAIN);
            if (result.hasViolation()) {
                violations.addAll(result.getFailureReport().getDetails());
            }
        }
        assertTrue(violations.isEmpty(), String.join("\n", violations));
    }

    /**
     * The command-line client is a separate program (target/empiric-cli.jar, with only picocli and
     * Jackson): it speaks the HTTP API and uses no server code, and no server code uses it.
     */
    @Test
    void theCommandLineClientStandsApart() {
        noClasses().that().resideInAPackage(CLI).should().dependOnClassesThat(
                JavaClass.Predicates.resideInAPackage("dev.empiric..").and(JavaClass.Predicates.resideOutsideOfPackage(CLI))
                        .or(JavaClass.Predicates.resideInAnyPackage("io.quarkus..", "jakarta..", "org.eclipse..", "io.smallrye..")))
                .because("the CLI jar carries none of the server").check(MAIN);
        noClasses().that().resideOutsideOfPackage(CLI).should().dependOnClassesThat().resideInAPackage(CLI)
                .because("the server does not run the CLI").check(MAIN);
    }

    @Test
    void thereAreNoCycles() {
        SlicesRuleDefinition.slices().matching("dev.empiric.(*)..").should().beFreeOfCycles().check(MAIN);
    }

    @Test
    void theRulesCatchABackImport() {
        JavaClasses fixture = new ClassFileImporter().importClasses(BackImport.class);
        assertTrue(rules().stream().anyMatch(rule -> rule.evaluate(fixture).hasViolation()),
                "a class of the root package that uses the runner went unnoticed");
        assertFalse(rules().stream().anyMatch(rule -> rule.evaluate(new ClassFileImporter()
                .importClasses(Json.class)).hasViolation()), "a class that respects the order was reported");
    }

    /** Sits in the root package (the lowest floor) and uses the runner (a high one). */
    static final class BackImport {
        dev.empiric.runner.RunnerState state;
    }

    /** One rule per package: it may not use any package above it, nor its peers. */
    static List<ArchRule> rules() {
        List<ArchRule> rules = new ArrayList<>();
        for (int floor = 0; floor < FLOORS.size(); floor++) {
            for (String pkg : FLOORS.get(floor)) {
                List<String> forbidden = new ArrayList<>();
                FLOORS.get(floor).stream().filter(peer -> !peer.equals(pkg)).map(peer -> peer + "..").forEach(forbidden::add);
                FLOORS.subList(floor + 1, FLOORS.size()).forEach(up -> up.forEach(higher -> forbidden.add(higher + "..")));
                // The root package is a prefix of every other: only its own classes stand on floor 0.
                String classes = pkg.equals("dev.empiric") ? "dev.empiric" : pkg + "..";
                rules.add(noClasses().that().resideInAPackage(classes).should().dependOnClassesThat()
                        .resideInAnyPackage(forbidden.toArray(String[]::new))
                        .because(pkg + " stands on floor " + floor + " of docs/architecture.md").allowEmptyShould(true));
            }
        }
        return rules;
    }
}
