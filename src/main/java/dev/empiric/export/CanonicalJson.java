package dev.empiric.export;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * RFC 8785 (JSON Canonicalization Scheme): one byte sequence per JSON value, so that a record's
 * hash, its Merkle leaf and its signature mean the same thing to the server and to an auditor's
 * script. Object members are sorted by their names' UTF-16 code units, numbers are written the
 * way ECMAScript prints a double, and strings escape only what JSON requires.
 *
 * <p>Records are turned into trees by a private mapper (Java record components as properties,
 * {@link Instant}s as fixed-width UTC strings with microseconds, see {@link #timestamp}), so the
 * canonical form does not depend on how the application's shared mapper is configured.
 */
public final class CanonicalJson {

    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter
            .ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);
    /** Above this, a long is not exactly a double, and JCS numbers are doubles. */
    private static final long EXACT_INTEGER_LIMIT = 1L << 53;
    private static final char[] HEX = "0123456789abcdef".toCharArray();
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .registerModule(new SimpleModule("canonical-instants")
                    .addSerializer(Instant.class, new JsonSerializer<>() {
                        @Override
                        public void serialize(Instant value, JsonGenerator out, SerializerProvider provider)
                                throws IOException {
                            out.writeString(timestamp(value));
                        }
                    })
                    .addDeserializer(Instant.class, new JsonDeserializer<>() {
                        @Override
                        public Instant deserialize(JsonParser in, DeserializationContext context) throws IOException {
                            return Instant.parse(in.getValueAsString());
                        }
                    }));

    private CanonicalJson() {}

    /** The canonical UTF-8 bytes of {@code value}: a {@link JsonNode}, a record, a map, a list, a scalar. */
    public static byte[] bytes(Object value) {
        return string(value).getBytes(StandardCharsets.UTF_8);
    }

    /** The canonical text of {@code value}. */
    public static String string(Object value) {
        StringBuilder out = new StringBuilder(256);
        write(tree(value), "$", out);
        return out.toString();
    }

    /** {@code value} as a JSON tree, through the canonical mapper (records and instants as documented). */
    public static JsonNode tree(Object value) {
        return value instanceof JsonNode node ? node : MAPPER.valueToTree(value);
    }

    /** Reads one JSON text into {@code type} with the canonical mapper (for re-reading exported records). */
    public static <T> T read(String json, Class<T> type) {
        try {
            return MAPPER.readValue(json, type);
        } catch (IOException e) {
            throw new UncheckedIOException("not a valid " + type.getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    /** Parses one JSON text into a tree. */
    public static JsonNode parse(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException("not valid JSON: " + e.getMessage(), e);
        }
    }

    /** An empty object node, for payloads built by hand. */
    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /**
     * The exported form of an instant: UTC, always six fractional digits, so that text order is
     * time order (a verifier compares the strings) and a value survives a database's microsecond
     * precision unchanged.
     */
    public static String timestamp(Instant instant) {
        return TIMESTAMP.format(instant.truncatedTo(ChronoUnit.MICROS));
    }

    /**
     * A double as ECMAScript's {@code Number.prototype.toString} prints it (RFC 8785 section
     * 3.2.2.3): the shortest decimal that reads back as the same double, without exponent between
     * 1e-6 and 1e21.
     *
     * @throws IllegalArgumentException for NaN and the infinities, which JSON cannot hold
     */
    public static String number(double value) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException(value + " is not a JSON number");
        }
        if (value == 0) {
            return "0";
        }
        // Java (19 and later) prints the shortest round-tripping digits; only their layout differs.
        String java = Double.toString(Math.abs(value));
        int e = java.indexOf('E');
        String mantissa = e < 0 ? java : java.substring(0, e);
        int exponent = e < 0 ? 0 : Integer.parseInt(java.substring(e + 1));
        int dot = mantissa.indexOf('.');
        String digits = mantissa.substring(0, dot) + mantissa.substring(dot + 1);
        int point = dot + exponent; // value = 0.digits x 10^point
        int start = 0;
        while (digits.charAt(start) == '0') {
            start++;
            point--;
        }
        int end = digits.length();
        while (digits.charAt(end - 1) == '0') {
            end--;
        }
        digits = digits.substring(start, end);
        if (digits.length() == 2 && Math.abs(value) < Double.MIN_NORMAL) {
            // Java may print two digits for a subnormal where one suffices (4.9E-324 for 5e-324).
            String single = singleDigit(Math.abs(value), digits, point);
            if (single != null) {
                point += single.length() - 1;
                digits = single.substring(0, 1);
            }
        }
        return (value < 0 ? "-" : "") + layout(digits, point);
    }

    /** The one-digit decimal (possibly "10", carrying into the exponent) closest to v that reads back as v. */
    private static String singleDigit(double v, String digits, int point) {
        int first = digits.charAt(0) - '0';
        BigDecimal exact = new BigDecimal(v);
        String best = null;
        BigDecimal bestDistance = null;
        for (int candidate : new int[] {first, first + 1}) {
            BigDecimal decimal = new BigDecimal(BigInteger.valueOf(candidate), 1 - point);
            if (decimal.doubleValue() == v) {
                BigDecimal distance = decimal.subtract(exact).abs();
                if (bestDistance == null || distance.compareTo(bestDistance) < 0) {
                    best = Integer.toString(candidate);
                    bestDistance = distance;
                }
            }
        }
        return best;
    }

    private static String layout(String digits, int n) {
        int k = digits.length();
        if (k <= n && n <= 21) {
            return digits + "0".repeat(n - k);
        }
        if (0 < n && n <= 21) {
            return digits.substring(0, n) + "." + digits.substring(n);
        }
        if (-6 < n && n <= 0) {
            return "0." + "0".repeat(-n) + digits;
        }
        int exponent = n - 1;
        String sign = exponent < 0 ? "-" : "+";
        String head = k == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
        return head + "e" + sign + Math.abs(exponent);
    }

    private static void write(JsonNode node, String path, StringBuilder out) {
        switch (node.getNodeType()) {
            case NULL, MISSING -> out.append("null");
            case BOOLEAN -> out.append(node.booleanValue());
            case STRING -> string(node.textValue(), path, out);
            case NUMBER -> out.append(number(node, path));
            case ARRAY -> {
                out.append('[');
                for (int i = 0; i < node.size(); i++) {
                    if (i > 0) {
                        out.append(',');
                    }
                    write(node.get(i), path + "[" + i + "]", out);
                }
                out.append(']');
            }
            case OBJECT -> {
                List<Map.Entry<String, JsonNode>> members = new ArrayList<>(node.properties());
                // String.compareTo compares UTF-16 code units, which is exactly RFC 8785's order.
                members.sort(Map.Entry.comparingByKey());
                out.append('{');
                for (int i = 0; i < members.size(); i++) {
                    if (i > 0) {
                        out.append(',');
                    }
                    string(members.get(i).getKey(), path, out);
                    out.append(':');
                    write(members.get(i).getValue(), path + "." + members.get(i).getKey(), out);
                }
                out.append('}');
            }
            default -> throw new IllegalArgumentException(path + ": " + node.getNodeType() + " has no JSON form");
        }
    }

    private static String number(JsonNode node, String path) {
        if (node.isInt() || node.isLong()) {
            long integer = node.longValue();
            if (integer > EXACT_INTEGER_LIMIT || integer < -EXACT_INTEGER_LIMIT) {
                throw new IllegalArgumentException(path + ": " + integer + " is not exactly a double");
            }
            return Long.toString(integer);
        }
        if (node.isIntegralNumber()) {
            BigInteger integer = node.bigIntegerValue();
            if (integer.abs().compareTo(BigInteger.valueOf(EXACT_INTEGER_LIMIT)) > 0) {
                throw new IllegalArgumentException(path + ": " + integer + " is not exactly a double");
            }
            return integer.toString();
        }
        try {
            return number(node.doubleValue());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(path + ": " + e.getMessage(), e);
        }
    }

    private static void string(String value, String path, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xf]);
                    } else if (Character.isHighSurrogate(c) && i + 1 < value.length()
                            && Character.isLowSurrogate(value.charAt(i + 1))) {
                        out.append(c).append(value.charAt(++i));
                    } else if (Character.isSurrogate(c)) {
                        throw new IllegalArgumentException(path + ": a lone surrogate (U+"
                                + Integer.toHexString(c).toUpperCase() + ") is not Unicode text");
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
