package dev.helix.core.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.helix.core.experiment.AgentUsage;
import dev.helix.core.spec.Price;
import dev.helix.core.spec.Spec;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Where a proposal's cost comes from: the backend's report, agent.price, the dated table, a local server, or nowhere. */
class PricingTest {

    private static Spec.AgentSpec agent(String backend, String model, String baseUrl, Price price) {
        return new Spec.AgentSpec(backend, Optional.ofNullable(model), 200, 2, Optional.empty(), 600, Optional.ofNullable(baseUrl),
                Optional.empty(), 40_000, 20, 8192, java.util.List.of(), java.util.List.of(), Optional.empty(), Optional.ofNullable(price));
    }

    private static AgentUsage tokens(long in, long out, Long cached) {
        return new AgentUsage("openai", Optional.of("m"), Optional.of(in), Optional.of(out), Optional.empty(), Optional.of(1), 2.0,
                Optional.ofNullable(cached));
    }

    @Test
    void theTableFindsAModelByItsFamilyTheLongestNameWinningAndIgnoresProviderPrefixes() {
        assertThat(PriceTable.find("gpt-4o-mini")).contains(new Price(0.15, 0.6, 0.075));
        assertThat(PriceTable.find("gpt-4o-2024-08-06")).contains(new Price(2.5, 10, 1.25));
        assertThat(PriceTable.find("openai/gpt-4o-mini-2024-07-18")).contains(new Price(0.15, 0.6, 0.075));
        assertThat(PriceTable.find("claude-sonnet-4-20250514")).contains(new Price(3, 15, 0.3));
        assertThat(PriceTable.find("Claude-Opus-4-5")).contains(new Price(5, 25, 0.5));
        assertThat(PriceTable.find("models/gemini-2.5-flash-lite")).contains(new Price(0.1, 0.4, 0.025));
        assertThat(PriceTable.find("gpt-4o1")).isEmpty();
        assertThat(PriceTable.find("llama3.1:8b")).isEmpty();
        assertThat(PriceTable.DATE).matches("\\d{4}-\\d{2}-\\d{2}");
    }

    @Test
    void aPriceChargesCachedInputAtItsOwnRateAndOtherwiseAsInput() {
        Price price = new Price(3, 15, 0.3);
        assertThat(price.cost(1_000_000, 100_000, 0)).isCloseTo(3 + 1.5, within(1e-9));
        assertThat(price.cost(1_000_000, 0, 800_000)).isCloseTo(0.6 + 0.24, within(1e-9));
        assertThat(new Price(2, 8, Optional.empty()).cost(500_000, 0, 500_000)).isCloseTo(1.0, within(1e-9));
    }

    @Test
    void agentPriceOverridesTheTableAndALocalServerIsFreeUnlessPriced() {
        assertThat(Pricing.of("openai", agent("openai", "gpt-4o", "https://api.openai.com/v1", null)))
                .isEqualTo(new Pricing.Priced(new Price(2.5, 10, 1.25), "the built-in price table of " + PriceTable.DATE));
        Price own = new Price(1, 2, Optional.empty());
        assertThat(Pricing.of("openai", agent("openai", "gpt-4o", null, own))).isEqualTo(new Pricing.Priced(own, "agent.price"));
        assertThat(Pricing.of("openai", agent("openai", "llama3", "http://127.0.0.1:11434/v1", null))).isInstanceOf(Pricing.Local.class);
        assertThat(Pricing.of("openai", agent("openai", "llama3", "http://127.0.0.1:11434/v1", own))).isInstanceOf(Pricing.Priced.class);
        assertThat(Pricing.of("openai", agent("openai", "x/y", "https://openrouter.ai/api/v1", null))).isInstanceOf(Pricing.Reported.class);
        assertThat(Pricing.of("claude", agent("claude", null, null, null))).isInstanceOf(Pricing.Reported.class);
        assertThat(Pricing.of("command", agent("command", null, null, null))).isInstanceOf(Pricing.Reported.class);
    }

    @Test
    void theCostIsUnknownForAHostedModelMissingFromTheTableOrWithoutAModel() {
        assertThat(Pricing.of("anthropic", agent("anthropic", "claude-x", null, null)))
                .isEqualTo(new Pricing.Unknown("the model 'claude-x' is not in the built-in price table of " + PriceTable.DATE));
        assertThat(Pricing.of("codex", agent("codex", null, null, null))).isInstanceOfSatisfying(Pricing.Unknown.class,
                u -> assertThat(u.why()).contains("agent.model is not set"));
        assertThat(Pricing.of("gemini", agent("gemini", "gemini-9-ultra", "https://generativelanguage.googleapis.com", null)))
                .isInstanceOf(Pricing.Unknown.class);
    }

    @Test
    void localMeansThisMachineOrAPrivateNetworkJudgedFromTheAddressAlone() {
        assertThat(Pricing.local("http://localhost:8000/v1")).isTrue();
        assertThat(Pricing.local("http://127.0.0.1:4000")).isTrue();
        assertThat(Pricing.local("http://[::1]:4000/v1")).isTrue();
        assertThat(Pricing.local("http://10.1.2.3:8000/v1")).isTrue();
        assertThat(Pricing.local("http://192.168.1.20:11434/v1")).isTrue();
        assertThat(Pricing.local("http://172.20.0.5:8000")).isTrue();
        assertThat(Pricing.local("http://172.32.0.5:8000")).isFalse();
        assertThat(Pricing.local("https://api.openai.com/v1")).isFalse();
        assertThat(Pricing.local("https://127.0.0.1.nip.io/v1")).isFalse();
        assertThat(Pricing.local("not a url")).isFalse();
    }

    @Test
    void usageGetsItsCostFromTokensKeepsAReportedCostAndStaysUnknownWithoutAPrice() {
        Pricing priced = new Pricing.Priced(new Price(3, 15, 0.3), "agent.price");
        assertThat(priced.cost(tokens(100_000, 10_000, 50_000L)).costUsd().orElseThrow())
                .isCloseTo((50_000 * 3 + 50_000 * 0.3 + 10_000 * 15) / 1e6, within(1e-12));
        AgentUsage reported = new AgentUsage("openai", Optional.empty(), Optional.of(5L), Optional.of(5L), Optional.of(0.42),
                Optional.empty(), 1.0);
        assertThat(priced.cost(reported).costUsd()).contains(0.42);
        assertThat(priced.cost(AgentUsage.of("openai", 1.0)).costUsd()).isEmpty();
        assertThat(new Pricing.Local("http://127.0.0.1:1").cost(tokens(10, 10, null)).costUsd()).contains(0.0);
        assertThat(new Pricing.Unknown("no price").cost(tokens(10, 10, null)).costUsd()).isEmpty();
        assertThat(priced.cost(tokens(1, 1, 7L)).tokensCached()).contains(7L);
    }
}
