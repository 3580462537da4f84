package dev.helix.adapters.agents.http;

import dev.helix.core.edit.SearchReplace;
import dev.helix.core.experiment.AgentUsage;
import dev.helix.core.port.AgentBackend;
import dev.helix.core.port.Proposer;
import dev.helix.core.prompt.PromptBuilder;
import dev.helix.core.prompt.Reply;
import dev.helix.core.scope.Glob;
import dev.helix.core.spec.Spec;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * A model behind an HTTP API as a proposer: Helix shows it the editable files
 * ({@link PromptBuilder.Mode#SEARCH_REPLACE}), sends the prompt, reads the SEARCH/REPLACE blocks of
 * the answer and applies them itself, only to files matching scope.editable inside the worktree.
 * When a block does not apply, the model gets one follow-up in the same conversation with the
 * failures and the files' current text; if that does not apply either, the proposal fails (the
 * experiment is rejected with the reason). Nothing is written unless every block applies.
 *
 * <p>Replies are streamed ({@code stream: true}); {@code agent.extra_args: [no-stream]} asks for
 * whole replies instead, for servers whose streaming is broken. Usage: tokens summed over the
 * requests, cost only when the API reports it (OpenRouter's usage.cost), turns = requests answered.
 */
public final class HttpProposer implements Proposer {
    /** Files larger than this are not shown to the model. */
    static final long MAX_FILE_BYTES = 256 * 1024;

    private final Dialect dialect;
    private final AgentBackend.Context context;
    private final ChatClient.Retries retries;
    private final java.net.http.HttpClient http = ChatClient.newHttpClient();

    HttpProposer(Dialect dialect, AgentBackend.Context context, ChatClient.Retries retries) {
        this.dialect = dialect;
        this.context = context;
        this.retries = retries;
    }

    /** What the requests of one proposal cost so far. */
    private final class Tally {
        final long started = System.nanoTime();
        final String model;
        Optional<Long> in = Optional.empty();
        Optional<Long> out = Optional.empty();
        Optional<Double> cost = Optional.empty();
        Optional<Long> cached = Optional.empty();
        Optional<Long> written = Optional.empty();
        int turns;

        Tally(String model) {
            this.model = model;
        }

        void add(Dialect.Answer a) {
            turns++;
            in = Json.sum(in, a.tokensIn());
            out = Json.sum(out, a.tokensOut());
            cached = Json.sum(cached, a.tokensCached());
            written = Json.sum(written, a.tokensCacheWritten());
            if (a.costUsd().isPresent()) cost = Optional.of(cost.orElse(0.0) + a.costUsd().get());
        }

        AgentUsage usage() {
            return new AgentUsage(dialect.backend(), Optional.of(model).filter(m -> !m.isBlank()), in, out, cost,
                    turns == 0 ? Optional.empty() : Optional.of(turns), (System.nanoTime() - started) / 1e9, cached, written);
        }
    }

    @Override
    public Proposal propose(Request request) throws InterruptedException {
        if (Thread.interrupted()) throw new InterruptedException();
        Tally tally = new Tally(request.spec().agent().model().orElse(""));
        try {
            return propose(request, tally);
        } catch (InterruptedException e) {
            if (tally.turns == 0) throw e;
            Cut cut = new Cut(tally.usage()); // the requests answered before the cut were billed
            cut.addSuppressed(e);
            throw cut;
        }
    }

    private Proposal propose(Request request, Tally tally) throws InterruptedException {
        Spec.AgentSpec agent = request.spec().agent();
        long deadline = System.nanoTime() + agent.timeoutSeconds() * 1_000_000_000L;
        Path log = context.logDir().resolve(request.experiment() + ".agent.log");
        Transcript transcript = new Transcript(log);

        Optional<String> model = agent.model().map(String::strip).filter(m -> !m.isEmpty());
        if (model.isEmpty()) return fail(tally, transcript, "agent.model is required for the " + dialect.backend() + " backend");
        String baseUrl = agent.baseUrl().orElse(dialect.defaultBaseUrl());
        URI endpoint;
        try {
            endpoint = dialect.endpoint(baseUrl);
        } catch (IllegalArgumentException e) {
            return fail(tally, transcript, "agent.base_url is not a URL: " + e.getMessage());
        }
        Optional<String> key = HttpBackends.key(dialect, agent, context.env());

        Path worktree = request.worktree().toAbsolutePath().normalize();
        EditableFiles.Shown shown;
        try {
            shown = EditableFiles.read(worktree, request.spec().scope().editable(), MAX_FILE_BYTES);
        } catch (IOException e) {
            return fail(tally, transcript, "could not read the editable files: " + e.getMessage());
        }
        String prompt = PromptBuilder.build(request, PromptBuilder.Mode.SEARCH_REPLACE, shown.texts());
        if (!shown.notes().isEmpty()) {
            prompt += "\n## Editable files not shown\n" + String.join("\n", shown.notes().stream().map(n -> "- " + n).toList()) + "\n";
        }
        boolean stream = agent.extraArgs().stream().map(a -> a.strip().toLowerCase(Locale.ROOT))
                .noneMatch(a -> a.equals("no-stream") || a.equals("--no-stream") || a.equals("stream=false"));
        transcript.header(request, dialect.backend(), model.get(), endpoint, stream);

        ChatClient client = new ChatClient(http, dialect, retries, transcript::raw);
        List<Dialect.Message> messages = new ArrayList<>();
        messages.add(new Dialect.Message("user", prompt));

        Dialect.Answer first;
        try {
            first = ask(client, endpoint, key, model.get(), agent.maxTokens(), messages, stream, deadline, tally, transcript);
        } catch (ChatClient.Failed e) {
            return fail(tally, transcript, e.getMessage(), fault(e, endpoint, model.get(), agent));
        }
        SearchReplace.Parsed parsed = SearchReplace.read(first.text());
        Reply reply = Reply.parse(parsed.preamble());
        if (parsed.blocks().isEmpty()) {
            return fail(tally, transcript, "the model proposed no edit" + (reply.description().isEmpty() ? "" : " (it said: \"" + reply.description() + "\")")
                    + problems(parsed, first, agent));
        }

        Path root = worktree;
        Predicate<String> mayCreate = path -> Glob.any(request.spec().scope().editable(), path)
                && EditableFiles.inside(root, path).filter(p -> !Files.exists(p)).isPresent();
        SearchReplace.Outcome outcome = SearchReplace.apply(shown.texts(), parsed.blocks(), mayCreate);
        Map<String, String> changed = new LinkedHashMap<>(outcome.changed());
        if (!outcome.ok() || !parsed.problems().isEmpty()) {
            Map<String, String> current = new LinkedHashMap<>(shown.texts());
            current.putAll(outcome.changed());
            messages.add(new Dialect.Message("assistant", first.text()));
            messages.add(new Dialect.Message("user", followUp(outcome, parsed, current, first, agent)));
            Dialect.Answer second;
            try {
                second = ask(client, endpoint, key, model.get(), agent.maxTokens(), messages, stream, deadline, tally, transcript);
            } catch (ChatClient.Failed e) {
                return fail(tally, transcript, edit(reply) + " did not apply, and the follow-up failed: "
                        + failures(outcome, parsed) + "; " + e.getMessage());
            }
            SearchReplace.Parsed again = SearchReplace.read(second.text());
            Map<String, String> created = new LinkedHashMap<>(outcome.changed());
            created.keySet().removeAll(shown.texts().keySet());
            SearchReplace.Outcome retry = SearchReplace.apply(current, again.blocks(),
                    path -> !created.containsKey(path) && mayCreate.test(path));
            if (again.blocks().isEmpty()) {
                return fail(tally, transcript, edit(reply) + " did not apply and the follow-up proposed no edit: "
                        + failures(outcome, parsed) + problems(again, second, agent));
            }
            if (!retry.ok() || !again.problems().isEmpty()) {
                return fail(tally, transcript, edit(reply) + " did not apply, even after a follow-up: "
                        + failures(retry, again) + problems(SearchReplace.read(""), second, agent));
            }
            changed.putAll(retry.changed());
        }

        try {
            EditableFiles.write(worktree, changed);
        } catch (IOException e) {
            return fail(tally, transcript, "could not write the edited files: " + e.getMessage());
        }
        String description = reply.description().isBlank() ? "edit " + String.join(", ", changed.keySet()) : reply.description();
        transcript.raw("--- applied: " + String.join(", ", changed.keySet()) + " ---\n");
        return new Proposal.Change(description, reply.hypothesis(), tally.usage());
    }

    private Dialect.Answer ask(ChatClient client, URI endpoint, Optional<String> key, String model, int maxTokens,
                               List<Dialect.Message> messages, boolean stream, long deadline, Tally tally, Transcript transcript)
            throws ChatClient.Failed, InterruptedException {
        transcript.raw("--- request " + (tally.turns + 1) + " (" + Instant.now() + ") ---\n" + messages.get(messages.size() - 1).content() + "\n");
        Dialect.Answer answer = client.send(endpoint, key, model, maxTokens, messages, stream, deadline);
        tally.add(answer);
        transcript.raw("--- reply " + tally.turns + " (" + Instant.now() + ", stop: " + (answer.stopReason().isEmpty() ? "?" : answer.stopReason())
                + ", tokens in " + answer.tokensIn().map(String::valueOf).orElse("?") + ", out "
                + answer.tokensOut().map(String::valueOf).orElse("?") + ") ---\n" + answer.text() + "\n");
        return answer;
    }

    private static String followUp(SearchReplace.Outcome outcome, SearchReplace.Parsed parsed, Map<String, String> current,
                                   Dialect.Answer answer, Spec.AgentSpec agent) {
        StringBuilder b = new StringBuilder("Some of your edits could not be applied:\n");
        outcome.failures().forEach(f -> b.append("- ").append(f.render()).append('\n'));
        parsed.problems().forEach(p -> b.append("- ").append(p).append('\n'));
        if (answer.cut()) b.append("- your reply was cut off at max_tokens (").append(agent.maxTokens()).append(")\n");
        int applied = parsed.blocks().size() - outcome.failures().size();
        if (applied > 0) b.append("The other ").append(applied).append(" block(s) applied (in memory, nothing is written until every block applies); the text below includes them.\n");
        List<String> shown = new ArrayList<>();
        for (SearchReplace.Failure f : outcome.failures()) {
            if (current.containsKey(f.path()) && !shown.contains(f.path())) shown.add(f.path());
        }
        for (String path : shown) {
            String text = current.get(path);
            b.append("\nThe current text of ").append(path).append(":\n").append(path).append("\n```\n").append(text)
                    .append(text.endsWith("\n") ? "" : "\n").append("```\n");
        }
        b.append("\nAnswer with SEARCH/REPLACE blocks for the failed edits only, in the same format. Each SEARCH part must copy "
                + "lines of the current text exactly and match once. Edit only the editable files shown.\n");
        return b.toString();
    }

    private static String failures(SearchReplace.Outcome outcome, SearchReplace.Parsed parsed) {
        List<String> all = new ArrayList<>(outcome.failures().stream().map(SearchReplace.Failure::render).toList());
        all.addAll(parsed.problems());
        return String.join("; ", all);
    }

    private static String problems(SearchReplace.Parsed parsed, Dialect.Answer answer, Spec.AgentSpec agent) {
        StringBuilder b = new StringBuilder();
        if (!parsed.problems().isEmpty()) b.append("; ").append(String.join("; ", parsed.problems()));
        if (answer.cut()) b.append("; the reply was cut off at agent.max_tokens (").append(agent.maxTokens()).append(")");
        return b.toString();
    }

    private static String edit(Reply reply) {
        return reply.description().isEmpty() ? "the model's edit" : "the model's edit \"" + reply.description() + "\"";
    }

    private Proposal fail(Tally tally, Transcript transcript, String reason) {
        return fail(tally, transcript, reason, Optional.empty());
    }

    private Proposal fail(Tally tally, Transcript transcript, String reason, Optional<Proposer.Fault> fault) {
        String safe = context.redact().apply(reason);
        transcript.raw("--- failed: " + safe + " ---\n");
        return new Proposal.Failure(safe, tally.usage(), Optional.empty(), fault);
    }

    /** The failure in the user's words, with its fix: what the session's breaker stops or waits on. */
    private Optional<Proposer.Fault> fault(ChatClient.Failed e, URI endpoint, String model, Spec.AgentSpec agent) {
        String server = "the " + dialect.backend() + " server at " + endpoint.getScheme() + "://" + endpoint.getAuthority();
        String status = e.status == 0 ? "" : " (HTTP " + e.status + ")";
        return e.kind.map(kind -> switch (kind) {
            case AUTH -> new Proposer.Fault(kind, server + " refused the API key" + status,
                    "check " + HttpBackends.keyEnv(dialect, agent) + " (export it in the shell that runs helix)");
            case QUOTA -> new Proposer.Fault(kind, server + " says the account's quota or credit is used up" + status,
                    "add credit or raise the quota with the provider");
            case NOT_FOUND -> new Proposer.Fault(kind, server + " does not know model '" + model + "' or the endpoint " + endpoint.getPath()
                    + status, "check agent.model and agent.base_url (helix doctor)");
            case UNREACHABLE -> new Proposer.Fault(kind, "nothing answers at " + server,
                    "start the server or fix agent.base_url");
            case SERVER -> new Proposer.Fault(kind, server + " keeps failing (" + e.getMessage() + ")",
                    "wait for the provider, or check the server's own log");
            case TIMEOUT -> new Proposer.Fault(kind, server + " did not answer in time",
                    "check the server's load, or raise agent.timeout_seconds");
        });
    }

    /** The redacted record of one proposal's conversation, appended to logDir/&lt;run&gt;.agent.log. */
    private final class Transcript {
        private final Path file;
        private boolean broken;

        Transcript(Path file) {
            this.file = file;
        }

        void header(Request request, String backend, String model, URI endpoint, boolean stream) {
            raw("=== experiment " + request.experiment() + (request.crashLogTail().isPresent() ? " (fix-up)" : "")
                    + ": " + backend + " " + model + " at " + endpoint + (stream ? "" : " (no-stream)") + " ===\n");
        }

        void raw(String text) {
            if (broken) return;
            try {
                Files.createDirectories(file.getParent());
                Files.writeString(file, context.redact().apply(text), StandardCharsets.UTF_8,
                        StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            } catch (IOException e) {
                broken = true; // a transcript is a convenience; the proposal goes on without it
            }
        }
    }
}
