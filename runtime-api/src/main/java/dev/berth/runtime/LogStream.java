package dev.berth.runtime;

/** The output stream a log line was written to. */
public enum LogStream { STDOUT, STDERR }
