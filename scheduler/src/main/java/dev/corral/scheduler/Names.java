package dev.corral.scheduler;

import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Interns the few distinct words of a column (models, regions, countries) as small numbers so
 * a million devices store a short each. Number 0 stands for "none" (a CPU device's model).
 * Lookups are lock-free; adding takes a lock and publishes a new name table.
 */
final class Names {
    /** Distinct names one column can hold: they are stored as shorts. */
    static final int NAMES_MAX = Short.MAX_VALUE;
    static final short NONE = 0;

    private final ConcurrentHashMap<String, Short> numbers = new ConcurrentHashMap<>();
    private final ReentrantLock adding = new ReentrantLock();
    private volatile String[] names = {null};

    /** The number of a name, adding it if new; NONE for null. */
    short intern(String name) {
        if (name == null) {
            return NONE;
        }
        Short known = numbers.get(name);
        if (known != null) {
            return known;
        }
        adding.lock();
        try {
            known = numbers.get(name);
            if (known != null) {
                return known;
            }
            String[] table = names;
            if (table.length > NAMES_MAX) {
                throw new IllegalStateException("more than " + NAMES_MAX + " distinct names in one column");
            }
            short number = (short) table.length;
            String[] grown = Arrays.copyOf(table, table.length + 1);
            grown[number] = name;
            names = grown;
            numbers.put(name, number);
            return number;
        } finally {
            adding.unlock();
        }
    }

    /** The number of a name already interned, or -1. */
    int find(String name) {
        Short known = name == null ? null : numbers.get(name);
        return known == null ? -1 : known;
    }

    /** The name table as of now: index by number; entry 0 is null. */
    String[] snapshot() {
        return names;
    }
}
