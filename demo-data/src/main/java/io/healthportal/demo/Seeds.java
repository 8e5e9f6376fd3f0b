package io.healthportal.demo;

/** Derives independent seeds, so each patient's data depends only on the seed and its own index. */
final class Seeds {

    private Seeds() {}

    /** SplitMix64's finaliser over the seed and a stream number. */
    static long mix(long seed, long stream) {
        long z = seed + 0x9E3779B97F4A7C15L * (stream + 1);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
