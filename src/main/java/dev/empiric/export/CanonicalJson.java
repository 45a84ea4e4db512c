package dev.empiric.export;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

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
        StringBuilder out = new StringBuilder(1024);
        writeValue(value, out);
        return out.toString();
    }

    /**
     * Writes records, maps, collections and scalars directly, without building a Jackson tree first
     * (an export writes tens of thousands of records and events); anything else goes through the
     * mapper. The result is the same as {@code write(tree(value))}, which CanonicalJsonTest checks.
     */
    private static void writeValue(Object value, StringBuilder out) {
        switch (value) {
            case null -> out.append("null");
            case JsonNode node -> write(node, out);
            case String text -> string(text, out);
            case Boolean bool -> out.append(bool.booleanValue());
            case Integer integer -> out.append(integer.intValue());
            case Double decimal -> {
                if (!Double.isFinite(decimal)) {
                    throw new Failure("$", decimal + " is not a JSON number");
                }
                out.append(number(decimal));
            }
            case Long integer -> {
                if (integer > EXACT_INTEGER_LIMIT || integer < -EXACT_INTEGER_LIMIT) {
                    throw new Failure("$", integer + " is not exactly a double");
                }
                out.append(integer.longValue());
            }
            case Enum<?> constant -> string(constant.name(), out);
            case Instant instant -> string(timestamp(instant), out);
            case Record record -> {
                RecordShape shape = RecordShape.of(record.getClass());
                for (int i = 0; i < shape.names.length; i++) {
                    out.append(shape.keys[i]);
                    try {
                        writeValue(shape.accessors[i].invokeExact(record), out);
                    } catch (Failure failure) {
                        throw failure.under("$." + shape.names[i]);
                    } catch (RuntimeException | Error e) {
                        throw e;
                    } catch (Throwable checked) { // an accessor declares none
                        throw new IllegalStateException("cannot read " + shape.names[i] + " of " + record.getClass(),
                                checked);
                    }
                }
                out.append(shape.names.length == 0 ? "{}" : "}");
            }
            case Map<?, ?> map when map.keySet().stream().allMatch(String.class::isInstance) -> {
                List<String> keys = new ArrayList<>(map.size());
                map.keySet().forEach(key -> keys.add((String) key));
                keys.sort(null);
                out.append('{');
                for (int i = 0; i < keys.size(); i++) {
                    if (i > 0) {
                        out.append(',');
                    }
                    string(keys.get(i), out);
                    out.append(':');
                    try {
                        writeValue(map.get(keys.get(i)), out);
                    } catch (Failure failure) {
                        throw failure.under("$." + keys.get(i));
                    }
                }
                out.append('}');
            }
            case List<?> list -> {
                out.append('[');
                for (int i = 0; i < list.size(); i++) {
                    if (i > 0) {
                        out.append(',');
                    }
                    try {
                        writeValue(list.get(i), out);
                    } catch (Failure failure) {
                        throw failure.under("$[" + i + "]");
                    }
                }
                out.append(']');
            }
            default -> write(MAPPER.valueToTree(value), out);
        }
    }

    /**
     * A record type's JSON members in canonical order, named as the canonical mapper names them, with
     * each member's opening text ({@code {"name":} or {@code ,"name":}) made once rather than escaped
     * again for each of the tens of thousands of records an export writes.
     */
    private record RecordShape(String[] names, String[] keys, MethodHandle[] accessors) {
        private static final ClassValue<RecordShape> SHAPES = new ClassValue<>() {
            @Override
            protected RecordShape computeValue(Class<?> type) {
                var naming = type.getAnnotation(JsonNaming.class);
                UnaryOperator<String> rename = name -> name;
                if (naming != null && naming.value() == PropertyNamingStrategies.SnakeCaseStrategy.class) {
                    rename = ((PropertyNamingStrategies.NamingBase) PropertyNamingStrategies.SNAKE_CASE)::translate;
                } else if (naming != null) {
                    throw new IllegalStateException(type + " uses a naming the canonical writer does not know");
                }
                TreeMap<String, MethodHandle> members = new TreeMap<>();
                for (var component : type.getRecordComponents()) {
                    Method accessor = component.getAccessor();
                    accessor.setAccessible(true);
                    try {
                        members.put(rename.apply(component.getName()), MethodHandles.lookup().unreflect(accessor)
                                .asType(MethodType.methodType(Object.class, Record.class)));
                    } catch (IllegalAccessException e) {
                        throw new IllegalStateException("cannot read " + component.getName() + " of " + type, e);
                    }
                }
                String[] names = members.keySet().toArray(String[]::new);
                String[] keys = new String[names.length];
                for (int i = 0; i < names.length; i++) {
                    StringBuilder key = new StringBuilder(i == 0 ? "{" : ",");
                    string(names[i], key);
                    keys[i] = key.append(':').toString();
                }
                return new RecordShape(names, keys, members.values().toArray(MethodHandle[]::new));
            }
        };

        static RecordShape of(Class<?> type) {
            return SHAPES.get(type);
        }
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
        LocalDateTime t = LocalDateTime.ofEpochSecond(instant.getEpochSecond(), 0, ZoneOffset.UTC);
        if (t.getYear() < 0 || t.getYear() > 9999) {
            return TIMESTAMP.format(instant.truncatedTo(ChronoUnit.MICROS));
        }
        // By hand: an export writes several instants per trial, and the formatter took 3% of its samples.
        byte[] text = "0000-00-00T00:00:00.000000Z".getBytes(StandardCharsets.US_ASCII);
        digits(text, 0, 4, t.getYear());
        digits(text, 5, 2, t.getMonthValue());
        digits(text, 8, 2, t.getDayOfMonth());
        digits(text, 11, 2, t.getHour());
        digits(text, 14, 2, t.getMinute());
        digits(text, 17, 2, t.getSecond());
        digits(text, 20, 6, instant.getNano() / 1000);
        return new String(text, StandardCharsets.US_ASCII);
    }

    /** Writes {@code value} as {@code width} decimal digits ending at {@code at + width}, zero-padded. */
    private static void digits(byte[] text, int at, int width, int value) {
        for (int i = at + width - 1; i >= at; i--) {
            text[i] = (byte) ('0' + value % 10);
            value /= 10;
        }
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
        if (e < 0) {
            // Between 1e-3 and 1e7 Java writes plain decimals, as ECMAScript does, but always with a fraction.
            String plain = java.endsWith(".0") ? java.substring(0, java.length() - 2) : java;
            return value < 0 ? "-" + plain : plain;
        }
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

    /** Where in the value a write failed, built only while a failure unwinds. */
    private static final class Failure extends IllegalArgumentException {
        private final String path;
        private final String problem;

        Failure(String path, String problem) {
            super(path + ": " + problem);
            this.path = path;
            this.problem = problem;
        }

        Failure under(String parent) {
            return new Failure(parent + path.substring(1), problem);
        }
    }

    private static void write(JsonNode node, StringBuilder out) {
        switch (node.getNodeType()) {
            case NULL, MISSING -> out.append("null");
            case BOOLEAN -> out.append(node.booleanValue());
            case STRING -> string(node.textValue(), out);
            case NUMBER -> out.append(number(node));
            case ARRAY -> {
                out.append('[');
                for (int i = 0; i < node.size(); i++) {
                    if (i > 0) {
                        out.append(',');
                    }
                    try {
                        write(node.get(i), out);
                    } catch (Failure failure) {
                        throw failure.under("$[" + i + "]");
                    }
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
                    String name = members.get(i).getKey();
                    try {
                        string(name, out);
                        out.append(':');
                        write(members.get(i).getValue(), out);
                    } catch (Failure failure) {
                        throw failure.under("$." + name);
                    }
                }
                out.append('}');
            }
            default -> throw new Failure("$", node.getNodeType() + " has no JSON form");
        }
    }

    private static String number(JsonNode node) {
        if (node.isInt() || node.isLong()) {
            long integer = node.longValue();
            if (integer > EXACT_INTEGER_LIMIT || integer < -EXACT_INTEGER_LIMIT) {
                throw new Failure("$", integer + " is not exactly a double");
            }
            return Long.toString(integer);
        }
        if (node.isIntegralNumber()) {
            BigInteger integer = node.bigIntegerValue();
            if (integer.abs().compareTo(BigInteger.valueOf(EXACT_INTEGER_LIMIT)) > 0) {
                throw new Failure("$", integer + " is not exactly a double");
            }
            return integer.toString();
        }
        double value = node.doubleValue();
        if (!Double.isFinite(value)) {
            throw new Failure("$", value + " is not a JSON number");
        }
        return number(value);
    }

    /**
     * Appends {@code value} quoted; the runs of characters that need no escape (almost all of a
     * record's text) are copied in bulk, which is most of what an export spends on its records.
     */
    private static void string(String value, StringBuilder out) {
        out.append('"');
        int run = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c >= 0x20 && c != '"' && c != '\\' && !Character.isSurrogate(c)) {
                continue;
            }
            out.append(value, run, i);
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
                    } else {
                        throw new Failure("$", "a lone surrogate (U+" + Integer.toHexString(c).toUpperCase(Locale.ROOT)
                                + ") is not Unicode text");
                    }
                }
            }
            run = i + 1;
        }
        out.append(value, run, value.length()).append('"');
    }
}
