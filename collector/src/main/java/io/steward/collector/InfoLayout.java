package io.steward.collector;

import java.util.Arrays;

/**
 * The shape of one INFO reply: its sections and their field names, in order, with an index by field name. A
 * server sends the same shape poll after poll, so one layout serves every {@link RedisInfo} of that shape and each
 * reply keeps only its values.
 */
final class InfoLayout {

    private final String[] sections;
    /** For each section, the index of the field after its last one. */
    private final int[] sectionEnds;

    private final String[] fields;
    /** Open addressing over {@link #fields}: field index + 1, 0 for a free slot; the first of a repeated name wins. A char, since no INFO has anywhere near 65535 fields. */
    private final char[] slots;

    InfoLayout(String[] sections, int[] sectionEnds, String[] fields) {
        if (fields.length >= Character.MAX_VALUE) {
            throw new IllegalArgumentException("an INFO reply of " + fields.length + " fields");
        }
        this.sections = sections;
        this.sectionEnds = sectionEnds;
        this.fields = fields;
        this.slots = new char[Integer.highestOneBit(Math.max(4, fields.length * 2 - 1)) << 1];
        for (int i = 0; i < fields.length; i++) {
            int slot = firstSlot(fields[i]);
            while (slots[slot] != 0 && !fields[slots[slot] - 1].equals(fields[i])) {
                slot = (slot + 1) & (slots.length - 1);
            }
            if (slots[slot] == 0) {
                slots[slot] = (char) (i + 1);
            }
        }
    }

    int sectionCount() {
        return sections.length;
    }

    String section(int index) {
        return sections[index];
    }

    /** The section of that name, or -1. */
    int sectionIndex(String name) {
        for (int i = 0; i < sections.length; i++) {
            if (sections[i].equals(name)) {
                return i;
            }
        }
        return -1;
    }

    int sectionStart(int section) {
        return section == 0 ? 0 : sectionEnds[section - 1];
    }

    int sectionEnd(int section) {
        return sectionEnds[section];
    }

    int fieldCount() {
        return fields.length;
    }

    String field(int index) {
        return fields[index];
    }

    /** The first field of that name in section order, or -1. */
    int indexOf(String field) {
        int slot = firstSlot(field);
        while (slots[slot] != 0) {
            int index = slots[slot] - 1;
            if (fields[index].equals(field)) {
                return index;
            }
            slot = (slot + 1) & (slots.length - 1);
        }
        return -1;
    }

    /** The field of that name within fields {@code from} to {@code to}, or -1. */
    int indexOf(String field, int from, int to) {
        int first = indexOf(field);
        if (first < 0 || first >= to) {
            return -1;
        }
        if (first >= from) {
            return first;
        }
        // Only a name that is repeated in an earlier section gets here.
        for (int i = from; i < to; i++) {
            if (fields[i].equals(field)) {
                return i;
            }
        }
        return -1;
    }

    /** This layout's own copy of the name, so replies of other shapes share it; null when it has none. */
    String canonical(String name) {
        int index = indexOf(name);
        if (index >= 0) {
            return fields[index];
        }
        int section = sectionIndex(name);
        return section >= 0 ? sections[section] : null;
    }

    boolean sameShape(String[] otherSections, int[] otherEnds, String[] otherFields) {
        return Arrays.equals(sectionEnds, otherEnds)
                && Arrays.equals(sections, otherSections)
                && Arrays.equals(fields, otherFields);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof InfoLayout layout && layout.sameShape(sections, sectionEnds, fields);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(fields);
    }

    private int firstSlot(String field) {
        int hash = field.hashCode();
        return (hash ^ (hash >>> 16)) & (slots.length - 1);
    }
}
