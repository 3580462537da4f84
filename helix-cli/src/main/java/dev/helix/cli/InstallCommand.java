package dev.helix.cli;

import dev.helix.adapters.install.SkillInstaller.Installation;
import dev.helix.adapters.install.SkillInstaller;
import dev.helix.adapters.install.UserHome;
import dev.helix.app.AppException;
import dev.helix.app.Workspace;
import dev.helix.core.guide.SkillTarget;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code helix install <agent>}: teaches an agent the Helix loop, in the agent's own format and place. */
@Command(name = "install", mixinStandardHelpOptions = true, description = {
    "Install the Helix skill (the experiment loop with helix try) for a coding agent.",
    "%nAgents: claude, codex, gemini, opencode, agents (.agents/skills) go under your home directory ($HOME, as the agents read it); "
        + "copilot, cursor and windsurf read only repository files and always go into the repository. "
        + "Running it again changes nothing; a file Helix did not write is never overwritten without --force."})
final class InstallCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Parameters(index = "0", paramLabel = "AGENT", description = "claude (or claude-code), codex, gemini, opencode, copilot, cursor, windsurf, agents, or all (every agent under your home; with --project, every one).")
    String agent;

    @Option(names = "--project", description = "Install into this repository (to share with the team) instead of your home directory.")
    boolean project;

    @Option(names = "--force", description = "Replace a file of the same name that Helix did not write.")
    boolean force;

    /** For tests and sandboxes: install under this home, ignoring CODEX_HOME and XDG_CONFIG_HOME. */
    @Option(names = "--home", hidden = true, paramLabel = "DIR")
    Path home;

    @Override
    public Integer call() {
        // "claude-code" and "all" are the names the autoresearch CLI taught its users
        String name = agent.toLowerCase(Locale.ROOT).equals("claude-code") ? "claude" : agent.toLowerCase(Locale.ROOT);
        List<SkillTarget> targets = name.equals("all") ? SkillTarget.ALL.stream().filter(t -> project || !t.repositoryOnly()).toList()
                : List.of(SkillTarget.find(name).orElseThrow(() -> AppException.usage("unknown_agent", "unknown agent '" + agent + "'",
                        "choose one of: " + String.join(", ", SkillTarget.names()) + ", or all")));
        Path repository = Workspace.find(main.workingDirectory()).map(Workspace::repo).orElse(main.workingDirectory());
        SkillInstaller installer = home == null
                ? new SkillInstaller(UserHome.current(), System.getenv(), repository)
                : new SkillInstaller(main.workingDirectory().resolve(home), Map.of(), repository);
        Output out = main.output();
        List<InstallView> views = new java.util.ArrayList<>();
        for (SkillTarget target : targets) views.add(install(out, installer, target, repository));
        out.success(views.size() == 1 ? views.get(0) : views, List.of(InstallView.howToStart(targets.get(0).agent())));
        return ExitCodes.OK;
    }

    private InstallView install(Output out, SkillInstaller installer, SkillTarget target, Path repository) {
        Installation result = installer.install(target, project, force);
        if (target.repositoryOnly() && !project) {
            out.text(target.product() + " reads its instructions only from the repository: installing into " + repository);
        }
        InstallView view = InstallView.of(target, result);
        if (!view.files().isEmpty()) out.text(view.placements());
        if (!result.foreign().isEmpty()) {
            throw AppException.usage("foreign_file", "left alone, not written by Helix: "
                    + String.join(", ", result.foreign().stream().map(Path::toString).toList()),
                    "move it aside (or merge it by hand), or run 'helix install " + target.agent()
                            + (project ? " --project" : "") + " --force' to replace it");
        }
        out.text(view.summary());
        return view;
    }
}
