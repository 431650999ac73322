package dev.freshet.app.cli;

import java.io.Console;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether a standard stream of this process is a terminal, to choose between a progress bar that
 * redraws itself and plain lines that a log file can keep.
 */
final class Terminal {

    static final int STDIN = 0;
    static final int STDERR = 2;

    private Terminal() {
    }

    /**
     * True when file descriptor {@code fd} is a terminal and {@code TERM} is not {@code dumb}.
     * Java has no isatty for one stream: on Linux the descriptor's link in /proc names its device;
     * elsewhere this falls back on the console, which is a terminal only when stdin and stdout are.
     */
    static boolean isTerminal(int fd) {
        if ("dumb".equals(System.getenv("TERM"))) {
            return false;
        }
        try {
            String device = Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
            return device.startsWith("/dev/pts/") || device.startsWith("/dev/tty") || device.equals("/dev/console");
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return consoleIsTerminal();
        }
    }

    private static boolean consoleIsTerminal() {
        Console console = System.console();
        if (console == null) {
            return false;
        }
        // Java 22+ returns a console even when the streams are redirected, and says so in isTerminal();
        // Freshet compiles for 21, where a console exists only for a terminal.
        try {
            Method isTerminal = Console.class.getMethod("isTerminal");
            return (Boolean) isTerminal.invoke(console);
        } catch (ReflectiveOperationException e) {
            return true;
        }
    }
}
