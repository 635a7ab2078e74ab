package com.example.lib;

/** demo-lib 1.0: the library greeter-a bundles. greeter-b bundles 2.0 of the same class. */
public final class Greeting {
    private Greeting() {
    }

    /** A method, not a constant: javac would inline a constant into the caller. */
    public static String version() {
        return "demo-lib 1.0";
    }
}
