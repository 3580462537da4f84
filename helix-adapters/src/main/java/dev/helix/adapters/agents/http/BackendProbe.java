package dev.helix.adapters.agents.http;

import dev.helix.core.port.AgentBackend.Probe;
import dev.helix.core.port.Proposer.Fault;
import dev.helix.core.spec.Spec;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * helix doctor's real request to an HTTP backend: one short chat request (a few tokens), told apart
 * into whether the server answers, whether it takes the key, and whether it knows the model.
 */
final class BackendProbe {
    /** One attempt, no retries: doctor reports what is, it does not wait out an outage. */
    static final ChatClient.Retries ONCE = new ChatClient.Retries(1, Duration.ofSeconds(1), Duration.ofSeconds(1),
            Duration.ofSeconds(1), Duration.ofSeconds(20));
    private static final int MAX_TOKENS = 16;

    private BackendProbe() {}

    static List<Probe> probe(Dialect dialect, Spec spec, Map<String, String> env) throws InterruptedException {
        Spec.AgentSpec agent = spec.agent();
        String model = agent.model().map(String::strip).orElse("");
        URI endpoint = dialect.endpoint(agent.baseUrl().orElse(dialect.defaultBaseUrl()));
        String keyEnv = HttpBackends.keyEnv(dialect, agent);
        ChatClient client = new ChatClient(ChatClient.newHttpClient(), dialect, ONCE, line -> { });
        Optional<String> key = HttpBackends.key(dialect, agent, env);
        String at = endpoint.getScheme() + "://" + endpoint.getAuthority();
        try {
            client.send(endpoint, key, model, MAX_TOKENS, List.of(new Dialect.Message("user", "Reply with the word OK.")), false,
                    System.nanoTime() + Duration.ofSeconds(20).toNanos());
            return List.of(ok("reachable", "answered at " + at), ok("API key", key.isPresent() ? keyEnv + " accepted" : "none needed"),
                    ok("model", "'" + model + "' answered"));
        } catch (ChatClient.Failed e) {
            Fault.Kind kind = e.kind.orElse(null);
            String status = e.status == 0 ? "" : " (HTTP " + e.status + ")";
            if (kind == null || kind == Fault.Kind.UNREACHABLE || kind == Fault.Kind.TIMEOUT || kind == Fault.Kind.SERVER) {
                String what = kind == Fault.Kind.UNREACHABLE ? "nothing answers at " + at
                        : kind == Fault.Kind.TIMEOUT ? at + " did not answer within 20 s" : e.getMessage();
                boolean reached = kind == Fault.Kind.SERVER || kind == null;
                return List.of(new Probe("reachable", Optional.of(reached), reached ? "answered at " + at + ", but: " + what : what,
                                reached ? "check the server's log" : "start the server or fix agent.base_url"),
                        unknown("API key"), unknown("model"));
            }
            return switch (kind) {
                case AUTH -> List.of(ok("reachable", "answered at " + at),
                        new Probe("API key", Optional.of(false), (key.isPresent() ? keyEnv + " refused" : "no key sent (" + keyEnv + " is not set)")
                                + status, "check " + keyEnv), unknown("model"));
                case QUOTA -> List.of(ok("reachable", "answered at " + at), new Probe("API key", Optional.of(false),
                        "the account's quota or credit is used up" + status, "add credit or raise the quota"), unknown("model"));
                default -> List.of(ok("reachable", "answered at " + at), ok("API key", key.isPresent() ? keyEnv + " accepted" : "none needed"),
                        new Probe("model", Optional.of(false), "'" + model + "' or " + endpoint.getPath() + " is not known there" + status,
                                "check agent.model (the server's model list) and agent.base_url"));
            };
        }
    }

    private static Probe ok(String aspect, String detail) {
        return new Probe(aspect, Optional.of(true), detail, "");
    }

    private static Probe unknown(String aspect) {
        return new Probe(aspect, Optional.empty(), "not checked", "");
    }
}
