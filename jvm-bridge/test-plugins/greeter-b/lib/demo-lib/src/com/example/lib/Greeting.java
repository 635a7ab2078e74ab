package com.example.lib;

/**
 * demo-lib 2.0: the library greeter-b bundles. greeter-a bundles 1.0 of the same class, which lacks
 * {@link #greet}, so a plugin seeing the other's copy fails loudly (NoSuchMethodError).
 */
public final class Greeting {
    private Greeting() {
    }

    public static String version() {
        return "demo-lib 2.0";
    }

    public static String greet(String who) {
        return "hello " + who + " from " + version();
    }
}
