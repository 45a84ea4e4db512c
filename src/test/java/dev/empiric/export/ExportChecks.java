package dev.empiric.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.empiric.Sha256;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * What an auditor and a forger do with an unzipped export, for the tests that check both: run the
 * shipped verify.py (and the Java {@link Verifier}, which must agree on the verdict and on the first
 * broken item, word for word), and tamper with a copy the way a careful forger would, recomputing
 * MANIFEST.json afterwards, so that the check that catches a tamper is the one that names it.
 */
final class ExportChecks {

    static final String PYTHON = "/usr/bin/python3";

    private ExportChecks() {}

    record Result(int exit, String output) {}

    static Result verify(Path dir, String key) throws IOException {
        Result python = verifyPy(dir, key);
        Verifier.Result java = Verifier.verify(dir, key);
        assertEquals(python.exit == 0, java.verified(), "verify.py:\n" + python.output + "Verifier:\n" + java.report());
        assertEquals(python.output.lines().findFirst(), java.report().lines().findFirst(),
                "verify.py and Verifier name the same first item");
        return python;
    }

    static Result verifyPy(Path dir, String key) throws IOException {
        Process process = new ProcessBuilder(PYTHON, dir.resolve("verify.py").toString(), dir.toString(), "--key", key)
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!process.waitFor(300, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("verify.py did not finish: " + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        return new Result(process.exitValue(), output);
    }

    /** What a forger does after a tamper: recompute MANIFEST.json, which no key protects; then verify. */
    static Result resealAndVerify(Path dir, String key) throws IOException {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path file : walk.filter(Files::isRegularFile).toList()) {
                String name = dir.relativize(file).toString();
                if (!name.equals("MANIFEST.json")) {
                    files.put(name, Sha256.hex(Files.readAllBytes(file)));
                }
            }
        }
        Files.writeString(dir.resolve("MANIFEST.json"), CanonicalJson.string(Map.of("files", files)));
        return verify(dir, key);
    }

    static void assertFirstFailure(Result result, String expected) {
        assertEquals(1, result.exit, result.output);
        String first = result.output.lines().findFirst().orElse("");
        assertTrue(first.startsWith("FAILED: ") && first.contains(expected), "expected the first failure to name '"
                + expected + "', got:\n" + result.output);
    }

    static void assertFailed(Result result, String expected) {
        assertEquals(1, result.exit, result.output);
        assertTrue(result.output.contains(expected), "expected '" + expected + "' in:\n" + result.output);
    }

    /** A fresh copy of an export folder to tamper with. */
    static Path copy(Path pristine, Path under) throws IOException {
        return copyTree(pristine, Files.createTempDirectory(under, "tampered-"));
    }

    /** Copies the folder {@code source} and everything in it to {@code target}. */
    static Path copyTree(Path source, Path target) throws IOException {
        try (Stream<Path> files = Files.walk(source)) {
            for (Path file : files.toList()) {
                Path to = target.resolve(source.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(file, to);
                }
            }
        }
        return target;
    }

    /** Line {@code index} of trials.jsonl (the record of trial {@code index} when none is missing), edited. */
    static void editRecord(Path dir, int index, UnaryOperator<String> edit) throws IOException {
        List<String> lines = new ArrayList<>(Files.readAllLines(dir.resolve("trials.jsonl")));
        String edited = edit.apply(lines.get(index));
        assertTrue(!edited.equals(lines.get(index)), "the tamper changed nothing");
        lines.set(index, edited);
        Files.write(dir.resolve("trials.jsonl"), lines);
    }

    static void removeRecord(Path dir, int index) throws IOException {
        List<String> lines = new ArrayList<>(Files.readAllLines(dir.resolve("trials.jsonl")));
        lines.remove(index);
        Files.write(dir.resolve("trials.jsonl"), lines);
    }

    static void swapRecords(Path dir, int first, int second) throws IOException {
        List<String> lines = new ArrayList<>(Files.readAllLines(dir.resolve("trials.jsonl")));
        Collections.swap(lines, first, second);
        Files.write(dir.resolve("trials.jsonl"), lines);
    }

    static void editFile(Path dir, String name, UnaryOperator<String> edit) throws IOException {
        Path file = dir.resolve(name);
        String before = Files.readString(file);
        String after = edit.apply(before);
        assertTrue(!after.equals(before), "the tamper changed nothing in " + name);
        Files.writeString(file, after);
    }

    /** The checkpoint signed again, by another key. */
    static void resign(Path dir, SigningKey forger) throws IOException {
        Checkpoint original = CanonicalJson.read(Files.readString(dir.resolve("checkpoint")), Checkpoint.class);
        Files.writeString(dir.resolve("checkpoint"), CanonicalJson.string(original.signedWith(forger)) + "\n");
    }

    static Path unzip(byte[] zip, Path target) throws IOException {
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            for (ZipEntry entry; (entry = in.getNextEntry()) != null; ) {
                Path file = target.resolve(entry.getName()).normalize();
                if (!file.startsWith(target)) {
                    throw new IOException("zip entry outside the folder: " + entry.getName());
                }
                Files.createDirectories(file.getParent());
                Files.copy(in, file);
            }
        }
        return target;
    }
}
