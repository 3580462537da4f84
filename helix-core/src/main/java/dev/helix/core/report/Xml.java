package dev.helix.core.report;

/** Text made safe for XML and HTML: markup characters escaped, characters XML 1.0 forbids dropped. */
public final class Xml {
    private Xml() {}

    /** Escapes {@code & < > " '} and drops control characters and lone surrogates, so any text stays well-formed. */
    public static String escape(String text) {
        if (text == null) return "";
        StringBuilder b = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> {
                    if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                        b.append(c).append(text.charAt(++i));
                    } else if (allowed(c)) {
                        b.append(c);
                    }
                }
            }
        }
        return b.toString();
    }

    private static boolean allowed(char c) {
        if (Character.isSurrogate(c)) return false;
        if (c == '\t' || c == '\n' || c == '\r') return true;
        return c >= 0x20 && c != 0xFFFE && c != 0xFFFF;
    }
}
