package io.sluice.testing;

import io.sluice.runner.SluiceCommand;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Runs sluice's command line in this JVM against a {@link TestDatabase}, capturing what it prints. */
public final class Sluice {

    private final TestDatabase database;

    public Sluice(TestDatabase database) {
        this.database = database;
    }

    public record Result(int exitCode, String out, String err) {
    }

    public synchronized Result run(String... arguments) {
        return runWithInput("", arguments);
    }

    /** Runs a command line with {@code input} as its standard input (a password for {@code --password-stdin}). */
    public synchronized Result runWithInput(String input, String... arguments) {
        java.io.InputStream originalIn = System.in;
        System.setIn(new java.io.ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)));
        try {
            return runCapturing(arguments);
        } finally {
            System.setIn(originalIn);
        }
    }

    private Result runCapturing(String... arguments) {
        List<String> all = new ArrayList<>(List.of(arguments));
        all.addAll(database.arguments());
        PrintStream originalOut = System.out;
        PrintStream originalErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = SluiceCommand.execute(all.toArray(String[]::new));
            return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(originalOut);
            System.setErr(originalErr);
        }
    }
}
