package io.steward.exporters;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A number for every family name seen in one exposition format, and the order the families are written in, so
 * that joining many sources costs an array lookup per family and source rather than a search. Names are only ever
 * added: the set of families the agent writes is fixed by its code, and a family no source has is not written.
 */
final class FamilyIndex {

    private final Map<String, Integer> ids = new ConcurrentHashMap<>();
    private final List<String> names = new ArrayList<>();
    private volatile int[] order = new int[0];

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
