package dev.stationd.bench.report;

import java.util.Locale;

/** Number formats of the report. */
final class Fmt {
    private Fmt() {
    }

    /** @return {@code —} for NaN, thousands separators from 100 up, else 1-2 decimals */
    static String num(double v) {
        if (Double.isNaN(v)) {
            return "—";
        }
        if (Math.abs(v) >= 100 || v == Math.rint(v)) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        if (Math.abs(v) >= 10) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        return String.format(Locale.ROOT, "%.2f", v);
    }

    /** @return a column in microseconds, shown in milliseconds */
    static String ms(java.util.Map<String, String> row, String key) {
        return num(Csv.num(row, key) / 1000);
    }

    /** @return {@code a / b} as {@code 1.23×}, {@code —} when unknown */
    static String ratio(double a, double b) {
        return Double.isNaN(a) || Double.isNaN(b) || b == 0 ? "—" : String.format(Locale.ROOT, "%.2f×", a / b);
    }
}
