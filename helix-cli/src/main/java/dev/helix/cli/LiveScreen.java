package dev.helix.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiFunction;
import org.jline.terminal.Attributes;
import org.jline.terminal.Size;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStyle;
import org.jline.utils.Display;
import org.jline.utils.InfoCmp.Capability;
import org.jline.utils.NonBlockingReader;

/**
 * Draws a screen of lines on the terminal with JLine's {@link Display} (only what changed is
 * redrawn) until the person presses q (exit 0) or Ctrl-C (exit 130).
 */
final class LiveScreen {
    private LiveScreen() {}

    /** Shows {@code screen.apply(now, width)} every {@code interval}; returns the exit code. */
    static int show(BiFunction<Instant, Integer, List<String>> screen, Duration interval) {
        // JLine uses native access (FFM or JNI); the jar's manifest enables it (Enable-Native-Access).
        try (Terminal terminal = TerminalBuilder.builder().system(true).name("helix watch").build()) {
            AtomicBoolean interrupted = new AtomicBoolean();
            terminal.handle(Terminal.Signal.INT, s -> interrupted.set(true));
            Attributes saved = terminal.enterRawMode();
            terminal.puts(Capability.enter_ca_mode);
            terminal.puts(Capability.cursor_invisible);
            Display display = new Display(terminal, true);
            try {
                NonBlockingReader reader = terminal.reader();
                Instant next = Instant.MIN;
                while (!interrupted.get()) {
                    Instant now = Instant.now();
                    if (!now.isBefore(next)) {
                        draw(terminal, display, screen.apply(now, Math.max(20, terminal.getWidth())));
                        next = now.plus(interval);
                    }
                    int c = reader.read(Math.max(1, Math.min(200, Duration.between(Instant.now(), next).toMillis())));
                    if (c == 'q' || c == 'Q') return ExitCodes.OK;
                    if (c == 3) return ExitCodes.INTERRUPTED; // Ctrl-C when the terminal sends it as a key
                }
                return ExitCodes.INTERRUPTED;
            } finally {
                terminal.puts(Capability.cursor_visible);
                terminal.puts(Capability.exit_ca_mode);
                terminal.setAttributes(saved);
                terminal.flush();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void draw(Terminal terminal, Display display, List<String> lines) {
        Size size = terminal.getSize();
        int rows = Math.max(1, size.getRows());
        display.resize(rows, Math.max(20, size.getColumns()));
        // A mutable list: JLine's Display keeps it and edits it in place when the next screen scrolls.
        List<AttributedString> shown = lines.subList(0, Math.min(lines.size(), rows - 1)).stream()
                .map(LiveScreen::styled).collect(java.util.stream.Collectors.toCollection(java.util.ArrayList::new));
        display.update(shown, -1);
        terminal.flush();
    }

    /** Colour by what a line says: kept green, crashes and rejections red, hints yellow, the title bold. */
    private static AttributedString styled(String line) {
        AttributedStyle style = AttributedStyle.DEFAULT;
        if (line.startsWith("helix watch")) style = style.bold();
        else if (line.startsWith("hint:")) style = style.foreground(AttributedStyle.YELLOW);
        else if (line.matches("#\\S+\\s+keep\\b.*")) style = style.foreground(AttributedStyle.GREEN);
        else if (line.matches("#\\S+\\s+(crash|rejected)\\b.*")) style = style.foreground(AttributedStyle.RED);
        return new AttributedString(line, style);
    }
}
