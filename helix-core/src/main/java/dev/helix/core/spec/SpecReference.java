package dev.helix.core.spec;

import java.util.ArrayList;
import java.util.List;

/** docs/helix-yaml.md, rendered from {@link SpecSchema}: one table of keys per section of helix.yaml. */
public final class SpecReference {

    /** How to bring docs/helix-yaml.md up to date with the table, from the repository root. */
    public static final String REGENERATE = "HELIX_WRITE_DOCS=1 mvn -B -o -pl helix-core -am verify "
            + "-Dtest=SpecReferenceTest -Dsurefire.failIfNoSpecifiedTests=false";

    private SpecReference() {}

    /** The whole page. */
    public static String markdown() {
        StringBuilder b = new StringBuilder();
        b.append("# helix.yaml reference\n\n");
        b.append("<!-- Generated from dev.helix.core.spec.SpecSchema; do not edit. Regenerate with:\n     ")
                .append(REGENERATE).append(" -->\n\n");
        b.append("Every key Helix reads from helix.yaml. A key left out takes its default; \"required\" keys have none.\n")
                .append("`[]` stands for any item of a list, `*` for a name you choose. \"Also read as\" lists other\n")
                .append("spellings Helix reads as the key; \"Suggested when written as\" lists words that get a \"did you mean\" naming it.\n")
                .append("agent.backend and run.executor take the names of the proposers and executors Helix has;\n")
                .append("an unknown name is reported with the list of known ones.\n");
        List<SpecKey> top = new ArrayList<>();
        for (SpecKey k : SpecSchema.KEYS) {
            if (k.section().isEmpty() && !k.isSection()) top.add(k);
        }
        table(b, "Top level", top);
        for (SpecKey k : SpecSchema.KEYS) {
            if (!k.section().isEmpty() || !k.isSection()) continue;
            List<SpecKey> rows = new ArrayList<>();
            rows.add(k);
            for (SpecKey inner : SpecSchema.KEYS) {
                if (inner.path().startsWith(k.path() + ".")) rows.add(inner);
            }
            table(b, "`" + k.name() + "`", rows);
        }
        return b.toString();
    }

    private static void table(StringBuilder b, String title, List<SpecKey> rows) {
        b.append("\n## ").append(title).append("\n\n");
        b.append("| Key | Type | Default | Also read as | Suggested when written as | What it is |\n");
        b.append("|-----|------|---------|--------------|---------------------------|------------|\n");
        for (SpecKey k : rows) {
            b.append("| `").append(k.path()).append("` | ").append(k.type().word()).append(" | ")
                    .append(k.dflt().isEmpty() ? "" : cell(k.dflt())).append(" | ")
                    .append(codes(k.accepted())).append(" | ")
                    .append(codes(k.suggested())).append(" | ")
                    .append(cell(k.doc())).append(" |\n");
        }
    }

    private static String codes(List<String> words) {
        return String.join(", ", words.stream().map(w -> "`" + w + "`").toList());
    }

    private static String cell(String text) {
        return text.replace("|", "\\|");
    }
}
