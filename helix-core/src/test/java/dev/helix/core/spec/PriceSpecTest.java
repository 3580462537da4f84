package dev.helix.core.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** agent.price in helix.yaml: read, defaulted, and refused with the field and the fix when wrong. */
class PriceSpecTest {

    private static Map<String, Object> spec(Object price) {
        Map<String, Object> agent = new java.util.LinkedHashMap<>(Map.of("backend", "openai", "model", "m"));
        if (price != null) agent.put("price", price);
        return new java.util.LinkedHashMap<>(Map.of("name", "p", "domain", "testing", "description", "d",
                "scope", Map.of("editable", List.of("a.py")), "metrics", Map.of("primary", "loss"),
                "evaluate", Map.of("command", "python a.py"), "agent", agent));
    }

    private static List<Problem> problems(Object price) {
        SpecException e = catchThrowableOfType(SpecException.class, () -> SpecReader.read(spec(price), "helix.yaml", p -> 7, HelixNames.KNOWN));
        assertThat(e).as("expected agent.price to be refused").isNotNull();
        return e.problems();
    }

    @Test
    void aPriceIsReadInDollarsPerMillionTokensAndCachedInputIsOptional() {
        Spec full = SpecReader.read(spec(Map.of("input_per_mtok", 3, "output_per_mtok", "15", "cached_input_per_mtok", 0.3)),
                "helix.yaml", p -> 0, HelixNames.KNOWN);
        assertThat(full.agent().price()).contains(new Price(3, 15, 0.3));
        Spec plain = SpecReader.read(spec(Map.of("input_per_mtok", 0, "output_per_mtok", 0)), "helix.yaml", p -> 0, HelixNames.KNOWN);
        assertThat(plain.agent().price()).contains(new Price(0, 0, Optional.empty()));
        assertThat(SpecReader.read(spec(null), "helix.yaml", p -> 0, HelixNames.KNOWN).agent().price()).isEmpty();
    }

    @Test
    void aPriceWithoutBothRatesANegativeRateOrAnUnknownKeyIsRefusedWithTheFix() {
        Problem missing = problems(Map.of("input_per_mtok", 3)).get(0);
        assertThat(missing.path()).isEqualTo("agent.price");
        assertThat(missing.message()).contains("needs input_per_mtok and output_per_mtok");
        assertThat(missing.suggestion()).contains("price: {input_per_mtok: 3, output_per_mtok: 15}");
        assertThat(problems(Map.of("input_per_mtok", -1, "output_per_mtok", 2))).extracting(Problem::path)
                .contains("agent.price.input_per_mtok");
        assertThat(problems(Map.of("input_per_mtok", 1, "output_per_mtok", 2, "output_per_token", 3)).get(0).message())
                .contains("unknown key 'output_per_token'");
        assertThat(problems(Map.of("input_per_mtok", "cheap", "output_per_mtok", 2))).extracting(Problem::path)
                .contains("agent.price.input_per_mtok");
        assertThat(problems(3).get(0).path()).isEqualTo("agent.price");
    }
}
