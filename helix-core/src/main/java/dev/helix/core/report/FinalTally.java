package dev.helix.core.report;

import dev.helix.core.json.Json;
import dev.helix.core.json.JsonValue;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What {@code helix finalize} found, in counts a program reads (.helix/runs/TAG/final.json): whether
 * the gain was confirmed and how many of the session's kept changes earned their place.
 *
 * @param confirmed whether the re-measured gain is real at the judge's confidence
 * @param changes the kept changes in the best's line that finalize weighed
 * @param measured of those, the ones it could revert alone and measure
 * @param dropped the ones left out of the final branch
 * @param marginal of the dropped, those whose removal hurt by less than judge.min_improvement (the rest did not hurt at all)
 * @param keptAnyway the ones whose removal did not hurt that stayed (--keep-all, or a later change needs them)
 * @param unclear the ones that do not revert cleanly, so their contribution is unknown
 * @param written whether the final branch was written
 * @param branch the final branch's name
 */
public record FinalTally(boolean confirmed, int changes, int measured, int dropped, int marginal, int keptAnyway, int unclear,
                         boolean written, String branch) {

    /** The tally as one JSON object. */
    public String json() {
        Map<String, JsonValue> m = new LinkedHashMap<>();
        m.put("confirmed", new JsonValue.JsonBoolean(confirmed));
        m.put("changes", number(changes));
        m.put("measured", number(measured));
        m.put("dropped", number(dropped));
        m.put("marginal", number(marginal));
        m.put("kept_anyway", number(keptAnyway));
        m.put("unclear", number(unclear));
        m.put("written", new JsonValue.JsonBoolean(written));
        m.put("branch", new JsonValue.JsonString(branch));
        return new JsonValue.JsonObject(m).render() + "\n";
    }

    /** A tally read back from {@link #json()}; empty for text that is not one (a file from another version, or damaged). */
    public static Optional<FinalTally> parse(String text) {
        try {
            JsonValue v = Json.parse(text.strip());
            return Optional.of(new FinalTally(bool(v, "confirmed"), count(v, "changes"), count(v, "measured"), count(v, "dropped"),
                    count(v, "marginal"), count(v, "kept_anyway"), count(v, "unclear"), bool(v, "written"),
                    v.get("branch").filter(b -> b instanceof JsonValue.JsonString).map(b -> ((JsonValue.JsonString) b).value())
                            .orElseThrow(() -> new IllegalArgumentException("branch"))));
        } catch (IllegalArgumentException e) { // JsonException too
            return Optional.empty();
        }
    }

    /** The report's words for it, beside the false keeps the judge's error rate explains. */
    public String render() {
        String s = "finalize dropped " + dropped + " of " + changes + " kept change" + (changes == 1 ? "" : "s");
        if (dropped > 0) {
            s += marginal == 0 ? " (their removal did not hurt)" : marginal == dropped ? " (each worth less than judge.min_improvement)"
                    : " (the removal of " + (dropped - marginal) + " did not hurt; " + marginal + " worth less than judge.min_improvement)";
        }
        if (keptAnyway > 0) s += "; " + keptAnyway + " more stayed though removing it did not hurt";
        if (unclear > 0) s += "; " + unclear + " could not be measured alone";
        return s + (confirmed ? "; the gain is confirmed" : "; the gain is NOT confirmed");
    }

    private static JsonValue number(int n) {
        return new JsonValue.JsonNumber(Integer.toString(n), n);
    }

    private static int count(JsonValue v, String key) {
        return v.get(key).filter(n -> n instanceof JsonValue.JsonNumber j && j.integral() && j.value() >= 0)
                .map(n -> (int) ((JsonValue.JsonNumber) n).value()).orElseThrow(() -> new IllegalArgumentException(key));
    }

    private static boolean bool(JsonValue v, String key) {
        return v.get(key).filter(b -> b instanceof JsonValue.JsonBoolean).map(b -> ((JsonValue.JsonBoolean) b).value())
                .orElseThrow(() -> new IllegalArgumentException(key));
    }
}
