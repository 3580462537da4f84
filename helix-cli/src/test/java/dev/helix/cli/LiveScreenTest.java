package dev.helix.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.jline.terminal.Size;
import org.jline.terminal.Terminal;
import org.jline.terminal.impl.ExternalTerminal;
import org.jline.utils.Display;
import org.junit.jupiter.api.Test;

/** The dashboard's drawing on a terminal that speaks xterm. */
class LiveScreenTest {

    @Test
    void aScreenWhoseListScrollsByALineIsDrawn() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (Terminal terminal = new ExternalTerminal("test", "xterm-256color", new ByteArrayInputStream(new byte[0]), out,
                StandardCharsets.UTF_8)) {
            terminal.setSize(new Size(110, 40));
            Display display = new Display(terminal, true);
            LiveScreen.draw(terminal, display, screen(1));
            // a new experiment arrives: the last-N list moves up a line, the screen keeps its height
            LiveScreen.draw(terminal, display, screen(2));
            LiveScreen.draw(terminal, display, screen(3));
        }
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("#17 discard");
    }

    /** A dashboard whose list of the last 15 experiments starts at {@code first}. */
    private static List<String> screen(int first) {
        List<String> lines = new ArrayList<>(List.of("helix watch · session s · running, pid 1", "Now:  #" + (first + 15) + " evaluating", ""));
        for (int run = first; run < first + 15; run++) lines.add("#" + run + " discard     0.5   x=" + run);
        lines.add("");
        lines.add("q quits");
        return lines;
    }
}
