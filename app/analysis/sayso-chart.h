/* sayso-chart.h: the report's charts, drawn with cairo.
 *
 * One drawing serves both outputs: it is drawn straight onto the PDF's pages
 * and onto a cairo SVG surface for the HTML. Charts read in greyscale: bars are
 * grey, the Likert points differ by grey level *and* hatching, every bar
 * carries its figure as text, and a marker for the all-sites figure is
 * explained in a legend. A chart holds no answer text, only labels of the
 * questionnaire and figures.
 */
#pragma once

#include <cairo.h>
#include <glib.h>

G_BEGIN_DECLS

#define SAYSO_CHART_MAX_SEGMENTS 8

typedef struct _SaysoChart SaysoChart;

/* Horizontal bars, one per category: label, bar of length fraction (0..1) of
 * the full scale, the figure as text at the right (value_text), an optional
 * second line under it (note, e.g. "national average 20%") and an optional
 * marker at compare (0..1; negative for none). A hidden bar is drawn without
 * a bar: its value_text (e.g. "<3") is all that shows. */
SaysoChart *sayso_chart_new_bars        (void);
void        sayso_chart_add_bar         (SaysoChart         *chart,
                                         const char         *label,
                                         double              fraction,
                                         const char         *value_text,
                                         const char         *note,
                                         double              compare,
                                         gboolean            hidden);
/* The legend's words for the marker, e.g. "national average (all sites)". */

/* 100% stacked bars over the same segments (e.g. the six Likert points), each
 * row with its own label and figure at the right. */
SaysoChart *sayso_chart_new_stacked     (const char * const *segment_labels,
                                         guint               n_segments);
void        sayso_chart_add_stack       (SaysoChart         *chart,
                                         const char         *label,
                                         const gint64       *counts,
                                         const char         *value_text);

void        sayso_chart_free            (SaysoChart         *chart);

/* The height the chart needs at this width, in points. */
double      sayso_chart_measure         (SaysoChart         *chart,
                                         double              width);
/* Draws with the top left corner at (x, y); returns the height used. */
double      sayso_chart_draw            (SaysoChart         *chart,
                                         cairo_t            *cr,
                                         double              x,
                                         double              y,
                                         double              width);
/* A standalone <svg> element (no XML declaration) for inlining in HTML: its
 * ids are prefixed with id_prefix so that many charts can share a page, it
 * scales to its container, and it carries role="img" with <title> and <desc>
 * (escaped here). */
char       *sayso_chart_to_svg          (SaysoChart         *chart,
                                         double              width,
                                         const char         *id_prefix,
                                         const char         *title,
                                         const char         *desc,
                                         GError            **error) G_GNUC_WARN_UNUSED_RESULT;

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SaysoChart, sayso_chart_free)

G_END_DECLS
