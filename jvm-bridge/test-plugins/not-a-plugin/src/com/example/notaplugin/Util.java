package com.example.notaplugin;

/** A jar on plugin.path with no connector, converter, SMT or predicate in it: Kafka finds nothing here. */
public final class Util {
    private Util() {
    }

    public static String hello() {
        return "not a plugin";
    }
}
