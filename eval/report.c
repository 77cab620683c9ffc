/* report.c - writing the reports: files, and SVG plots drawn by hand.
 *
 * The plots need no plotting library: a fixed 720x480 canvas, linear
 * axes with ticks every 10 (or 5, or 1) percent, one coloured polyline
 * with labelled markers per series and a legend. The output depends only
 * on the numbers, so reruns give the same bytes.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "eval.h"

int eval_write_file(const char *path, const struct buf *b, char *err, size_t errlen)
{
    FILE *f = fopen(path, "wb");
    if (!f || (b->len && fwrite(b->p, 1, b->len, f) != b->len) || fclose(f) != 0) {
        snprintf(err, errlen, "cannot write '%s': %s", path, strerror(errno));
        return -1;
    }
    return 0;
}

int eval_write_outputs(const char *dir, const char *name, const struct buf *md, const struct buf *json, char *err,
                       size_t errlen)
{
    char path[4096];
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
        snprintf(err, errlen, "cannot create '%s': %s", dir, strerror(errno));
        return -1;
    }
    snprintf(path, sizeof path, "%s/%s.md", dir, name);
    if (eval_write_file(path, md, err, errlen) != 0)
        return -1;
    snprintf(path, sizeof path, "%s/%s.json", dir, name);
    return eval_write_file(path, json, err, errlen);
}

/* Appends s with the five XML special characters escaped. */
static void xml_text(struct buf *out, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '<': buf_adds(out, "&lt;"); break;
        case '>': buf_adds(out, "&gt;"); break;
        case '&': buf_adds(out, "&amp;"); break;
        case '"': buf_adds(out, "&quot;"); break;
        case '\'': buf_adds(out, "&apos;"); break;
        default: buf_addc(out, *s);
        }
    }
}

/* Appends fmt formatted with up to four doubles (the SVG coordinates). */
static void addf(struct buf *out, const char *fmt, double a, double b, double c, double d)
{
    char tmp[256];
    snprintf(tmp, sizeof tmp, fmt, a, b, c, d);
    buf_adds(out, tmp);
}

/* The axis range [lo, hi] covering the values, on multiples of the tick. */
static void axis(double mn, double mx, double *lo, double *hi, double *tick)
{
    double span;
    if (mn > mx) {
        mn = 0;
        mx = 100;
    }
    span = mx - mn;
    *tick = span > 40 ? 10 : span > 10 ? 5 : span > 2 ? 1 : 0.5;
    *lo = floor(mn / *tick) * *tick - (mn == floor(mn / *tick) * *tick ? *tick : 0);
    *hi = ceil(mx / *tick) * *tick + (mx == ceil(mx / *tick) * *tick ? *tick : 0);
    if (*lo < 0 && mn >= 0)
        *lo = 0;
    if (*hi > 100 && mx <= 100)
        *hi = 100;
    if (*hi <= *lo)
        *hi = *lo + *tick;
}

void eval_svg_plot(const char *title, const char *xlabel, const char *ylabel, const struct eval_series *s,
                   size_t n, struct buf *out)
{
    static const char *const colors[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd",
                                         "#8c564b", "#e377c2", "#17becf", "#7f7f7f", "#bcbd22"};
    const double W = 720, H = 480, L = 70, R = 170, T = 40, B = 60;
    double xmn = 1e300, xmx = -1e300, ymn = 1e300, ymx = -1e300, xlo, xhi, xt, ylo, yhi, yt, v;
    size_t i, k;
    for (i = 0; i < n; i++)
        for (k = 0; k < s[i].n; k++) {
            xmn = fmin(xmn, s[i].pts[k].x);
            xmx = fmax(xmx, s[i].pts[k].x);
            ymn = fmin(ymn, s[i].pts[k].y);
            ymx = fmax(ymx, s[i].pts[k].y);
        }
    axis(xmn, xmx, &xlo, &xhi, &xt);
    axis(ymn, ymx, &ylo, &yhi, &yt);
#define PX(x) (L + ((x) - xlo) / (xhi - xlo) * (W - L - R))
#define PY(y) (H - B - ((y) - ylo) / (yhi - ylo) * (H - T - B))
    addf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%g\" height=\"%g\" viewBox=\"0 0 %g %g\" "
              "font-family=\"sans-serif\" font-size=\"12\">\n", W, H, W, H);
    addf(out, "<rect width=\"%g\" height=\"%g\" fill=\"white\"/>\n<text x=\"%g\" y=\"24\" font-size=\"15\" "
              "text-anchor=\"middle\">", W, H, (L + W - R) / 2, 0);
    xml_text(out, title);
    buf_adds(out, "</text>\n");
    for (v = xlo; v <= xhi + 1e-9; v += xt) {
        addf(out, "<line x1=\"%.1f\" y1=\"%g\" x2=\"%.1f\" y2=\"%g\" stroke=\"#ddd\"/>\n", PX(v), T, PX(v), H - B);
        addf(out, "<text x=\"%.1f\" y=\"%g\" text-anchor=\"middle\">%g</text>\n", PX(v), H - B + 16, v, 0);
    }
    for (v = ylo; v <= yhi + 1e-9; v += yt) {
        addf(out, "<line x1=\"%g\" y1=\"%.1f\" x2=\"%g\" y2=\"%.1f\" stroke=\"#ddd\"/>\n", L, PY(v), W - R, PY(v));
        addf(out, "<text x=\"%g\" y=\"%.1f\" text-anchor=\"end\">%g</text>\n", L - 6, PY(v) + 4, v, 0);
    }
    addf(out, "<rect x=\"%g\" y=\"%g\" width=\"%g\" height=\"%g\" fill=\"none\" stroke=\"#333\"/>\n", L, T, W - L - R,
         H - T - B);
    addf(out, "<text x=\"%g\" y=\"%g\" text-anchor=\"middle\">", (L + W - R) / 2, H - 18, 0, 0);
    xml_text(out, xlabel);
    addf(out, "</text>\n<text x=\"18\" y=\"%g\" text-anchor=\"middle\" transform=\"rotate(-90 18 %g)\">",
         (T + H - B) / 2, (T + H - B) / 2, 0, 0);
    xml_text(out, ylabel);
    buf_adds(out, "</text>\n");
    for (i = 0; i < n; i++) {
        const char *c = colors[i % 10];
        buf_adds(out, "<polyline fill=\"none\" stroke-width=\"2\" stroke=\"");
        buf_adds(out, c);
        buf_adds(out, "\" points=\"");
        for (k = 0; k < s[i].n; k++)
            addf(out, k ? " %.1f,%.1f" : "%.1f,%.1f", PX(s[i].pts[k].x), PY(s[i].pts[k].y), 0, 0);
        buf_adds(out, "\"/>\n");
        for (k = 0; k < s[i].n; k++) {
            addf(out, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"", PX(s[i].pts[k].x), PY(s[i].pts[k].y), 0, 0);
            buf_adds(out, c);
            buf_adds(out, "\"><title>");
            xml_text(out, s[i].name);
            buf_adds(out, " ");
            xml_text(out, s[i].pts[k].label);
            addf(out, ": %.2f%% saved, %.2f%% retained</title></circle>\n", s[i].pts[k].x, s[i].pts[k].y, 0, 0);
            addf(out, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"9\" fill=\"#555\">", PX(s[i].pts[k].x) + 5,
                 PY(s[i].pts[k].y) - 5, 0, 0);
            xml_text(out, s[i].pts[k].label);
            buf_adds(out, "</text>\n");
        }
        addf(out, "<line x1=\"%g\" y1=\"%g\" x2=\"%g\" y2=\"%g\" stroke-width=\"3\" stroke=\"", W - R + 15,
             T + 10 + 20 * (double)i, W - R + 40, T + 10 + 20 * (double)i);
        buf_adds(out, c);
        addf(out, "\"/>\n<text x=\"%g\" y=\"%g\">", W - R + 46, T + 14 + 20 * (double)i, 0, 0);
        xml_text(out, s[i].name);
        buf_adds(out, "</text>\n");
    }
    buf_adds(out, "</svg>\n");
#undef PX
#undef PY
}
