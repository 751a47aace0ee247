/* sayso-report-html.c: the report's blocks as one HTML page.
 *
 * Self-contained, so that it opens on an analyst's machine with no network:
 * the charts are inline SVG and the style is in the page. Every chart has its
 * figures as a table beside it, for screen readers; rows and headlines carry
 * their question and option ids (data-q, data-v).
 */
#define G_LOG_DOMAIN "sayso-report"

#include <string.h>

#include "sayso-report-private.h"

static const char html_style[] =
  "body{font-family:\"DejaVu Sans\",Verdana,Arial,sans-serif;line-height:1.5;color:#000;background:#fff;"
  "max-width:52rem;margin:0 auto;padding:1rem 1.5rem 3rem}\n"
  "h1{font-size:1.7rem;margin:1.5rem 0 .3rem}h2{font-size:1.35rem;margin:2.2rem 0 .6rem;padding-top:.6rem;"
  "border-top:3px solid #000}h3{font-size:1.05rem;margin:1.6rem 0 .4rem}\n"
  ".subtitle{color:#333}.note{color:#333;font-size:.9rem}.headline{font-size:1.05rem}"
  ".headline strong{font-size:1.2rem}.national{color:#333;margin-left:.4rem}\n"
  ".finding{font-size:1.05rem;margin:.6rem 0;padding:.4rem .8rem;border-left:6px solid #000;background:#f2f2f2}\n"
  "svg.chart{display:block;width:100%;height:auto;margin:.4rem 0}\n"
  "details{margin:.2rem 0 1rem}summary{cursor:pointer;color:#000;text-decoration:underline}\n"
  "table{border-collapse:collapse;margin:.5rem 0;font-size:.95rem}th,td{border:1px solid #666;padding:.2rem .6rem;"
  "text-align:left;vertical-align:top}td+td,th+th{text-align:right}caption{text-align:left;font-weight:bold}\n"
  "blockquote{margin:.5rem 0 .5rem 0;padding:.3rem .8rem;border-left:4px solid #666}"
  "blockquote cite{display:block;font-size:.85rem;color:#333;font-style:normal}\n"
  "@media print{h2{break-before:auto}figure,blockquote{break-inside:avoid}details{display:block}}\n";

static void
html_escaped (GString    *out,
              const char *text)
{
  g_autofree char *escaped = g_markup_escape_text (text ? text : "", -1);
  g_string_append (out, escaped);
}

gboolean
_sayso_report_write_html (GPtrArray   *blocks,
                          const char  *language,
                          const char  *path,
                          GError     **error)
{
  g_autoptr(GString) out = g_string_sized_new (256 * 1024);
  g_autofree char *lang = g_markup_escape_text (language, -1);
  guint n_charts = 0;
  gboolean ok;

  g_string_append_printf (out, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n"
                          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                          "<meta name=\"generator\" content=\"Sayso %s\">\n<title>", lang, PACKAGE_VERSION);
  html_escaped (out, ((SaysoReportBlock *) g_ptr_array_index (blocks, 0))->text);
  g_string_append_printf (out, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<main>\n", html_style);

  for (guint b = 0; b < blocks->len; b++)
    {
      SaysoReportBlock *block = g_ptr_array_index (blocks, b);
      const char *attrs = block->attrs ? block->attrs : "";
      const char *space = block->attrs ? " " : "";

      switch (block->kind)
        {
        case SAYSO_REPORT_BLOCK_TITLE:
          g_string_append (out, "<h1>");
          html_escaped (out, block->text);
          g_string_append (out, "</h1>\n");
          break;
        case SAYSO_REPORT_BLOCK_SUBTITLE:
          g_string_append (out, "<p class=\"subtitle\">");
          html_escaped (out, block->text);
          g_string_append (out, "</p>\n");
          break;
        case SAYSO_REPORT_BLOCK_H2:
        case SAYSO_REPORT_BLOCK_H3:
          g_string_append_printf (out, "<h%d%s%s>", block->kind == SAYSO_REPORT_BLOCK_H2 ? 2 : 3, space, attrs);
          html_escaped (out, block->text);
          g_string_append_printf (out, "</h%d>\n", block->kind == SAYSO_REPORT_BLOCK_H2 ? 2 : 3);
          break;
        case SAYSO_REPORT_BLOCK_NOTE:
          g_string_append_printf (out, "<p class=\"note\"%s%s>", space, attrs);
          html_escaped (out, block->text);
          g_string_append (out, "</p>\n");
          break;
        case SAYSO_REPORT_BLOCK_HEADLINE:
          g_string_append_printf (out, "<p class=\"headline\"%s%s><strong class=\"share\">", space, attrs);
          html_escaped (out, block->strong);
          g_string_append (out, "</strong>");
          html_escaped (out, block->text);
          if (block->note)
            {
              g_string_append (out, "<span class=\"national\">(");
              html_escaped (out, block->note);
              g_string_append (out, ")</span>");
            }
          g_string_append (out, "</p>\n");
          break;
        case SAYSO_REPORT_BLOCK_CHART:
          {
            g_autofree char *prefix = g_strdup_printf ("c%u", ++n_charts);
            g_autofree char *svg = sayso_chart_to_svg (block->chart, 480, prefix, block->title, block->desc, error);

            if (svg == NULL)
              {
                memset (out->str, 0, out->len);   /* quotes may be in it already */
                return FALSE;
              }
            g_string_append (out, "<figure>\n");
            g_string_append (out, svg);
            g_string_append (out, "\n<details><summary>The figures as a table</summary>\n<table>\n<caption>");
            html_escaped (out, block->title);
            g_string_append (out, "</caption>\n");
            for (guint r = 0; r < block->table->len; r++)
              {
                GStrv cells = g_ptr_array_index (block->table, r);
                const char *row_attrs = g_ptr_array_index (block->row_attrs, r);

                g_string_append_printf (out, "<tr%s%s>", *row_attrs ? " " : "", row_attrs);
                for (guint c = 0; cells[c]; c++)
                  {
                    const char *tag = r == 0 ? "th scope=\"col\"" : c == 0 ? "th scope=\"row\"" : "td";
                    g_string_append_printf (out, "<%s>", tag);
                    html_escaped (out, cells[c]);
                    g_string_append_printf (out, "</%s>", r == 0 || c == 0 ? "th" : "td");
                  }
                g_string_append (out, "</tr>\n");
              }
            g_string_append (out, "</table>\n</details>\n</figure>\n");
          }
          break;
        case SAYSO_REPORT_BLOCK_FINDING:
          g_string_append_printf (out, "<p class=\"finding\"%s%s><strong>", space, attrs);
          html_escaped (out, block->strong);
          g_string_append (out, "</strong>");
          html_escaped (out, block->text);
          g_string_append (out, "</p>\n");
          break;
        case SAYSO_REPORT_BLOCK_QUOTE:
          /* A picked quote is marked as one; the appendix's are as before. */
          if (block->attrs)
            g_string_append_printf (out, "<blockquote %s><p>", block->attrs);
          else
            g_string_append (out, "<blockquote><p>");
          html_escaped (out, block->text);
          g_string_append (out, "</p>");
          if (block->note)
            {
              g_string_append (out, "<cite>");
              html_escaped (out, block->note);
              g_string_append (out, "</cite>");
            }
          g_string_append (out, "</blockquote>\n");
          break;
        }
    }
  g_string_append (out, "</main>\n</body>\n</html>\n");

  ok = _sayso_report_write_atomically (path, out->str, out->len, error);
  memset (out->str, 0, out->len);
  return ok;
}
