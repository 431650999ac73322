package dev.freshet.app.api;

import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/** Ids of predictions and decisions. */
final class Ids {

    private Ids() {
    }

    /** 128 random bits in hex: unique without coordination between servers. */
    static String random() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return HexFormat.of().toHexDigits(r.nextLong()) + HexFormat.of().toHexDigits(r.nextLong());
    }
}
