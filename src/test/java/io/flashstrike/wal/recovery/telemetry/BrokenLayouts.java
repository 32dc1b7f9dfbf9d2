package io.flashstrike.wal.recovery.telemetry;

/** Deliberately broken padded layouts: the layout check must reject each of them. */
final class BrokenLayouts {
    private BrokenLayouts() {
    }

    /** Pad0 too thin: the hot field lands within a line of the object header. */
    abstract static class ThinPad0 {
        long p00, p01;
    }

    abstract static class ThinFields extends ThinPad0 {
        long count;
    }

    abstract static class ThinPad1 extends ThinFields {
        long q00, q01, q02, q03, q04, q05, q06, q07, q08, q09, q10, q11, q12, q13, q14, q15;
    }

    static final class ThinHead extends ThinPad1 {
    }

    abstract static class GoodPad0 {
        long p00, p01, p02, p03, p04, p05, p06, p07, p08, p09, p10, p11, p12, p13, p14, p15;
    }

    abstract static class GoodFields extends GoodPad0 {
        long count;
    }

    abstract static class GoodPad1 extends GoodFields {
        long q00, q01, q02, q03, q04, q05, q06, q07, q08, q09, q10, q11, q12, q13, q14, q15;
    }

    /** Someone added a mutable field to the outer class: written from elsewhere, it would share lines. */
    static final class MutableTail extends GoodPad1 {
        long lastSeen;
    }

    /** The sound version of the same, which must pass. */
    static final class Sound extends GoodPad1 {
        final long[] cells = new long[1];
    }
}
