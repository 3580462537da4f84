package dev.helix.cli;

import dev.helix.app.AppException;
import dev.helix.app.review.ReviewRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code helix review}: the prompt that asks a second model to review a session. */
@Command(name = "review", mixinStandardHelpOptions = true,
        description = "Write a prompt for a second model to review a session: summary, keep/discard rates, stuck "
                + "detection, repeated failure themes, suspicious jumps, the kept changes, and the questions to answer.")
final class ReviewCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Option(names = "--tag", paramLabel = "TAG", description = "The session (default: the latest).")
    String tag;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write the prompt to FILE instead of stdout.")
    Path file;

    @Override
    public Integer call() {
        SessionRecords s = SessionRecords.read(main.workingDirectory(), Optional.ofNullable(tag));
        String prompt = ReviewRequest.prompt(s.repo(), s.tag(), s.records());
        Output out = main.output();
        s.warnings().forEach(w -> out.progress().println("warning: " + w));
        ReviewView view;
        if (file != null) {
            Path target = main.workingDirectory().resolve(file);
            try {
                if (target.getParent() != null) Files.createDirectories(target.getParent());
                Files.writeString(target, prompt);
            } catch (IOException e) {
                throw AppException.runtime("write_failed", "cannot write " + target + ": " + e.getMessage(),
                        "check the directory exists and is writable, or drop -o to print the prompt");
            }
            if (!out.json()) out.progress().println("Wrote the review prompt for session " + s.tag() + " to " + target);
            view = new ReviewView(s.tag(), target.toString(), null);
        } else {
            out.text(prompt.stripTrailing());
            view = new ReviewView(s.tag(), null, prompt);
        }
        out.success(view, List.of("paste it into a second model, or: claude -p < " + (file == null ? "review.md" : file)));
        return ExitCodes.OK;
    }
}
