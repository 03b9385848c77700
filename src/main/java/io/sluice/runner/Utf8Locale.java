package io.sluice.runner;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Makes sure sluice runs with a UTF-8 locale, so that it can read every file name the file system holds.
 *
 * <p>On JDK 17 the JVM decodes file names (and its command-line arguments) in the charset of the
 * locale it starts in ({@code sun.jnu.encoding}), and {@code -Dsun.jnu.encoding} cannot change that.
 * Under the C/POSIX locale of cron, systemd and slim containers a name such as {@code résumé.csv}
 * then reads as {@code r??sum??.csv} and cannot be opened. The {@code ./sluice} launcher starts the
 * JVM with {@code LC_ALL=C.UTF-8} in that case; a JVM started otherwise ({@code java -jar}) starts
 * itself again so, once, with its arguments passed as their original bytes (the first JVM could not
 * decode them), and ends with the second JVM's exit code, forwarding SIGTERM and Ctrl-C to it.
 */
final class Utf8Locale {

    static final String LOCALE = "C.UTF-8";
    /** Set on the second JVM: its arguments, base64 of their NUL-separated bytes as the first JVM was given them. */
    private static final String ARGUMENTS_VARIABLE = "SLUICE_UTF8_ARGUMENTS";
    private static final long CHILD_STOP_SECONDS = 90;

    private Utf8Locale() {
    }

    /** The arguments as the user gave them: {@code args}, or in the second JVM the first JVM's original ones. */
    static String[] arguments(String[] args) {
        String encoded = System.getenv(ARGUMENTS_VARIABLE);
        if (encoded == null) {
            return args;
        }
        String all = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
        return all.isEmpty() ? new String[0] : all.split("\0", -1);
    }

    /**
     * When this JVM's locale is not UTF-8 (and it is not already the second JVM), runs the command in a second
     * JVM under {@value #LOCALE} and returns its exit code; otherwise empty, and the command runs here.
     */
    static Optional<Integer> relaunchIfNeeded(String[] args) {
        if ("UTF-8".equalsIgnoreCase(System.getProperty("sun.jnu.encoding"))) {
            return Optional.empty();
        }
        if (System.getenv(ARGUMENTS_VARIABLE) != null) {
            System.err.println("sluice: the " + LOCALE + " locale is missing here, so file names that are not ASCII cannot be read;"
                    + " set LC_ALL to a UTF-8 locale this system has (locale -a)");
            return Optional.empty();
        }
        Optional<byte[]> rawArguments = rawArguments(args.length);
        Optional<List<String>> launch = launchCommand();
        if (rawArguments.isEmpty() || launch.isEmpty()) {
            return Optional.empty(); // not Linux, or started in a way that cannot be repeated: run as we are
        }
        ProcessBuilder builder = new ProcessBuilder(launch.get()).inheritIO();
        builder.environment().put("LC_ALL", LOCALE);
        builder.environment().put(ARGUMENTS_VARIABLE, Base64.getEncoder().encodeToString(rawArguments.get()));
        try {
            Process child = builder.start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> endWith(child), "sluice-utf8-child"));
            return Optional.of(child.waitFor());
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** On this JVM's exit (normal, or by a signal), lets the second JVM stop as it would by itself, and ends with its code. */
    private static void endWith(Process child) {
        try {
            if (child.isAlive()) {
                child.destroy(); // SIGTERM: it stops its job after the current chunk
                if (!child.waitFor(CHILD_STOP_SECONDS, TimeUnit.SECONDS)) {
                    child.destroyForcibly().waitFor();
                }
            }
            Runtime.getRuntime().halt(child.exitValue());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The last {@code count} entries of this process's command line, as the bytes it was given (Linux only). */
    private static Optional<byte[]> rawArguments(int count) {
        byte[] commandLine;
        try {
            commandLine = Files.readAllBytes(Path.of("/proc/self/cmdline"));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
        List<Integer> starts = new ArrayList<>();
        for (int i = 0; i < commandLine.length; i++) {
            if (i == 0 || commandLine[i - 1] == 0) {
                starts.add(i);
            }
        }
        if (count == 0) {
            return Optional.of(new byte[0]);
        }
        if (starts.size() < count) {
            return Optional.empty();
        }
        int from = starts.get(starts.size() - count);
        int to = commandLine.length > 0 && commandLine[commandLine.length - 1] == 0 ? commandLine.length - 1 : commandLine.length;
        return Optional.of(Arrays.copyOfRange(commandLine, from, to));
    }

    /** The java binary, this JVM's options, and its jar or class path and main class: the command line without the arguments. */
    private static Optional<List<String>> launchCommand() {
        Optional<String> java = ProcessHandle.current().info().command();
        String classPath = System.getProperty("java.class.path", "");
        String command = System.getProperty("sun.java.command", "");
        if (java.isEmpty() || classPath.isEmpty()) {
            return Optional.empty();
        }
        List<String> launch = new ArrayList<>();
        launch.add(java.get());
        launch.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        if (command.startsWith(classPath) && classPath.endsWith(".jar")) {
            launch.addAll(List.of("-jar", classPath));
        } else {
            launch.addAll(List.of("-cp", classPath, SluiceCommand.class.getName()));
        }
        return Optional.of(launch);
    }
}
