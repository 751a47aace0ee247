/* sayso-report-pdf.c: the report's blocks laid on A4 pages with cairo and
 * pango.
 *
 * A heading keeps its headline, notes and first chart with it on the page;
 * every page has a footer saying the report holds free-text answers. The
 * PDF's date is the day, never the time of day.
 */
#define G_LOG_DOMAIN "sayso-report"

#include <cairo-pdf.h>
#include <pango/pangocairo.h>
#include <string.h>

#include "sayso-record.h"
#include "sayso-report-private.h"

#define PAGE_WIDTH  595.276
#define PAGE_HEIGHT 841.890
#define MARGIN      50.0
#define CONTENT     (PAGE_WIDTH - 2 * MARGIN)
#define BOTTOM      (PAGE_HEIGHT - MARGIN - 14)

typedef struct
{
  cairo_t    *cr;
  double      y;
  guint       page;
  const char *footer;
} Pdf;

static PangoLayout *
pdf_layout (Pdf        *pdf,
            const char *markup,
            double      size,
            double      width)
{
  PangoLayout *layout = pango_cairo_create_layout (pdf->cr);
  PangoContext *context = pango_layout_get_context (layout);
  cairo_font_options_t *options = cairo_font_options_create ();
  PangoFontDescription *font = pango_font_description_from_string ("DejaVu Sans, Sans");

  cairo_font_options_set_hint_metrics (options, CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_hint_style (options, CAIRO_HINT_STYLE_NONE);
  pango_cairo_context_set_font_options (context, options);
  pango_cairo_context_set_resolution (context, 72.0);
  pango_layout_context_changed (layout);
  cairo_font_options_destroy (options);
  pango_font_description_set_absolute_size (font, size * PANGO_SCALE);
  pango_layout_set_font_description (layout, font);
  pango_font_description_free (font);
  pango_layout_set_width (layout, (int) (width * PANGO_SCALE));
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_markup (layout, markup, -1);
  return layout;
}

static void
pdf_footer (Pdf *pdf)
{
  g_autofree char *text = g_strdup_printf ("%s · page %u", pdf->footer, pdf->page);
  g_autofree char *markup = g_markup_escape_text (text, -1);
  PangoLayout *layout = pdf_layout (pdf, markup, 7.5, CONTENT);

  cairo_set_source_rgb (pdf->cr, 0.25, 0.25, 0.25);
  cairo_move_to (pdf->cr, MARGIN, PAGE_HEIGHT - MARGIN + 4);
  pango_cairo_show_layout (pdf->cr, layout);
  g_object_unref (layout);
}

static void
pdf_new_page (Pdf *pdf)
{
  pdf_footer (pdf);
  cairo_show_page (pdf->cr);
  pdf->page++;
  pdf->y = MARGIN;
}

static void
pdf_need (Pdf    *pdf,
          double  height)
{
  if (pdf->y + height > BOTTOM && pdf->y > MARGIN)
    pdf_new_page (pdf);
}

/* Lays out markup; if keep_with > 0, keeps that much room below it on the same page. */
static void
pdf_text (Pdf        *pdf,
          const char *markup,
          double      size,
          double      indent,
          double      space_before,
          double      space_after,
          double      keep_with,
          double      grey)
{
  PangoLayout *layout = pdf_layout (pdf, markup, size, CONTENT - indent);
  int w, h;

  pango_layout_get_size (layout, &w, &h);
  pdf->y += space_before;
  pdf_need (pdf, (double) h / PANGO_SCALE + keep_with);
  cairo_set_source_rgb (pdf->cr, grey, grey, grey);
  cairo_move_to (pdf->cr, MARGIN + indent, pdf->y);
  pango_cairo_show_layout (pdf->cr, layout);
  pdf->y += (double) h / PANGO_SCALE + space_after;
  g_object_unref (layout);
}

/* The room a heading needs below it so that it is not left alone at the foot
 * of a page: its headline, notes and first chart. */
static double
pdf_keep_with (GPtrArray *blocks,
               guint      heading)
{
  double room = 0;

  for (guint b = heading + 1; b < blocks->len; b++)
    {
      SaysoReportBlock *block = g_ptr_array_index (blocks, b);

      if (block->kind == SAYSO_REPORT_BLOCK_CHART)
        return MIN (room + sayso_chart_measure (block->chart, CONTENT), BOTTOM - MARGIN - 80);
      if (block->kind == SAYSO_REPORT_BLOCK_HEADLINE || block->kind == SAYSO_REPORT_BLOCK_NOTE ||
          block->kind == SAYSO_REPORT_BLOCK_FINDING)
        room += 30;
      else if (block->kind == SAYSO_REPORT_BLOCK_H3 && room == 0)
        room += 30;
      else
        return room + 40;
    }
  return room;
}

static cairo_status_t
append_to_bytes (void                *closure,
                 const unsigned char *data,
                 unsigned int         length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

gboolean
_sayso_report_write_pdf (GPtrArray   *blocks,
                         const char  *where,
                         const char  *path,
                         GError     **error)
{
  g_autoptr(GByteArray) bytes = g_byte_array_sized_new (512 * 1024);
  cairo_surface_t *surface = cairo_pdf_surface_create_for_stream (append_to_bytes, bytes, PAGE_WIDTH, PAGE_HEIGHT);
  g_autofree char *footer = g_strdup_printf ("Sayso report: %s · for analysts only, contains free-text answers", where);
  Pdf pdf = { cairo_create (surface), MARGIN, 1, footer };
  cairo_status_t status;
  gboolean ok;

  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_TITLE,
                                  ((SaysoReportBlock *) g_ptr_array_index (blocks, 0))->text);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATOR, "Sayso " PACKAGE_VERSION);
  {
    /* Cairo would stamp the time of day; Sayso keeps to the day. */
    g_autofree char *today = sayso_today ();
    g_autofree char *stamp = g_strdup_printf ("%sT00:00:00Z", today);
    cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATE_DATE, stamp);
  }

  for (guint b = 0; b < blocks->len; b++)
    {
      SaysoReportBlock *block = g_ptr_array_index (blocks, b);
      g_autofree char *text = g_markup_escape_text (block->text ? block->text : "", -1);
      g_autofree char *markup = NULL;
      double keep;

      switch (block->kind)
        {
        case SAYSO_REPORT_BLOCK_TITLE:
          markup = g_strdup_printf ("<b>%s</b>", text);
          pdf_text (&pdf, markup, 20, 0, 0, 6, 0, 0);
          break;
        case SAYSO_REPORT_BLOCK_SUBTITLE:
          pdf_text (&pdf, text, 9.5, 0, 0, 8, 0, 0.2);
          break;
        case SAYSO_REPORT_BLOCK_H2:
          keep = pdf_keep_with (blocks, b);
          pdf_need (&pdf, 40 + keep);
          if (pdf.y > MARGIN + 1)
            pdf.y += 12;
          cairo_set_source_rgb (pdf.cr, 0, 0, 0);
          cairo_rectangle (pdf.cr, MARGIN, pdf.y, CONTENT, 2);
          cairo_fill (pdf.cr);
          pdf.y += 6;
          markup = g_strdup_printf ("<b>%s</b>", text);
          pdf_text (&pdf, markup, 14.5, 0, 0, 6, keep, 0);
          break;
        case SAYSO_REPORT_BLOCK_H3:
          markup = g_strdup_printf ("<b>%s</b>", text);
          pdf_text (&pdf, markup, 10.5, 0, 8, 4, pdf_keep_with (blocks, b), 0);
          break;
        case SAYSO_REPORT_BLOCK_NOTE:
          pdf_text (&pdf, text, 8.5, 0, 0, 5, 0, 0.2);
          break;
        case SAYSO_REPORT_BLOCK_HEADLINE:
          {
            g_autofree char *strong = g_markup_escape_text (block->strong, -1);
            g_autofree char *note = block->note ? g_markup_escape_text (block->note, -1) : NULL;
            markup = g_strdup_printf ("<b><span size=\"larger\">%s</span></b>%s%s%s%s", strong, text,
                                      note ? "  <span foreground=\"#333333\">(" : "", note ? note : "", note ? ")</span>" : "");
            pdf_text (&pdf, markup, 10, 0, 0, 4, 40, 0);
          }
          break;
        case SAYSO_REPORT_BLOCK_FINDING:
          {
            g_autofree char *strong = g_markup_escape_text (block->strong, -1);
            markup = g_strdup_printf ("<b>%s</b>%s", strong, text);
            pdf_text (&pdf, markup, 10, 0, 2, 6, 20, 0);
          }
          break;
        case SAYSO_REPORT_BLOCK_CHART:
          {
            double h = sayso_chart_measure (block->chart, CONTENT);
            pdf_need (&pdf, h);
            sayso_chart_draw (block->chart, pdf.cr, MARGIN, pdf.y, CONTENT);
            pdf.y += h + 6;
          }
          break;
        case SAYSO_REPORT_BLOCK_QUOTE:
          if (block->note)
            {
              g_autofree char *cite = g_markup_escape_text (block->note, -1);
              markup = g_strdup_printf ("“%s”  <span size=\"smaller\" foreground=\"#333333\">(%s)</span>", text, cite);
            }
          else
            markup = g_strdup_printf ("“%s”", text);
          pdf_text (&pdf, markup, 9, 12, 0, 5, 0, 0);
          memset (markup, 0, strlen (markup));
          break;
        }
      if (block->kind == SAYSO_REPORT_BLOCK_QUOTE)
        memset (text, 0, strlen (text));
    }
  pdf_footer (&pdf);
  cairo_show_page (pdf.cr);
  cairo_destroy (pdf.cr);
  cairo_surface_finish (surface);
  status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, SAYSO_REPORT_ERROR, SAYSO_REPORT_ERROR_INVALID,
                   "cannot make the PDF: %s", cairo_status_to_string (status));
      return FALSE;
    }
  ok = _sayso_report_write_atomically (path, (const char *) bytes->data, bytes->len, error);
  /* It holds the quotes, as the HTML and CSV buffers do. */
  memset (bytes->data, 0, bytes->len);
  return ok;
}
