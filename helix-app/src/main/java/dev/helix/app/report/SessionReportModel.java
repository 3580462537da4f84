package dev.helix.app.report;

import dev.helix.app.Workspace;
import dev.helix.core.experiment.Experiment;
import dev.helix.core.port.Repository;
import dev.helix.core.port.Vcs;
import dev.helix.core.report.ReportModel;
import java.nio.file.Path;
import java.util.List;

/** The research report's model of one session: its records, its setting, and each kept change's diff from git. */
public final class SessionReportModel {
    private SessionReportModel() {}

    /** The model of session {@code tag} with {@code records} in {@code workspace}'s repository. */
    public static ReportModel of(Workspace workspace, String tag, List<Experiment> records) {
        SessionSetting setting = SessionSetting.of(workspace.repo(), records);
        Repository git = workspace.git();
        ReportModel model = ReportModel.of(tag, setting.setting(), records, e -> diff(git, workspace.repo(), e));
        return dev.helix.app.finalizing.FinalFiles.read(workspace, tag).map(model::withFinalized).orElse(model);
    }

    /** A kept experiment's diff against the best before it; a report still renders if git lost a commit. */
    private static String diff(Repository git, Path repo, Experiment e) {
        if (e.parent().isEmpty() || e.commit().isEmpty()) return "";
        try {
            return git.diff(repo, e.parent(), e.commit());
        } catch (Vcs.VcsException ex) {
            return "(no diff: " + ex.getMessage().strip() + ")";
        }
    }
}
