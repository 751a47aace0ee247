/* sayso-chart.c: bar and stacked bar charts with cairo and pangocairo.
 *
 * Sizes are in points (1/72 inch): the PDF's unit, and the SVG's user unit.
 * Text is laid out by Pango at 72 dpi with hinting off, so that a chart
 * measures the same on a recording surface, a PDF page and an SVG surface.
 */
#define G_LOG_DOMAIN "sayso-chart"

#include <cairo-svg.h>
#include <gio/gio.h>
#include <math.h>
#include <pango/pangocairo.h>
#include <string.h>

#include "sayso-chart.h"
#include "sayso-figures.h"

#define FONT_FAMILY  "DejaVu Sans, Sans"
#define FONT_SIZE    8.5
#define SMALL_SIZE   7.0
#define PAD          4.0
#define BAR_HEIGHT   11.0
#define STACK_HEIGHT 18.0
#define INK          0.0   /* grey level of text and outlines */

typedef enum
{
  CHART_BARS,
  CHART_STACKED,
} ChartKind;

typedef struct
{
  char     *label;
  double    fraction;
  char     *value_text;
  char     *note;
  double    compare;
  gboolean  hidden;
  gint64    counts[SAYSO_CHART_MAX_SEGMENTS];
} Row;

struct _SaysoChart
{
  ChartKind  kind;
  GPtrArray *rows;             /* Row */
  char      *compare_label;
  char      *segments[SAYSO_CHART_MAX_SEGMENTS];
  guint      n_segments;
  /* The last measurement: a PDF asks for it while laying out its pages and
   * again to draw, and a chart is laid out text by text. */
  double     measured_width;
  double     measured_height;
};

static void
row_free (Row *row)
{
  g_free (row->label);
  g_free (row->value_text);
  g_free (row->note);
  g_free (row);
}

SaysoChart *
sayso_chart_new_bars (void)
{
  SaysoChart *chart = g_new0 (SaysoChart, 1);

  chart->kind = CHART_BARS;
  chart->rows = g_ptr_array_new_with_free_func ((GDestroyNotify) row_free);
  chart->compare_label = g_strdup ("national average (all sites)");
  return chart;
}

void
sayso_chart_add_bar (SaysoChart *chart,
                     const char *label,
                     double      fraction,
                     const char *value_text,
                     const char *note,
                     double      compare,
                     gboolean    hidden)
{
  Row *row = g_new0 (Row, 1);

  g_return_if_fail (chart->kind == CHART_BARS);
  row->label = g_strdup (label);
  row->fraction = CLAMP (fraction, 0.0, 1.0);
  row->value_text = g_strdup (value_text);
  row->note = g_strdup (note);
  row->compare = compare < 0 ? -1.0 : CLAMP (compare, 0.0, 1.0);
  row->hidden = hidden;
  g_ptr_array_add (chart->rows, row);
  chart->measured_height = 0;
}

SaysoChart *
sayso_chart_new_stacked (const char * const *segment_labels,
                         guint               n_segments)
{
  SaysoChart *chart = g_new0 (SaysoChart, 1);

  g_return_val_if_fail (n_segments <= SAYSO_CHART_MAX_SEGMENTS, NULL);
  chart->kind = CHART_STACKED;
  chart->rows = g_ptr_array_new_with_free_func ((GDestroyNotify) row_free);
  chart->n_segments = n_segments;
  for (guint i = 0; i < n_segments; i++)
    chart->segments[i] = g_strdup (segment_labels[i]);
  return chart;
}

void
sayso_chart_add_stack (SaysoChart   *chart,
                       const char   *label,
                       const gint64 *counts,
                       const char   *value_text)
{
  Row *row = g_new0 (Row, 1);

  g_return_if_fail (chart->kind == CHART_STACKED);
  row->label = g_strdup (label);
  row->value_text = g_strdup (value_text);
  row->compare = -1;
  for (guint i = 0; i < chart->n_segments; i++)
    row->counts[i] = MAX (counts[i], 0);
  g_ptr_array_add (chart->rows, row);
  chart->measured_height = 0;
}

void
sayso_chart_free (SaysoChart *chart)
{
  if (chart == NULL)
    return;
  g_ptr_array_unref (chart->rows);
  g_free (chart->compare_label);
  for (guint i = 0; i < chart->n_segments; i++)
    g_free (chart->segments[i]);
  g_free (chart);
}

/* Text */

static PangoLayout *
make_layout (cairo_t    *cr,
             const char *text,
             double      size,
             gboolean    bold,
             double      width)
{
  PangoLayout *layout = pango_cairo_create_layout (cr);
  PangoContext *context = pango_layout_get_context (layout);
  cairo_font_options_t *options = cairo_font_options_create ();
  PangoFontDescription *font = pango_font_description_from_string (FONT_FAMILY);

  cairo_font_options_set_hint_metrics (options, CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_hint_style (options, CAIRO_HINT_STYLE_NONE);
  pango_cairo_context_set_font_options (context, options);
  pango_cairo_context_set_resolution (context, 72.0);
  pango_layout_context_changed (layout);
  cairo_font_options_destroy (options);

  pango_font_description_set_absolute_size (font, size * PANGO_SCALE);
  pango_font_description_set_weight (font, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
  pango_layout_set_font_description (layout, font);
  pango_font_description_free (font);

  if (width > 0)
    {
      pango_layout_set_width (layout, (int) (width * PANGO_SCALE));
      pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
    }
  pango_layout_set_text (layout, text ? text : "", -1);
  return layout;
}

static void
layout_size (PangoLayout *layout,
             double      *w,
             double      *h)
{
  int pw, ph;

  pango_layout_get_size (layout, &pw, &ph);
  if (w)
    *w = (double) pw / PANGO_SCALE;
  if (h)
    *h = (double) ph / PANGO_SCALE;
}

/* Draws text with its top left corner at (x, y); returns its height. */
static double
draw_text (cairo_t    *cr,
           const char *text,
           double      size,
           gboolean    bold,
           double      x,
           double      y,
           double      width,
           double      grey)
{
  PangoLayout *layout = make_layout (cr, text, size, bold, width);
  double h;

  layout_size (layout, NULL, &h);
  cairo_save (cr);
  cairo_set_source_rgb (cr, grey, grey, grey);
  cairo_move_to (cr, x, y);
  pango_cairo_show_layout (cr, layout);
  cairo_restore (cr);
  g_object_unref (layout);
  return h;
}

static double
text_height (cairo_t    *cr,
             const char *text,
             double      size,
             gboolean    bold,
             double      width)
{
  PangoLayout *layout = make_layout (cr, text, size, bold, width);
  double h;

  layout_size (layout, NULL, &h);
  g_object_unref (layout);
  return h;
}

static double
text_width (cairo_t    *cr,
            const char *text,
            double      size,
            gboolean    bold)
{
  PangoLayout *layout = make_layout (cr, text, size, bold, -1);
  double w;

  layout_size (layout, &w, NULL);
  g_object_unref (layout);
  return w;
}

/* Fills: grey levels far enough apart to tell in greyscale, and hatching on
 * top of the middle ones, so that neighbouring segments never look alike. */

typedef struct
{
  double   grey;
  int      hatch;       /* 0 none, 1 "/", 2 "x", 3 "-", 4 dots */
  double   hatch_grey;
  double   text_grey;   /* for a label drawn inside */
} Fill;

static const Fill segment_fills[SAYSO_CHART_MAX_SEGMENTS] = {
  { 0.12, 0, 0.0,  1.0 },   /* strongly agree: near black */
  { 0.42, 1, 0.25, 1.0 },   /* agree: dark grey, "/" */
  { 0.93, 0, 0.0,  0.0 },   /* neither: very light */
  { 0.75, 2, 0.35, 0.0 },   /* disagree: light grey, crossed */
  { 0.58, 3, 0.15, 0.0 },   /* strongly disagree: mid grey, lines */
  { 1.00, 4, 0.30, 0.0 },   /* prefer not to say: white, dotted */
  { 0.30, 3, 0.70, 1.0 },
  { 0.85, 1, 0.50, 0.0 },
};

static void
fill_rect (cairo_t    *cr,
           double      x,
           double      y,
           double      w,
           double      h,
           const Fill *fill)
{
  cairo_save (cr);
  cairo_rectangle (cr, x, y, w, h);
  cairo_set_source_rgb (cr, fill->grey, fill->grey, fill->grey);
  cairo_fill_preserve (cr);
  cairo_clip (cr);
  cairo_set_source_rgb (cr, fill->hatch_grey, fill->hatch_grey, fill->hatch_grey);
  cairo_set_line_width (cr, 0.8);
  switch (fill->hatch)
    {
    case 1:
    case 2:
      for (double d = -h; d < w + h; d += 4.0)
        {
          cairo_move_to (cr, x + d, y + h);
          cairo_line_to (cr, x + d + h, y);
          if (fill->hatch == 2)
            {
              cairo_move_to (cr, x + d, y);
              cairo_line_to (cr, x + d + h, y + h);
            }
        }
      cairo_stroke (cr);
      break;
    case 3:
      for (double d = y + 1.5; d < y + h; d += 3.0)
        {
          cairo_move_to (cr, x, d);
          cairo_line_to (cr, x + w, d);
        }
      cairo_stroke (cr);
      break;
    case 4:
      for (double dy = y + 2.0; dy < y + h; dy += 3.5)
        for (double dx = x + 2.0 + fmod (dy - y, 7.0) / 2.0; dx < x + w; dx += 3.5)
          {
            cairo_new_sub_path (cr);
            cairo_arc (cr, dx, dy, 0.6, 0, 2 * G_PI);
            cairo_close_path (cr);
          }
      cairo_fill (cr);
      break;
    default:
      break;
    }
  cairo_restore (cr);

  cairo_save (cr);
  cairo_rectangle (cr, x, y, w, h);
  cairo_set_source_rgb (cr, INK, INK, INK);
  cairo_set_line_width (cr, 0.5);
  cairo_stroke (cr);
  cairo_restore (cr);
}

/* A label on a white pill, readable over any fill. */
static void
draw_label_box (cairo_t    *cr,
                const char *text,
                double      cx,
                double      cy)
{
  PangoLayout *layout = make_layout (cr, text, SMALL_SIZE, TRUE, -1);
  double w, h;

  layout_size (layout, &w, &h);
  cairo_save (cr);
  cairo_rectangle (cr, cx - w / 2 - 1.5, cy - h / 2, w + 3, h);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_fill (cr);
  cairo_set_source_rgb (cr, INK, INK, INK);
  cairo_move_to (cr, cx - w / 2, cy - h / 2);
  pango_cairo_show_layout (cr, layout);
  cairo_restore (cr);
  g_object_unref (layout);
}

static void
draw_marker (cairo_t *cr,
             double   x,
             double   top,
             double   bottom)
{
  cairo_save (cr);
  cairo_set_source_rgb (cr, INK, INK, INK);
  cairo_set_line_width (cr, 1.4);
  cairo_move_to (cr, x, top + 3);
  cairo_line_to (cr, x, bottom);
  cairo_stroke (cr);
  cairo_move_to (cr, x - 3.2, top);
  cairo_line_to (cr, x + 3.2, top);
  cairo_line_to (cr, x, top + 4.5);
  cairo_close_path (cr);
  cairo_fill (cr);
  cairo_restore (cr);
}

/* Bars */

static double
render_bars (SaysoChart *chart,
             cairo_t    *cr,
             double      width)
{
  double label_w = width * 0.36;
  double value_w = MIN (150.0, width * 0.30);
  double bar_x = label_w + 2 * PAD;
  double bar_w = width - bar_x - value_w - 2 * PAD;
  double y = 0;
  gboolean any_compare = FALSE;

  for (guint i = 0; i < chart->rows->len; i++)
    {
      Row *row = g_ptr_array_index (chart->rows, i);
      double lh = text_height (cr, row->label, FONT_SIZE, FALSE, label_w);
      double vh = text_height (cr, row->value_text, FONT_SIZE, TRUE, value_w);
      double nh = row->note ? text_height (cr, row->note, SMALL_SIZE, FALSE, value_w) : 0;
      double h = MAX (MAX (lh, vh + nh), BAR_HEIGHT + 2) + 2 * PAD;
      double bar_y = y + (h - BAR_HEIGHT) / 2;

      /* A faint baseline, so that a zero or hidden bar still has its place. */
      cairo_save (cr);
      cairo_set_source_rgb (cr, 0.6, 0.6, 0.6);
      cairo_set_line_width (cr, 0.5);
      cairo_move_to (cr, bar_x, y + 1);
      cairo_line_to (cr, bar_x, y + h - 1);
      cairo_stroke (cr);
      cairo_restore (cr);

      draw_text (cr, row->label, FONT_SIZE, FALSE, 0, y + (h - lh) / 2, label_w, INK);
      if (!row->hidden && row->fraction > 0)
        {
          static const Fill bar_fill = { 0.45, 0, 0.0, 1.0 };
          fill_rect (cr, bar_x, bar_y, MAX (row->fraction * bar_w, 0.8), BAR_HEIGHT, &bar_fill);
        }
      if (row->compare >= 0)
        {
          any_compare = TRUE;
          draw_marker (cr, bar_x + row->compare * bar_w, bar_y - 3, bar_y + BAR_HEIGHT + 2);
        }
      draw_text (cr, row->value_text, FONT_SIZE, TRUE, width - value_w, y + (h - vh - nh) / 2, value_w, INK);
      if (row->note)
        draw_text (cr, row->note, SMALL_SIZE, FALSE, width - value_w, y + (h - vh - nh) / 2 + vh, value_w, 0.25);
      y += h;
    }

  if (any_compare)
    {
      double lh = text_height (cr, chart->compare_label, SMALL_SIZE, FALSE, -1);
      y += PAD;
      draw_marker (cr, bar_x + 4, y, y + lh);
      draw_text (cr, chart->compare_label, SMALL_SIZE, FALSE, bar_x + 12, y, -1, INK);
      y += lh + PAD;
    }
  return y;
}

/* Stacked bars */

static double
render_stacked (SaysoChart *chart,
                cairo_t    *cr,
                double      width)
{
  double label_w = width * 0.20;
  double value_w = MIN (130.0, width * 0.26);
  double bar_x = label_w + 2 * PAD;
  double bar_w = width - bar_x - value_w - 2 * PAD;
  double y = 0, x;

  for (guint i = 0; i < chart->rows->len; i++)
    {
      Row *row = g_ptr_array_index (chart->rows, i);
      double lh = text_height (cr, row->label, FONT_SIZE, FALSE, label_w);
      double vh = text_height (cr, row->value_text, FONT_SIZE, TRUE, value_w);
      double h = MAX (MAX (lh, vh), STACK_HEIGHT) + 2 * PAD;
      double bar_y = y + (h - STACK_HEIGHT) / 2;
      gint64 total = 0;

      for (guint s = 0; s < chart->n_segments; s++)
        total += row->counts[s];

      draw_text (cr, row->label, FONT_SIZE, FALSE, 0, y + (h - lh) / 2, label_w, INK);
      x = bar_x;
      if (total == 0)
        {
          static const Fill empty = { 1.0, 0, 0.0, 0.0 };
          fill_rect (cr, bar_x, bar_y, bar_w, STACK_HEIGHT, &empty);
        }
      else
        for (guint s = 0; s < chart->n_segments; s++)
          {
            double w = bar_w * (double) row->counts[s] / (double) total;
            const Fill *fill = &segment_fills[s];
            gint64 pct = sayso_figures_percent (row->counts[s], total);   /* as the tables round */

            if (row->counts[s] == 0)
              continue;
            fill_rect (cr, x, bar_y, w, STACK_HEIGHT, fill);
            if (w >= 22)
              {
                g_autofree char *label = g_strdup_printf ("%" G_GINT64_FORMAT "%%", pct);
                if (fill->hatch == 0)
                  {
                    double tw = text_width (cr, label, SMALL_SIZE, TRUE);
                    double th = text_height (cr, label, SMALL_SIZE, TRUE, -1);
                    draw_text (cr, label, SMALL_SIZE, TRUE, x + (w - tw) / 2, bar_y + (STACK_HEIGHT - th) / 2, -1, fill->text_grey);
                  }
                else
                  draw_label_box (cr, label, x + w / 2, bar_y + STACK_HEIGHT / 2);
              }
            x += w;
          }
      draw_text (cr, row->value_text, FONT_SIZE, TRUE, width - value_w, y + (h - vh) / 2, value_w, INK);
      y += h;
    }

  /* Legend: swatch and label for every point, flowing over lines. */
  y += PAD;
  x = bar_x;
  {
    double line_h = 0;
    for (guint s = 0; s < chart->n_segments; s++)
      {
        double tw = text_width (cr, chart->segments[s], SMALL_SIZE, FALSE);
        double th = text_height (cr, chart->segments[s], SMALL_SIZE, FALSE, -1);
        double item_w = 14 + tw + 10;

        if (x + item_w > width && x > bar_x)
          {
            x = bar_x;
            y += line_h + 3;
            line_h = 0;
          }
        fill_rect (cr, x, y + (th - 9) / 2, 11, 9, &segment_fills[s]);
        draw_text (cr, chart->segments[s], SMALL_SIZE, FALSE, x + 14, y, -1, INK);
        x += item_w;
        line_h = MAX (line_h, th);
      }
    y += line_h + PAD;
  }
  return y;
}

static double
render (SaysoChart *chart,
        cairo_t    *cr,
        double      width)
{
  return chart->kind == CHART_BARS ? render_bars (chart, cr, width) : render_stacked (chart, cr, width);
}

double
sayso_chart_measure (SaysoChart *chart,
                     double      width)
{
  cairo_surface_t *surface;
  cairo_t *cr;

  if (chart->measured_height > 0 && chart->measured_width == width)
    return chart->measured_height;

  surface = cairo_recording_surface_create (CAIRO_CONTENT_COLOR_ALPHA, NULL);
  cr = cairo_create (surface);
  chart->measured_height = ceil (render (chart, cr, width));
  chart->measured_width = width;
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
  return chart->measured_height;
}

double
sayso_chart_draw (SaysoChart *chart,
                  cairo_t    *cr,
                  double      x,
                  double      y,
                  double      width)
{
  double h;

  cairo_save (cr);
  cairo_translate (cr, x, y);
  h = render (chart, cr, width);
  cairo_restore (cr);
  return h;
}

static cairo_status_t
append_to_string (void                *closure,
                  const unsigned char *data,
                  unsigned int         length)
{
  g_string_append_len (closure, (const char *) data, length);
  return CAIRO_STATUS_SUCCESS;
}

/* Makes every id of one SVG unique on the page: id="x", href="#x", url(#x). */
static char *
prefix_ids (const char *svg,
            const char *prefix)
{
  static const char * const tokens[] = { "id=\"", "href=\"#", "url(#" };
  GString *out = g_string_sized_new (strlen (svg) + 1024);
  const char *p = svg;

  while (*p)
    {
      gboolean matched = FALSE;

      for (guint t = 0; t < G_N_ELEMENTS (tokens); t++)
        {
          gsize len = strlen (tokens[t]);
          if (strncmp (p, tokens[t], len) == 0)
            {
              g_string_append_len (out, p, len);
              g_string_append (out, prefix);
              g_string_append_c (out, '-');
              p += len;
              matched = TRUE;
              break;
            }
        }
      if (!matched)
        g_string_append_c (out, *p++);
    }
  return g_string_free (out, FALSE);
}

char *
sayso_chart_to_svg (SaysoChart  *chart,
                    double       width,
                    const char  *id_prefix,
                    const char  *title,
                    const char  *desc,
                    GError     **error)
{
  g_autoptr(GString) raw = g_string_new (NULL);
  double height = sayso_chart_measure (chart, width);
  cairo_surface_t *surface;
  cairo_t *cr;
  cairo_status_t status;
  g_autofree char *prefixed = NULL;
  g_autofree char *title_esc = g_markup_escape_text (title ? title : "", -1);
  g_autofree char *desc_esc = g_markup_escape_text (desc ? desc : "", -1);
  const char *start, *end;
  GString *svg;

  surface = cairo_svg_surface_create_for_stream (append_to_string, raw, width, height);
  cr = cairo_create (surface);
  /* Opaque, so that the chart reads the same on any page background. */
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  render (chart, cr, width);
  cairo_destroy (cr);
  cairo_surface_finish (surface);
  status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "cannot draw a chart: %s", cairo_status_to_string (status));
      return NULL;
    }

  prefixed = prefix_ids (raw->str, id_prefix);
  start = strstr (prefixed, "<svg");
  end = start ? strchr (start, '>') : NULL;
  if (end == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "cairo wrote no <svg> element");
      return NULL;
    }

  /* <svg ... role="img" aria-labelledby="P-title P-desc"><title/><desc/> ... */
  svg = g_string_new (NULL);
  g_string_append_len (svg, start, end - start);
  g_string_append_printf (svg, " role=\"img\" aria-labelledby=\"%s-title %s-desc\" class=\"chart\">", id_prefix, id_prefix);
  g_string_append_printf (svg, "<title id=\"%s-title\">%s</title><desc id=\"%s-desc\">%s</desc>",
                          id_prefix, title_esc, id_prefix, desc_esc);
  g_string_append (svg, end + 1);
  /* The viewBox keeps the proportions; the page's CSS sets the size. */
  return g_string_free (svg, FALSE);
}
