package io.steward.collector;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The layouts of one server's recent INFO replies, owned by the parser of that server's replies: a reply of a shape
 * seen before takes the same layout, and a new shape takes the names it shares with the recent ones from them, so
 * the field names are held once however many replies are kept.
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

    private void canonicalize(String[] names) {
        for (int i = 0; i < names.length; i++) {
            for (InfoLayout layout : recent) {
                String known = layout.canonical(names[i]);
                if (known != null) {
                    names[i] = known;
                    break;
                }
            }
        }
    }
}
