package io.steward.testing;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * Generators of damaged replies, files and configs for the parsers' property tests: a real input (a capture under
 * src/test/resources) with a few edits of the kinds a broken network, a newer server or a careless hand makes, or
 * something wholly random. Every edit is a value jqwik can shrink, so a failure comes down to the few edits that
 * matter.
 */
public final class Mutations {

    private Mutations() {}

    /** What gets written where a value was: empties, extremes, non-numbers, non-ASCII, control characters. */
    static final List<String> ODD_VALUES = List.of(
            "",
            " ",
            "-1",
            "-0",
            "0",
            "+1",
            "1.5",
            "1e309",
            "-1e309",
            "NaN",
            "Infinity",
            "0x7f",
            "2147483647",
            "2147483648",
            "-2147483649",
            "4294967296",
            "9223372036854775807",
            "9223372036854775808",
            "-9223372036854775808",
            "31556889864403200",
            "99999999999999999999999999999999",
            "16384",
            "65536",
            "%",
            "é",
            "日本語",
            "\uD83D\uDE00",
            "\u0000",
            "\t",
            "\uFFFD",
            "null",
            "yes",
            "no");

    /** The characters that split fields and lines in Redis's replies, the INFO, CLIENT LIST and CLUSTER NODES forms. */
    static final List<String> SEPARATORS = List.of(
            ":", ",", "=", "\r\n", "\n", "\r", "#", " ", "  ", "-", "@", "[", "]", "->-", "-<-", "~", "\"", "{", "}");

    /** One edit of a text; {@code at} and {@code other} are taken modulo what they index. */
    public record TextEdit(TextKind kind, int at, int other, String text) {

        String applyTo(String input) {
            List<String> lines = new ArrayList<>(Arrays.asList(input.split("\n", -1)));
            return switch (kind) {
                case FLIP_CHAR -> input.isEmpty() ? text : replace(input, at % input.length(), 1, flipped(input, at));
                case TRUNCATE -> input.substring(0, at % (input.length() + 1));
                case DUPLICATE_LINE -> {
                    lines.add(at % (lines.size() + 1), lines.get(other % lines.size()));
                    yield String.join("\n", lines);
                }
                case DELETE_LINE -> {
                    lines.remove(at % lines.size());
                    yield String.join("\n", lines);
                }
                case SWAP_LINES -> {
                    java.util.Collections.swap(lines, at % lines.size(), other % lines.size());
                    yield String.join("\n", lines);
                }
                case SHUFFLE_LINES -> {
                    java.util.Collections.shuffle(lines, new java.util.Random(at));
                    yield String.join("\n", lines);
                }
                case INSERT_SEPARATOR ->
                    replace(input, at % (input.length() + 1), 0, SEPARATORS.get(other % SEPARATORS.size()));
                case INSERT_TEXT -> replace(input, at % (input.length() + 1), 0, text);
                case REPLACE_NUMBER -> replaceNumber(input, at, text);
                case REPLACE_VALUE -> {
                    int line = at % lines.size();
                    lines.set(line, replaceValue(lines.get(line), other, text));
                    yield String.join("\n", lines);
                }
                case CRLF -> input.replace("\n", "\r\n");
                case REPEAT_LINE_MANY -> {
                    String repeated = lines.get(at % lines.size());
                    for (int i = 0; i < 50 + other % 200; i++) {
                        lines.add(at % lines.size(), repeated);
                    }
                    yield String.join("\n", lines);
                }
            };
        }

        private static String flipped(String input, int at) {
            char c = input.charAt(at % input.length());
            return String.valueOf((char) (c ^ (1 << (at % 8))));
        }

        /** The number-looking run of characters number {@code which} (counted modulo their count) replaced. */
        private static String replaceNumber(String input, int which, String by) {
            List<int[]> runs = new ArrayList<>();
            for (int i = 0; i < input.length(); ) {
                if (Character.isDigit(input.charAt(i))) {
                    int start = i;
                    while (i < input.length() && Character.isDigit(input.charAt(i))) {
                        i++;
                    }
                    runs.add(new int[] {start, i});
                } else {
                    i++;
                }
            }
            if (runs.isEmpty()) {
                return input + by;
            }
            int[] run = runs.get(which % runs.size());
            return replace(input, run[0], run[1] - run[0], by);
        }

        /** What follows the {@code which}-th ':', '=' or ' ' of a line, up to the next ',' or ' ', replaced. */
        private static String replaceValue(String line, int which, String by) {
            List<Integer> marks = new ArrayList<>();
            for (int i = 0; i < line.length(); i++) {
                char c = line.charAt(i);
                if (c == ':' || c == '=' || c == ' ') {
                    marks.add(i);
                }
            }
            if (marks.isEmpty()) {
                return by;
            }
            int start = marks.get(which % marks.size()) + 1;
            int end = start;
            while (end < line.length() && line.charAt(end) != ',' && line.charAt(end) != ' ') {
                end++;
            }
            return replace(line, start, end - start, by);
        }
    }

    public enum TextKind {
        FLIP_CHAR,
        TRUNCATE,
        DUPLICATE_LINE,
        DELETE_LINE,
        SWAP_LINES,
        SHUFFLE_LINES,
        INSERT_SEPARATOR,
        INSERT_TEXT,
        REPLACE_NUMBER,
        REPLACE_VALUE,
        CRLF,
        REPEAT_LINE_MANY
    }

    private static String replace(String input, int from, int length, String by) {
        return input.substring(0, from) + by + input.substring(from + length);
    }

    /** Values an edit writes: the odd ones, separators, and random text of any Unicode. */
    public static Arbitrary<String> oddText() {
        return Arbitraries.oneOf(
                Arbitraries.of(ODD_VALUES),
                Arbitraries.of(SEPARATORS),
                Arbitraries.strings().ofMaxLength(12),
                Arbitraries.strings().ascii().ofMaxLength(40));
    }

    private static Arbitrary<Integer> index() {
        return Arbitraries.integers().between(0, 1 << 20);
    }

    public static Arbitrary<TextEdit> textEdits() {
        return Combinators.combine(Arbitraries.of(TextKind.class), index(), index(), oddText())
                .as(TextEdit::new);
    }

    /** One of the real texts with one to eight edits. */
    public static Arbitrary<String> mutatedText(List<String> real) {
        return Combinators.combine(
                        Arbitraries.of(real), textEdits().list().ofMinSize(1).ofMaxSize(8))
                .as((text, edits) -> {
                    String edited = text;
                    for (TextEdit edit : edits) {
                        edited = edit.applyTo(edited);
                    }
                    return edited;
                });
    }

    /** Text of any characters, or of the characters replies are made of. */
    public static Arbitrary<String> randomText() {
        return Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(400),
                Arbitraries.strings().withChars("abc019:,=#-@[]<> \r\n.").ofMaxLength(400),
                Arbitraries.of(SEPARATORS).list().ofMaxSize(60).map(parts -> String.join("", parts)));
    }

    /** Mostly mutated real texts, some wholly random ones. */
    public static Arbitrary<String> damagedText(List<String> real) {
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(4, mutatedText(real)), net.jqwik.api.Tuple.of(1, randomText()));
    }

    // --- bytes -----------------------------------------------------------------------------------------------

    /**
     * Values written over four or eight bytes: the lengths that would make a reader that trusts them allocate
     * gigabytes, in both byte orders and in RDB's own length encoding ({@code 0x80} then 32 bits, {@code 0x81} then
     * 64).
     */
    static final List<byte[]> HOSTILE_BYTES = List.of(
            new byte[] {(byte) 0x80, 0, 0, 0},
            new byte[] {0, 0, 0, (byte) 0x80},
            new byte[] {0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff},
            new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff},
            new byte[] {(byte) 0x80, (byte) 0x80, 0, 0, 0},
            new byte[] {
                (byte) 0x81,
                (byte) 0x7f,
                (byte) 0xff,
                (byte) 0xff,
                (byte) 0xff,
                (byte) 0xff,
                (byte) 0xff,
                (byte) 0xff,
                (byte) 0xff
            },
            new byte[] {(byte) 0xff},
            new byte[] {(byte) 0xfe, (byte) 0xff},
            new byte[] {0, 0, 0, 0, 0, 0, 0, 0},
            "REDIS0010".getBytes(StandardCharsets.US_ASCII),
            "VALKEY080".getBytes(StandardCharsets.US_ASCII),
            "REDIS+010".getBytes(StandardCharsets.US_ASCII),
            "REDIS-001".getBytes(StandardCharsets.US_ASCII),
            "REDIS9999".getBytes(StandardCharsets.US_ASCII));

    public record ByteEdit(ByteKind kind, int at, int other, byte[] bytes) {

        byte[] applyTo(byte[] input) {
            int n = input.length;
            return switch (kind) {
                case FLIP_BIT -> {
                    byte[] out = input.clone();
                    if (n > 0) {
                        out[at % n] ^= (byte) (1 << (other % 8));
                    }
                    yield out;
                }
                case SET_BYTE -> {
                    byte[] out = input.clone();
                    if (n > 0) {
                        out[at % n] = (byte) other;
                    }
                    yield out;
                }
                case TRUNCATE -> Arrays.copyOf(input, at % (n + 1));
                case CUT_END -> Arrays.copyOf(input, Math.max(0, n - 1 - other % 12));
                case INSERT -> splice(input, at % (n + 1), 0, bytes);
                case OVERWRITE -> splice(input, at % (n + 1), Math.min(bytes.length, n - at % (n + 1)), bytes);
                case OVERWRITE_HEADER ->
                    splice(input, at % 10 % (n + 1), Math.min(bytes.length, n - at % 10 % (n + 1)), bytes);
                case OVERWRITE_TRAILER -> {
                    int from = Math.max(0, n - 1 - other % 10);
                    yield splice(input, from, Math.min(bytes.length, n - from), bytes);
                }
                case DELETE_RANGE -> {
                    int from = at % (n + 1);
                    yield splice(input, from, Math.min(1 + other % 64, n - from), new byte[0]);
                }
                case DUPLICATE_RANGE -> {
                    int from = at % (n + 1);
                    int length = Math.min(1 + other % 64, n - from);
                    yield splice(input, from, 0, Arrays.copyOfRange(input, from, from + length));
                }
            };
        }

        private static byte[] splice(byte[] input, int from, int length, byte[] by) {
            byte[] out = new byte[input.length - length + by.length];
            System.arraycopy(input, 0, out, 0, from);
            System.arraycopy(by, 0, out, from, by.length);
            System.arraycopy(input, from + length, out, from + by.length, input.length - from - length);
            return out;
        }

        @Override
        public String toString() {
            return kind + "@" + at + "/" + other + Arrays.toString(bytes);
        }
    }

    public enum ByteKind {
        FLIP_BIT,
        SET_BYTE,
        TRUNCATE,
        CUT_END,
        INSERT,
        OVERWRITE,
        OVERWRITE_HEADER,
        OVERWRITE_TRAILER,
        DELETE_RANGE,
        DUPLICATE_RANGE
    }

    public static Arbitrary<ByteEdit> byteEdits() {
        Arbitrary<byte[]> written = Arbitraries.oneOf(
                Arbitraries.of(HOSTILE_BYTES),
                Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(16));
        return Combinators.combine(
                        Arbitraries.of(ByteKind.class),
                        index(),
                        Arbitraries.integers().between(0, 255),
                        written)
                .as(ByteEdit::new);
    }

    /** The real bytes with one to eight edits. */
    public static Arbitrary<byte[]> mutatedBytes(byte[] real) {
        return byteEdits().list().ofMinSize(1).ofMaxSize(8).map(edits -> {
            byte[] edited = real;
            for (ByteEdit edit : edits) {
                edited = edit.applyTo(edited);
            }
            return edited;
        });
    }

    public static Arbitrary<byte[]> randomBytes() {
        return Arbitraries.bytes().array(byte[].class).ofMaxSize(2048);
    }

    // --- reply trees -----------------------------------------------------------------------------------------

    /**
     * One edit of a reply as Lettuce hands it over (lists, strings, longs, doubles, maps, byte buffers, nulls): in
     * the {@code at}-th list, the {@code other}-th element is changed.
     */
    public record TreeEdit(TreeKind kind, int at, int other, Object value) {

        void applyTo(Object root) {
            List<List<Object>> lists = new ArrayList<>();
            collect(root, lists);
            if (lists.isEmpty()) {
                return;
            }
            List<Object> list = lists.get(at % lists.size());
            int n = list.size();
            switch (kind) {
                case REPLACE -> {
                    if (n > 0) {
                        list.set(other % n, copy(value));
                    }
                }
                case INSERT -> list.add(other % (n + 1), copy(value));
                case REMOVE -> {
                    if (n > 0) {
                        list.remove(other % n);
                    }
                }
                case DUPLICATE -> {
                    if (n > 0) {
                        list.add(other % (n + 1), copy(list.get(other % n)));
                    }
                }
                case SWAP -> {
                    if (n > 0) {
                        java.util.Collections.swap(list, other % n, (other / 7) % n);
                    }
                }
                case TRUNCATE -> list.subList(other % (n + 1), n).clear();
                case AS_BYTES -> {
                    if (n > 0 && list.get(other % n) instanceof String text) {
                        list.set(other % n, ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
                    }
                }
                case AS_MAP -> {
                    if (n > 0 && list.get(other % n) instanceof List<?> pairs) {
                        list.set(other % n, asMap(pairs));
                    }
                }
            }
        }

        private static void collect(Object node, List<List<Object>> into) {
            if (node instanceof List<?> list) {
                @SuppressWarnings("unchecked")
                List<Object> mutable = (List<Object>) list;
                into.add(mutable);
                for (Object child : mutable) {
                    collect(child, into);
                }
            }
        }
    }

    public enum TreeKind {
        REPLACE,
        INSERT,
        REMOVE,
        DUPLICATE,
        SWAP,
        TRUNCATE,
        AS_BYTES,
        AS_MAP
    }

    /** A RESP3 map of a RESP2 list of names and values (the last name of an odd list is left out). */
    public static Map<Object, Object> asMap(List<?> pairs) {
        Map<Object, Object> map = new LinkedHashMap<>();
        for (int i = 0; i + 1 < pairs.size(); i += 2) {
            map.put(pairs.get(i), pairs.get(i + 1));
        }
        return map;
    }

    /** A deep copy with mutable lists, so edits never touch the fixture. */
    public static Object copy(Object node) {
        if (node instanceof List<?> list) {
            List<Object> copy = new ArrayList<>(list.size());
            for (Object child : list) {
                copy.add(copy(child));
            }
            return copy;
        }
        if (node instanceof Map<?, ?> map) {
            Map<Object, Object> copy = new LinkedHashMap<>();
            map.forEach((k, v) -> copy.put(copy(k), copy(v)));
            return copy;
        }
        return node;
    }

    /** What an edit writes into a reply: odd strings, extreme numbers, nulls, buffers, nested lists and maps. */
    public static Arbitrary<Object> oddReplyValues() {
        return Arbitraries.oneOf(
                oddText().map(Object.class::cast),
                Arbitraries.longs().map(Object.class::cast),
                Arbitraries.of(Long.MAX_VALUE, Long.MIN_VALUE, -1L, 0L, 1L << 31)
                        .map(Object.class::cast),
                Arbitraries.of(Double.NaN, Double.POSITIVE_INFINITY, -0.0, 1e300)
                        .map(Object.class::cast),
                Arbitraries.just(null),
                oddText().map(text -> (Object) ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8))),
                oddText().list().ofMaxSize(4).map(list -> (Object) new ArrayList<Object>(list)),
                Arbitraries.just((Object) new ArrayList<>()),
                Arbitraries.just((Object) new LinkedHashMap<>()),
                oddText().map(text -> (Object) new LinkedHashMap<Object, Object>(Map.of(text, text))));
    }

    public static Arbitrary<TreeEdit> treeEdits() {
        return Combinators.combine(Arbitraries.of(TreeKind.class), index(), index(), oddReplyValues())
                .as(TreeEdit::new);
    }

    /** One of the real replies, copied, with one to eight edits. */
    public static Arbitrary<Object> mutatedReply(List<?> real) {
        return Combinators.combine(
                        Arbitraries.of(real), treeEdits().list().ofMinSize(1).ofMaxSize(8))
                .as((reply, edits) -> {
                    Object edited = copy(reply);
                    for (TreeEdit edit : edits) {
                        edit.applyTo(edited);
                    }
                    return edited;
                });
    }

    /** Replies of random shape: lists of odd values, nested a little. */
    public static Arbitrary<Object> randomReply() {
        Arbitrary<Object> leaf = oddReplyValues();
        Arbitrary<Object> list = leaf.list().ofMaxSize(20).map(items -> (Object) new ArrayList<>(items));
        return Arbitraries.oneOf(
                leaf, list, list.list().ofMaxSize(6).map(items -> (Object) new ArrayList<Object>(items)));
    }

    /** Mostly mutated real replies, some random ones. */
    public static Arbitrary<Object> damagedReply(List<?> real) {
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(4, mutatedReply(real)), net.jqwik.api.Tuple.of(1, randomReply()));
    }
}
