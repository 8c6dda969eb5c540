package dev.stationd.bench.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;

/** The report's line charts, drawn with Java2D (headless) into PNG files. */
final class Chart {
    private static final Color[] COLORS = {new Color(0x1f77b4), new Color(0x2ca02c), new Color(0xd62728),
        new Color(0x9467bd), new Color(0xff7f0e)};
    private static final int W = 800;
    private static final int H = 500;
    private static final int LEFT = 90;
    private static final int RIGHT = 170;
    private static final int TOP = 50;
    private static final int BOTTOM = 60;
    private static final int PW = W - LEFT - RIGHT;
    private static final int PH = H - TOP - BOTTOM;

    private final BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
    private final Graphics2D g = img.createGraphics();

    private Chart(String title, String xLabel, String yLabel) {
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, W, H);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        g.setColor(Color.BLACK);
        g.drawString(title, LEFT, 28);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.drawRect(LEFT, TOP, PW, PH);
        g.drawString(xLabel, LEFT + PW / 2 - g.getFontMetrics().stringWidth(xLabel) / 2, H - 15);
        var rot = g.getTransform();
        g.rotate(-Math.PI / 2);
        g.drawString(yLabel, -(TOP + PH / 2) - g.getFontMetrics().stringWidth(yLabel) / 2, 20);
        g.setTransform(rot);
    }

    /**
     * A line chart with a categorical x axis and a logarithmic y axis.
     *
     * @param series name to one value per x category (NaN = none)
     */
    static void logCategories(Path file, String title, String xLabel, String yLabel, List<String> xs,
            Map<String, double[]> series) throws IOException {
        logCategories(file, title, xLabel, yLabel, xs, series, true);
    }

    /**
     * @param connect whether the points of a series are joined by lines (false: the categories
     *     are not a scale, just neighbours)
     */
    static void logCategories(Path file, String title, String xLabel, String yLabel, List<String> xs,
            Map<String, double[]> series, boolean connect) throws IOException {
        double min = Double.MAX_VALUE;
        double max = 0;
        for (double[] v : series.values()) {
            for (double d : v) {
                if (!Double.isNaN(d) && d > 0) {
                    min = Math.min(min, d);
                    max = Math.max(max, d);
                }
            }
        }
        if (max == 0) {
            min = 1;
            max = 10;
        }
        double lo = Math.floor(Math.log10(min));
        double hi = Math.max(lo + 1, Math.ceil(Math.log10(max)));
        Chart c = new Chart(title, xLabel, yLabel);
        for (int e = (int) lo; e <= (int) hi; e++) {
            String lab = e >= 6 ? String.format(Locale.ROOT, "%.0fM", Math.pow(10, e - 6))
                    : e >= 3 ? String.format(Locale.ROOT, "%.0fk", Math.pow(10, e - 3))
                    : e >= 0 ? String.format(Locale.ROOT, "%.0f", Math.pow(10, e)) : String.format(Locale.ROOT, "%s", Math.pow(10, e));
            c.yTick(TOP + PH - (int) Math.round((e - lo) / (hi - lo) * PH), lab);
        }
        int n = xs.size();
        for (int i = 0; i < n; i++) {
            c.xTick(c.catX(i, n), xs.get(i));
        }
        int si = 0;
        for (Map.Entry<String, double[]> s : series.entrySet()) {
            double[] v = s.getValue();
            int[] px = new int[v.length];
            int[] py = new int[v.length];
            for (int i = 0; i < v.length; i++) {
                px[i] = c.catX(i, n);
                py[i] = Double.isNaN(v[i]) || v[i] <= 0 ? -1 : TOP + PH - (int) Math.round((Math.log10(v[i]) - lo) / (hi - lo) * PH);
            }
            c.line(si++, s.getKey(), px, py, true, connect);
        }
        c.write(file);
    }

    /**
     * A time series with linear axes, y from 0.
     *
     * @param series name to {x[], y[]}
     * @param fit a straight line {x0, y0, x1, y1} drawn dashed, or null
     */
    static void timeSeries(Path file, String title, String xLabel, String yLabel, Map<String, double[][]> series,
            double[] fit, String fitLabel) throws IOException {
        double xmax = 1;
        double ymax = 1;
        for (double[][] s : series.values()) {
            for (double x : s[0]) {
                xmax = Math.max(xmax, x);
            }
            for (double y : s[1]) {
                ymax = Math.max(ymax, y);
            }
        }
        double ystep = niceStep(ymax / 5);
        ymax = Math.ceil(ymax * 1.1 / ystep) * ystep;
        double xstep = niceStep(xmax / 6);
        Chart c = new Chart(title, xLabel, yLabel);
        for (double y = 0; y <= ymax + 1e-9; y += ystep) {
            c.yTick(c.linY(y, ymax), Fmt.num(y));
        }
        for (double x = 0; x <= xmax + 1e-9; x += xstep) {
            c.xTick(c.linX(x, xmax), Fmt.num(x));
        }
        int si = 0;
        for (Map.Entry<String, double[][]> s : series.entrySet()) {
            double[][] v = s.getValue();
            int[] px = new int[v[0].length];
            int[] py = new int[v[0].length];
            for (int i = 0; i < px.length; i++) {
                px[i] = c.linX(v[0][i], xmax);
                py[i] = c.linY(v[1][i], ymax);
            }
            c.line(si++, s.getKey(), px, py, px.length < 60, true);
        }
        if (fit != null) {
            c.g.setColor(Color.BLACK);
            c.g.setStroke(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {6, 4}, 0));
            c.g.drawLine(c.linX(fit[0], xmax), c.linY(fit[1], ymax), c.linX(fit[2], xmax), c.linY(fit[3], ymax));
            c.legend(si, fitLabel, Color.BLACK);
        }
        c.write(file);
    }

    private static double niceStep(double raw) {
        double p = Math.pow(10, Math.floor(Math.log10(Math.max(raw, 1e-9))));
        for (double m : new double[] {1, 2, 5, 10}) {
            if (m * p >= raw) {
                return m * p;
            }
        }
        return 10 * p;
    }

    private int catX(int i, int n) {
        return LEFT + (n == 1 ? PW / 2 : (int) Math.round((i + 0.5) * (double) PW / n));
    }

    private int linX(double x, double xmax) {
        return LEFT + (int) Math.round(x / xmax * PW);
    }

    private int linY(double y, double ymax) {
        return TOP + PH - (int) Math.round(y / ymax * PH);
    }

    private void yTick(int y, String label) {
        g.setColor(new Color(0xdddddd));
        g.drawLine(LEFT, y, LEFT + PW, y);
        g.setColor(Color.DARK_GRAY);
        g.drawString(label, LEFT - 8 - g.getFontMetrics().stringWidth(label), y + 4);
    }

    private void xTick(int x, String label) {
        g.setColor(Color.DARK_GRAY);
        g.drawString(label, x - g.getFontMetrics().stringWidth(label) / 2, TOP + PH + 18);
    }

    /** Draws one series; a y of -1 is a gap. */
    private void line(int index, String name, int[] xs, int[] ys, boolean dots, boolean connect) {
        Color c = COLORS[index % COLORS.length];
        g.setColor(c);
        g.setStroke(new BasicStroke(2.5f));
        int px = -1;
        int py = -1;
        for (int i = 0; i < xs.length; i++) {
            if (ys[i] < 0) {
                px = -1;
                continue;
            }
            if (dots) {
                g.fillOval(xs[i] - 4, ys[i] - 4, 8, 8);
            }
            if (px >= 0 && connect) {
                g.drawLine(px, py, xs[i], ys[i]);
            }
            px = xs[i];
            py = ys[i];
        }
        legend(index, name, c);
    }

    private void legend(int index, String name, Color c) {
        int ly = TOP + 20 + index * 22;
        g.setColor(c);
        g.fillRect(LEFT + PW + 15, ly - 9, 18, 10);
        g.setColor(Color.BLACK);
        g.drawString(name, LEFT + PW + 40, ly);
    }

    private void write(Path file) throws IOException {
        g.dispose();
        ImageIO.write(img, "png", file.toFile());
    }
}
