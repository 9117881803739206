package io.steward.exporters;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A number for every family name seen in one exposition format, its comment lines (the same for every source),
 * and the order the families are written in, so
 * that joining many sources costs an array lookup per family and source rather than a search. Names are only ever
 * added: the set of families the agent writes is fixed by its code, and a family no source has is not written.
 */
final class FamilyIndex {

    private final Map<String, Integer> ids = new ConcurrentHashMap<>();
    private final List<String> names = new ArrayList<>();
    private final Map<Integer, byte[]> headers = new ConcurrentHashMap<>();
    private volatile int[] order = new int[0];

    /** Keeps the family's comment lines, {@code bytes[from, to)}, when they are the first seen. */
    void keepHeader(int id, byte[] bytes, int from, int to) {
        if (!headers.containsKey(id)) {
            headers.putIfAbsent(id, Arrays.copyOfRange(bytes, from, to));
        }
    }

    /** The family's comment lines. */
    byte[] header(int id) {
        return headers.get(id);
    }

    int idOf(String name) {
        Integer id = ids.get(name);
        return id != null ? id : add(name);
    }

    private synchronized int add(String name) {
        Integer id = ids.get(name);
        if (id != null) {
            return id;
        }
        names.add(name);
        int added = names.size() - 1;
        ids.put(name, added);
        order = java.util.stream.IntStream.range(0, names.size())
                .boxed()
                .sorted(Comparator.comparing(names::get))
                .mapToInt(Integer::intValue)
                .toArray();
        return added;
    }

    /** Every family id, by name. */
    int[] order() {
        return order;
    }
}
