package io.steward.collector;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The layouts of one server's recent INFO replies, owned by the parser of that server's replies: a reply of a shape
 * seen before takes the same layout, and a new shape takes the names it shares with the recent ones from them, so
 * the field names are held once however many replies are kept, and once for all targets.
 */
final class InfoLayouts {

    /** A full reply, a light one merged with the full one's slow sections, and room for a shape changing. */
    private static final int KEPT = 4;

    private final Deque<InfoLayout> recent = new ArrayDeque<>(KEPT);

    InfoLayout of(String[] sections, int[] sectionEnds, String[] fields) {
        for (InfoLayout layout : recent) {
            if (layout.sameShape(sections, sectionEnds, fields)) {
                if (recent.peekFirst() != layout) {
                    recent.remove(layout);
                    recent.addFirst(layout);
                }
                return layout;
            }
        }
        canonicalize(sections);
        canonicalize(fields);
        InfoLayout layout = new InfoLayout(sections, sectionEnds, fields);
        if (recent.size() == KEPT) {
            recent.removeLast();
        }
        recent.addFirst(layout);
        return layout;
    }

    /**
     * A name the recent layouts know is taken from them; any other is the JVM's one copy of it ({@link
     * String#intern}), so the targets of a fleet, which see the same few hundred names, hold each name once between
     * them. The names are Redis's own vocabulary (fields, commands, error prefixes, databases), so their number is
     * bounded, and an interned name no layout uses any more is collected.
     */
    private void canonicalize(String[] names) {
        for (int i = 0; i < names.length; i++) {
            names[i] = canonical(names[i]);
        }
    }

    private String canonical(String name) {
        for (InfoLayout layout : recent) {
            String known = layout.canonical(name);
            if (known != null) {
                return known;
            }
        }
        return name.intern();
    }
}
