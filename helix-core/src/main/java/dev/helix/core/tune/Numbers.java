package dev.helix.core.tune;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.OptionalDouble;

/** Reading numbers as written in source files, and writing them back as literals any language takes. */
final class Numbers {

    static final int SIGNIFICANT = 4;

    private Numbers() {}

    /**
     * The value of a numeric literal: "0.01", "1e-3", "1_000", "0.5f", "64L"; empty when it is not
     * a finite number.
     */
    static OptionalDouble parse(String text) {
        String t = text.strip().replace("_", "");
        if (t.isEmpty()) return OptionalDouble.empty();
        char last = t.charAt(t.length() - 1);
        if ("fFdDlL".indexOf(last) >= 0 && !t.startsWith("0x") && !t.startsWith("0X")) t = t.substring(0, t.length() - 1);
        // only plain decimal forms: Double.parseDouble would also take "NaN", "Infinity" and hex
        if (!t.matches("[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?")) return OptionalDouble.empty();
        try {
            double v = Double.parseDouble(t);
            return Double.isFinite(v) ? OptionalDouble.of(v) : OptionalDouble.empty();
        } catch (NumberFormatException e) {
            return OptionalDouble.empty();
        }
    }

    /**
     * {@code v} to 4 significant digits, kept inside {@code [lo, hi]}, as a literal that reads as a
     * float in Python, Java, JavaScript and Rust: always with a '.' or an exponent ("2.0", "0.03125",
     * "1.23e-4"), never "NaN". Exponent notation when {@code previous} used it, or when plain digits
     * would be unreadable.
     */
    static String formatFloat(double v, double lo, double hi, String previous) {
        if (!Double.isFinite(v)) v = lo;
        BigDecimal exact = new BigDecimal(v);
        BigDecimal r = exact.round(new MathContext(SIGNIFICANT, RoundingMode.HALF_EVEN));
        // rounding must not leave the range: round toward it instead
        if (r.doubleValue() > hi) r = exact.round(new MathContext(SIGNIFICANT, RoundingMode.FLOOR));
        if (r.doubleValue() < lo) r = exact.round(new MathContext(SIGNIFICANT, RoundingMode.CEILING));
        r = r.stripTrailingZeros();
        if (r.signum() == 0) return "0.0";

        double abs = Math.abs(r.doubleValue());
        boolean previousExp = previous != null && previous.matches("(?s).*\\d[eE][-+]?\\d.*");
        boolean upper = previous != null && previous.contains("E");
        int exponent = r.precision() - r.scale() - 1;
        boolean exp = (previousExp && exponent != 0) || abs < 1e-4 || abs >= 1e7;
        if (exp) {
            String mantissa = r.movePointLeft(exponent).toPlainString();
            return mantissa + (upper ? "E" : "e") + exponent;
        }
        String plain = r.toPlainString();
        return plain.contains(".") ? plain : plain + ".0";
    }
}
