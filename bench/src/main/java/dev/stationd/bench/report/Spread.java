package dev.stationd.bench.report;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The median of a set of measurements (rounds) with its min and max. Not-a-number values (a
 * round that produced nothing) are left out and counted in {@link #missing()}.
 *
 * @param median the median (the mean of the middle two for an even count)
 * @param min the smallest value
 * @param max the largest value
 * @param n how many values
 * @param missing how many were NaN
 */
record Spread(double median, double min, double max, int n, int missing) {
    static final Spread NONE = new Spread(Double.NaN, Double.NaN, Double.NaN, 0, 0);

    static Spread of(Collection<Double> values) {
        List<Double> v = new ArrayList<>();
        int missing = 0;
        for (Double d : values) {
            if (d == null || Double.isNaN(d)) {
                missing++;
            } else {
                v.add(d);
            }
        }
        if (v.isEmpty()) {
            return new Spread(Double.NaN, Double.NaN, Double.NaN, 0, missing);
        }
        v.sort(null);
        int n = v.size();
        double med = n % 2 == 1 ? v.get(n / 2) : (v.get(n / 2 - 1) + v.get(n / 2)) / 2;
        return new Spread(med, v.get(0), v.get(n - 1), n, missing);
    }

    /**
     * Per-round ratios {@code value(b) / value(a)} of two servers measured in the same rounds.
     *
     * @param a the baseline's rows (one per round, column {@code round})
     * @param b stationd's rows
     * @param value the measurement of a row
     * @return the spread of the ratios over the rounds both have
     */
    static Spread ratios(List<Map<String, String>> a, List<Map<String, String>> b, ToDoubleFunction<Map<String, String>> value) {
        List<Double> r = new ArrayList<>();
        for (Map<String, String> rb : b) {
            for (Map<String, String> ra : a) {
                if (ra.get("round").equals(rb.get("round"))) {
                    double x = value.applyAsDouble(ra);
                    double y = value.applyAsDouble(rb);
                    r.add(x == 0 || Double.isNaN(x) ? Double.NaN : y / x);
                }
            }
        }
        return of(r);
    }

    boolean known() {
        return n > 0;
    }

    /** @return e.g. {@code 1,234 (1,100–1,300)} */
    String text() {
        return text(Fmt::num);
    }

    /** @return e.g. {@code 1.02× (0.95–1.10)} */
    String ratioText() {
        return text(v -> String.format(Locale.ROOT, "%.2f×", v));
    }

    private String text(java.util.function.DoubleFunction<String> f) {
        if (!known()) {
            return "—";
        }
        String s = f.apply(median);
        if (n > 1) {
            s += " (" + f.apply(min) + "–" + f.apply(max) + ")";
        }
        return s;
    }
}
