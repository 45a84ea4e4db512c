package dev.empiric.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** RFC 8785 with the RFC's own examples (sections 3.2.2 and 3.2.3, appendix B). */
@Tag("unit")
class CanonicalJsonTest {

    @Test
    void theRfcsExampleOfPrimitives() {
        String input = """
                {
                  "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
                  "string": "\\u20ac$\\u000F\\u000aA'\\u0042\\u0022\\u005c\\\\\\"\\/",
                  "literals": [null, true, false]
                }""";
        String expected = "{\"literals\":[null,true,false],\"numbers\":[333333333.3333333,1e+30,4.5,0.002,1e-27],"
                + "\"string\":\"€$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}";
        assertEquals(expected, CanonicalJson.string(CanonicalJson.parse(input)));
        assertArrayEquals(expected.getBytes(StandardCharsets.UTF_8), CanonicalJson.bytes(CanonicalJson.parse(input)));
    }

    @Test
    void theRfcsExampleOfMemberOrderByUtf16CodeUnits() {
        String input = """
                {
                  "\\u20ac": "Euro Sign",
                  "\\r": "Carriage Return",
                  "\\ufb33": "Hebrew Letter Dalet With Dagesh",
                  "1": "One",
                  "\\ud83d\\ude00": "Emoji: Grinning Face",
                  "\\u0080": "Control",
                  "\\u00f6": "Latin Small Letter O With Diaeresis"
                }""";
        String expected = "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\u0080\":\"Control\","
                + "\"ö\":\"Latin Small Letter O With Diaeresis\",\"€\":\"Euro Sign\","
                + "\"\ud83d\ude00\":\"Emoji: Grinning Face\",\"\ufb33\":\"Hebrew Letter Dalet With Dagesh\"}";
        assertEquals(expected, CanonicalJson.string(CanonicalJson.parse(input)));
    }

    /** Appendix B: IEEE 754 bit patterns and their ECMAScript text. */
    @ParameterizedTest
    @CsvSource({
            "0000000000000000, 0",
            "8000000000000000, 0",
            "0000000000000001, 5e-324",
            "8000000000000001, -5e-324",
            "7fefffffffffffff, 1.7976931348623157e+308",
            "ffefffffffffffff, -1.7976931348623157e+308",
            "4340000000000000, 9007199254740992",
            "c340000000000000, -9007199254740992",
            "4430000000000000, 295147905179352830000",
            "44b52d02c7e14af5, 9.999999999999997e+22",
            "44b52d02c7e14af6, 1e+23",
            "44b52d02c7e14af7, 1.0000000000000001e+23",
            "444b1ae4d6e2ef4e, 999999999999999700000",
            "444b1ae4d6e2ef4f, 999999999999999900000",
            "444b1ae4d6e2ef50, 1e+21",
            "3eb0c6f7a0b5ed8c, 9.999999999999997e-7",
            "3eb0c6f7a0b5ed8d, 0.000001",
            "41b3de4355555553, 333333333.3333332",
            "41b3de4355555554, 333333333.33333325",
            "41b3de4355555555, 333333333.3333333",
            "41b3de4355555556, 333333333.3333334",
            "41b3de4355555557, 333333333.33333343",
            "becbf647612f3696, -0.0000033333333333333333",
            "43143ff3c1cb0959, 1424953923781206.2"})
    void numbersAsEcmaScriptPrintsThem(String bits, String expected) {
        double value = Double.longBitsToDouble(Long.parseUnsignedLong(bits, 16));
        assertEquals(expected, CanonicalJson.number(value));
        assertEquals(value == 0 ? 0.0 : value, Double.parseDouble(expected));
    }

    @Test
    void moreLayoutsOfTheSameRules() {
        assertEquals("26", CanonicalJson.number(26.0));
        assertEquals("-0.5", CanonicalJson.number(-0.5));
        assertEquals("1e-7", CanonicalJson.number(1e-7));
        assertEquals("123456789012345680000", CanonicalJson.number(1.2345678901234568e20));
        assertEquals("1.5e-323", CanonicalJson.number(Double.longBitsToDouble(3))); // subnormal with two digits
        assertEquals("1e-323", CanonicalJson.number(Double.longBitsToDouble(2)));
        assertEquals("[1,2.5,\"x\",{}]", CanonicalJson.string(List.of(1, 2.5, "x", Map.of())));
    }

    @Test
    void whatJsonCannotHoldIsRefusedByName() {
        assertThrows(IllegalArgumentException.class, () -> CanonicalJson.number(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> CanonicalJson.number(Double.POSITIVE_INFINITY));
        ObjectNode big = CanonicalJson.object();
        big.put("n", (1L << 53) + 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CanonicalJson.string(big));
        assertTrue(e.getMessage().contains("$.n"), e.getMessage());
        assertEquals("{\"n\":9007199254740992}", CanonicalJson.string(CanonicalJson.object().put("n", 1L << 53)));
        assertThrows(IllegalArgumentException.class, () -> CanonicalJson.string(TextNode.valueOf("a\ud800b")));
        assertEquals("\"\u007f\u2028\"", CanonicalJson.string(TextNode.valueOf("\u007f\u2028")));
    }

    /** The fast writer for records must name and write every member exactly as the mapper's tree does. */
    @Test
    void recordsWrittenDirectlyEqualTheirJacksonTrees() {
        Instant at = Instant.parse("2026-11-20T10:00:00.123456789Z");
        ExportRecord record = new ExportRecord(7, 5, "opt", "line one\n\t\"two\" \ud83d\ude00", -0.25, "a".repeat(64),
                "b".repeat(40), "c".repeat(40), dev.empiric.trial.TrialState.FINISHED, dev.empiric.trial.Label.KEEP,
                "keep", "beat it", 0.97, 0.001, Map.of("accuracy", 0.97, "zeta", 1e-7, "Alpha", 3.0), 20_480L,
                new ExportRecord.Judgement(5, 0.95, 0.004, 0.008),
                new ExportRecord.Timings(at, at.plusSeconds(1), null, 2.5, null), 2, null, "d".repeat(64), null);
        assertEquals(CanonicalJson.string(CanonicalJson.tree(record)), CanonicalJson.string(record));
        EventRecord event = new EventRecord(3, "trial.attempt_failed", 7, "server", "2026-11-20T10:00:00.123Z",
                "{\"reason\":\"docker: no space left\",\"attempt\":1}", "e".repeat(64), "f".repeat(64));
        assertEquals(CanonicalJson.string(CanonicalJson.tree(event)), CanonicalJson.string(event));
        Checkpoint checkpoint = new Checkpoint(Checkpoint.FORMAT, new ExportCampaign(1, "n", "digits", "h", "accuracy",
                dev.empiric.environment.EnvironmentSpec.Goal.MAXIMIZE, new ExportCampaign.KeepRule(0.002, 2.0), null),
                10, "f".repeat(64), null, 3, null, at, "ed25519:0123456789abcdef", "c2ln");
        assertEquals(CanonicalJson.string(CanonicalJson.tree(checkpoint)), CanonicalJson.string(checkpoint));
        assertTrue(CanonicalJson.string(record).startsWith("{\"artifact_bytes\":20480,\"attempts\":2,\"commit\":"));
    }

    @Test
    void instantsAreFixedWidthUtcWithMicroseconds() {
        assertEquals("2026-05-01T03:55:39.000000Z", CanonicalJson.timestamp(Instant.parse("2026-05-01T03:55:39Z")));
        assertEquals("2026-05-01T03:55:39.123456Z",
                CanonicalJson.timestamp(Instant.parse("2026-05-01T03:55:39.123456789Z")));
        record Stamp(Instant at) {}
        assertEquals("{\"at\":\"2026-05-01T03:55:39.100000Z\"}",
                CanonicalJson.string(new Stamp(Instant.parse("2026-05-01T03:55:39.1Z"))));
        assertEquals("0000-01-01T00:00:00.000001Z", CanonicalJson.timestamp(Instant.parse("0000-01-01T00:00:00.000001Z")));
        assertEquals("1969-12-31T23:59:59.999999Z", CanonicalJson.timestamp(Instant.parse("1969-12-31T23:59:59.9999999Z")));
        assertEquals("9999-12-31T23:59:59.999999Z", CanonicalJson.timestamp(Instant.parse("9999-12-31T23:59:59.999999999Z")));
        DateTimeFormatter formatter = DateTimeFormatter
                .ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);
        Random random = new Random(7);
        for (int i = 0; i < 10_000; i++) {
            Instant at = Instant.ofEpochSecond(random.nextLong(-62_167_219_200L, 253_402_300_800L),
                    random.nextInt(1_000_000_000));
            assertEquals(formatter.format(at.truncatedTo(ChronoUnit.MICROS)),
                    CanonicalJson.timestamp(at), at.toString());
        }
    }
}
