/* sayso-collect-pages.c: the service's HTML, for a person with a browser:
 * the upload page and the form it posts (each file in it taken out and
 * checked as POST /bundles would be), and the inspection team's page.
 *
 * Apart because pages are words and markup, and change for readers, while
 * the JSON interface beside them is fixed by docs/format.md.
 */
#define G_LOG_DOMAIN "sayso-collect"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <string.h>
#include <unistd.h>

#include "sayso-collect-service-private.h"

/* The upload page. GOV.UK-plain: one question a page, plain words, a
 * button that says what it does; no script, no framework. */
static const char page_head[] =
  "<!DOCTYPE html>\n"
  "<html lang=\"en\">\n"
  "<head>\n"
  "<meta charset=\"utf-8\">\n"
  "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
  "<title>Send survey bundles</title>\n"
  "<style>\n"
  "body { font-family: Arial, sans-serif; font-size: 19px; line-height: 1.4; margin: 0; color: #0b0c0c; }\n"
  "main { max-width: 40em; margin: 0 auto; padding: 20px; }\n"
  "h1 { font-size: 36px; margin: 0 0 20px; }\n"
  "label { display: block; font-weight: bold; margin-bottom: 5px; }\n"
  "input[type=file] { font-size: 19px; margin-bottom: 20px; }\n"
  "button { font-size: 19px; padding: 8px 12px; background: #00703c; color: #fff; border: 0; box-shadow: 0 2px 0 #002d18; }\n"
  "button:focus, input:focus { outline: 3px solid #fd0; }\n"
  "ul.results { padding: 0; list-style: none; }\n"
  "ul.results li { border-left: 5px solid #00703c; padding: 5px 10px; margin-bottom: 10px; }\n"
  "ul.results li.refused { border-left-color: #d4351c; }\n"
  "ul.results .file { display: block; font-weight: bold; }\n"
  "</style>\n"
  "</head>\n"
  "<body>\n"
  "<main>\n"
  "<h1>Send survey bundles</h1>\n";

static const char page_form[] =
  "<form method=\"post\" action=\"/\" enctype=\"multipart/form-data\">\n"
  "<label for=\"bundles\">Choose the bundle files from the USB stick</label>\n"
  "<p>They end in <code>.sayso</code>. You can choose more than one.</p>\n"
  "<input type=\"file\" id=\"bundles\" name=\"bundles\" multiple accept=\".sayso\">\n"
  "<div><button type=\"submit\">Send the files</button></div>\n"
  "</form>\n"
  "<p>The bundles are sealed: this service cannot read the answers in them.</p>\n"
  "</main>\n"
  "</body>\n"
  "</html>\n";

/* @lines: (nullable): one <li> for each file sent, already escaped */
char *
_sayso_collect_service_form_page (GPtrArray *lines)
{
  GString *page = g_string_new (page_head);

  if (lines != NULL && lines->len > 0)
    {
      g_string_append (page, "<h2>What happened to each file</h2>\n<ul class=\"results\">\n");
      for (guint i = 0; i < lines->len; i++)
        g_string_append_printf (page, "%s\n", (const char *) g_ptr_array_index (lines, i));
      g_string_append (page, "</ul>\n<h2>Send more files</h2>\n");
    }
  g_string_append (page, page_form);
  return g_string_free (page, FALSE);
}

#define MAX_FORM_FILES   200
#define MAX_PART_HEADERS 8192
#define SCAN_BLOCK       (1024 * 1024)

/* Every place @delimiter starts in the file, read a block at a time. */
static GArray *
find_delimiters (int          fd,
                 guint64      size,
                 const char  *delimiter,
                 gsize        len)
{
  GArray *found = g_array_new (FALSE, FALSE, sizeof (guint64));
  g_autofree char *buffer = g_malloc (SCAN_BLOCK + len);
  guint64 pos = 0;

  while (pos < size && found->len <= MAX_FORM_FILES + 1)
    {
      gsize want = (gsize) MIN ((guint64) SCAN_BLOCK + len - 1, size - pos);
      gssize n = pread (fd, buffer, want, (off_t) pos);
      const char *at = buffer;

      if (n <= 0)
        break;
      while ((at = memmem (at, (gsize) n - (gsize) (at - buffer), delimiter, len)) != NULL)
        {
          guint64 offset = pos + (guint64) (at - buffer);

          if (found->len == 0 || g_array_index (found, guint64, found->len - 1) != offset)
            g_array_append_val (found, offset);
          at += len;
          if ((gsize) (at - buffer) >= (gsize) n)
            break;
        }
      if ((gsize) n < want || pos + (guint64) n >= size)
        break;
      /* The next block starts so that a delimiter across the edge is seen. */
      pos += (guint64) n - (len - 1);
    }
  return found;
}

static gboolean
copy_range (int      from,
            guint64  start,
            guint64  length,
            int      to)
{
  g_autofree guint8 *buffer = g_malloc (SCAN_BLOCK);
  guint64 done = 0;

  while (done < length)
    {
      gssize n = pread (from, buffer, (gsize) MIN ((guint64) SCAN_BLOCK, length - done), (off_t) (start + done));

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return FALSE;
      for (gssize w = 0; w < n; )
        {
          gssize m = write (to, buffer + w, (gsize) (n - w));

          if (m < 0 && errno == EINTR)
            continue;
          if (m < 0)
            return FALSE;
          w += m;
        }
      done += (guint64) n;
    }
  return TRUE;
}

static char *
result_line (const char    *filename,
             const Outcome *outcome)
{
  gboolean ok = outcome->status == SOUP_STATUS_CREATED || outcome->status == SOUP_STATUS_OK;

  /* The file's name above what happened to it: a colon after the name
   * would run into the colon of what follows. */
  if (ok)
    {
      /* A line of its own begins as a sentence does. */
      g_autofree char *message = g_strdup (outcome->message);

      message[0] = g_ascii_toupper (message[0]);
      return g_markup_printf_escaped ("<li class=\"received\"><span class=\"file\">%s</span>%s</li>", filename,
                                      message);
    }
  return g_markup_printf_escaped ("<li class=\"refused\"><span class=\"file\">%s</span>Not received. %s</li>",
                                  filename, outcome->message);
}

/* In a worker thread: a form from the upload page, each file in it taken
 * out to a file of its own and checked as a POST /bundles would be. */
Outcome *
_sayso_collect_service_check_form (Upload *upload)
{
  SaysoCollectService *self = upload->service;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (upload->msg);
  g_autoptr(GHashTable) params = NULL;
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) delimiters = NULL;
  g_autofree char *delimiter = NULL;
  const char *type, *boundary;
  Outcome *outcome = g_new0 (Outcome, 1);
  guint status = SOUP_STATUS_OK;
  guint files = 0;
  gboolean bare_first = FALSE;   /* the body starts "--boundary", without the CRLF */

  type = soup_message_headers_get_content_type (headers, &params);
  boundary = params ? g_hash_table_lookup (params, "boundary") : NULL;
  if (type == NULL || g_ascii_strcasecmp (type, "multipart/form-data") != 0 || boundary == NULL ||
      *boundary == '\0' || strlen (boundary) > 200)
    {
      status = SOUP_STATUS_BAD_REQUEST;
      g_ptr_array_add (lines, g_strdup ("<li class=\"refused\">Nothing was received: the page's form did not "
                                        "arrive as a form. Open this page again and choose the files.</li>"));
      goto out;
    }

  /* The body begins with "--boundary"; every later one follows a CRLF. */
  delimiter = g_strconcat ("\r\n--", boundary, NULL);
  {
    g_autofree char *first = g_malloc (strlen (delimiter));
    gsize first_len = strlen (delimiter) - 2;
    guint64 zero = 0;

    delimiters = find_delimiters (upload->fd, upload->received, delimiter, strlen (delimiter));
    if (upload->received >= first_len && pread (upload->fd, first, first_len, 0) == (gssize) first_len &&
        memcmp (first, delimiter + 2, first_len) == 0)
      {
        g_array_prepend_val (delimiters, zero);
        bare_first = TRUE;
      }
  }

  for (guint i = 0; i + 1 < delimiters->len; i++)
    {
      /* A part: after its delimiter, CRLF, headers, a blank line, the file. */
      guint64 at = g_array_index (delimiters, guint64, i) + strlen (delimiter) - (i == 0 && bare_first ? 2 : 0);
      guint64 end = g_array_index (delimiters, guint64, i + 1);
      g_autoptr(SoupMessageHeaders) part = soup_message_headers_new (SOUP_MESSAGE_HEADERS_MULTIPART);
      g_autoptr(GHashTable) disposition_params = NULL;
      g_autofree char *head = NULL;
      g_autofree char *template = NULL;
      g_autofree char *disposition = NULL;
      const char *name, *filename;
      const char *blank;
      gssize got;
      guint64 data_start;
      int fd;
      Outcome *one;

      if (end <= at)
        continue;
      head = g_malloc0 (MAX_PART_HEADERS + 1);
      got = pread (upload->fd, head, (gsize) MIN ((guint64) MAX_PART_HEADERS, end - at), (off_t) at);
      if (got <= 0 || (blank = g_strstr_len (head, got, "\r\n\r\n")) == NULL)
        continue;
      data_start = at + (guint64) (blank - head) + 4;
      if (!soup_headers_parse (head, (int) (blank - head) + 4, part) ||
          !soup_message_headers_get_content_disposition (part, &disposition, &disposition_params))
        continue;
      name = g_hash_table_lookup (disposition_params, "name");
      filename = g_hash_table_lookup (disposition_params, "filename");
      if (name == NULL || strcmp (name, "bundles") != 0 || filename == NULL)
        continue;
      /* A form sent with no file chosen has one empty, nameless part. */
      if (*filename == '\0' && end == data_start)
        continue;
      if (++files > MAX_FORM_FILES)
        {
          status = SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE;
          g_ptr_array_add (lines, g_strdup_printf ("<li class=\"refused\">Only the first %d files were looked at: "
                                                   "send the others again.</li>", MAX_FORM_FILES));
          break;
        }

      template = g_build_filename (self->incoming, "upload-XXXXXX", NULL);
      fd = g_mkstemp_full (template, O_RDWR | O_CLOEXEC, 0600);
      if (fd < 0 || !copy_range (upload->fd, data_start, end - data_start, fd))
        {
          Outcome failed = { SOUP_STATUS_SERVICE_UNAVAILABLE, NULL,
                             (char *) "The service could not write the file to its disk; nothing was kept. Try again later." };
          if (fd >= 0)
            close (fd);
          g_unlink (template);
          g_ptr_array_add (lines, result_line (filename, &failed));
          status = failed.status;
          continue;
        }
      one = _sayso_collect_service_check_and_store (self, template, fd, end - data_start);
      close (fd);
      g_unlink (template);
      g_ptr_array_add (lines, result_line (filename, one));
      if (one->status != SOUP_STATUS_CREATED && one->status != SOUP_STATUS_OK && status == SOUP_STATUS_OK)
        status = one->status;
      _sayso_collect_service_outcome_free (one);
    }

  if (files == 0 && lines->len == 0)
    {
      status = SOUP_STATUS_BAD_REQUEST;
      g_ptr_array_add (lines, g_strdup ("<li class=\"refused\">No file was chosen. Choose the .sayso files from the "
                                        "USB stick, then select “Send the files”.</li>"));
    }

out:
  outcome->status = status;
  outcome->body = _sayso_collect_service_form_page (lines);
  return outcome;
}

static void
respond_html (SoupServerMessage *msg,
              guint              status,
              const char        *page)
{
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "text/html; charset=utf-8", SOUP_MEMORY_COPY, page, strlen (page));
}

/* GET /: the upload page; POST /: what it sends. */
void
_sayso_collect_service_page_handler (SoupServer        *server,
                                     SoupServerMessage *msg,
                                     const char        *path,
                                     GHashTable        *query,
                                     gpointer           user_data)
{
  SaysoCollectService *self = user_data;
  Upload *upload = g_object_get_data (G_OBJECT (msg), UPLOAD_KEY);
  const char *method = soup_server_message_get_method (msg);

  if (strcmp (path, "/") != 0)
    {
      _sayso_collect_service_respond_error (msg, SOUP_STATUS_NOT_FOUND, "There is nothing at this address. Bundles go to /bundles.");
      return;
    }
  if (strcmp (method, "GET") == 0 || strcmp (method, "HEAD") == 0)
    {
      g_autofree char *page = _sayso_collect_service_form_page (NULL);
      respond_html (msg, SOUP_STATUS_OK, page);
      return;
    }
  if (strcmp (method, "POST") != 0)
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Allow", "GET, POST");
      _sayso_collect_service_respond_error (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "Open this page with GET, or send it the form.");
      return;
    }
  _sayso_collect_service_check_upload (self, msg, upload);
}

/* The inspection team's page: the same figures, in words, for a browser.
 * The token comes in a form's POST body (or an Authorization header),
 * never in the address, which proxies and browsers' histories keep. */
static const char inspection_head[] =
  "<!DOCTYPE html>\n"
  "<html lang=\"en\">\n"
  "<head>\n"
  "<meta charset=\"utf-8\">\n"
  "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
  "<meta name=\"referrer\" content=\"no-referrer\">\n"
  "<title>Survey bundles received</title>\n"
  "<style>\n"
  "body { font-family: Arial, sans-serif; font-size: 19px; line-height: 1.4; margin: 0; color: #0b0c0c; }\n"
  "main { max-width: 60em; margin: 0 auto; padding: 20px; }\n"
  "h1 { font-size: 36px; margin: 0 0 20px; }\n"
  "label { display: block; font-weight: bold; margin-bottom: 5px; }\n"
  "input { font-size: 19px; padding: 5px; width: 100%; max-width: 30em; margin-bottom: 20px; border: 2px solid #0b0c0c; }\n"
  "button { font-size: 19px; padding: 8px 12px; background: #00703c; color: #fff; border: 0; box-shadow: 0 2px 0 #002d18; }\n"
  "button:focus, input:focus { outline: 3px solid #fd0; }\n"
  "table { border-collapse: collapse; width: 100%; }\n"
  "th, td { text-align: left; vertical-align: top; padding: 10px 20px 10px 0; border-bottom: 1px solid #b1b4b6; }\n"
  "td.number { text-align: right; }\n"
  "ul.notes { margin: 0; padding-left: 20px; }\n"
  "span.key { display: block; font-size: 14px; color: #505a5f; white-space: nowrap; }\n"
  "p.error { border-left: 5px solid #d4351c; padding: 5px 10px; font-weight: bold; }\n"
  "</style>\n"
  "</head>\n"
  "<body>\n"
  "<main>\n"
  "<h1>Survey bundles received</h1>\n";

static const char inspection_form[] =
  "<form method=\"post\" action=\"/inspection\">\n"
  "<label for=\"token\">Your access token</label>\n"
  "<p>The service's administrator gives you one. It is not kept in this page's address.</p>\n"
  "<input type=\"password\" id=\"token\" name=\"token\" autocomplete=\"off\" spellcheck=\"false\" required>\n"
  "<div><button type=\"submit\">Show the bundles received</button></div>\n"
  "</form>\n";

static const char inspection_tail[] =
  "</main>\n"
  "</body>\n"
  "</html>\n";

/* At most this many gaps are named a kiosk; the others are counted. */
#define MAX_GAPS_SHOWN 20

static char *
inspection_page (SaysoCollectService *self,
                 GPtrArray           *kiosks)
{
  GString *page = g_string_new (inspection_head);
  GDate today;

  _sayso_collect_service_today_date (&today);
  g_string_append_printf (page, "<p>For each kiosk: the bundles and responses received, the day the last one "
                                "arrived, and what to look at. A kiosk is silent when no bundle has arrived for "
                                "more than %u day%s.</p>\n", self->silent_days, self->silent_days == 1 ? "" : "s");
  if (kiosks->len == 0)
    g_string_append (page, "<p>No kiosk is enrolled yet (sayso-collect enroll).</p>\n");
  else
    {
      g_string_append (page, "<table>\n<thead><tr><th scope=\"col\">Site</th><th scope=\"col\">Kiosk</th>"
                             "<th scope=\"col\">Bundles</th><th scope=\"col\">Responses</th>"
                             "<th scope=\"col\">Last arrived</th><th scope=\"col\">To look at</th></tr></thead>\n<tbody>\n");
      for (guint i = 0; i < kiosks->len; i++)
        {
          SaysoCollectKioskRow *row = g_ptr_array_index (kiosks, i);
          g_autofree char *fingerprint = _sayso_collect_service_kiosk_fingerprint (row->kiosk_pk);
          g_autofree char *last = _sayso_collect_service_day_in_words (row->last_received);
          g_autofree char *cells = NULL;
          gint64 silent = _sayso_collect_service_days_silent (row, &today);
          guint notes = 0;

          cells = g_markup_printf_escaped ("<tr><td>%s</td><td>kiosk %" G_GINT64_FORMAT "<span class=\"key\">key %s</span></td>"
                                           "<td class=\"number\">%" G_GINT64_FORMAT "</td>"
                                           "<td class=\"number\">%" G_GINT64_FORMAT "</td><td>%s</td><td>",
                                           row->site, row->number, fingerprint, row->bundles, row->responses,
                                           last ? last : row->last_received ? row->last_received : "nothing yet");
          g_string_append (page, cells);
          g_string_append (page, "<ul class=\"notes\">");
          for (guint k = 0; k < row->missing->len && k < MAX_GAPS_SHOWN; k++, notes++)
            g_string_append_printf (page, "<li>bundle %" G_GINT64_FORMAT " never arrived: a lost stick?</li>",
                                    g_array_index (row->missing, gint64, k));
          if (row->missing->len > MAX_GAPS_SHOWN)
            g_string_append_printf (page, "<li>and %u more bundles that never arrived</li>",
                                    row->missing->len - MAX_GAPS_SHOWN);
          if (silent > (gint64) self->silent_days)
            {
              g_string_append_printf (page, "<li>silent for %" G_GINT64_FORMAT " days%s</li>", silent,
                                      row->last_received ? "" : ": nothing has arrived since it was enrolled");
              notes++;
            }
          if (row->conflicts > 0)
            {
              g_string_append_printf (page, "<li>%" G_GINT64_FORMAT " bundle%s kept aside: a number it had used "
                                            "before came again with other contents (restored from a backup?)</li>",
                                      row->conflicts, row->conflicts == 1 ? "" : "s");
              notes++;
            }
          if (notes == 0)
            g_string_append (page, "<li>nothing</li>");
          g_string_append (page, "</ul></td></tr>\n");
        }
      g_string_append (page, "</tbody>\n</table>\n");
    }
  g_string_append (page, inspection_tail);
  return g_string_free (page, FALSE);
}

static char *
inspection_form_page (const char *problem)
{
  GString *page = g_string_new (inspection_head);

  if (problem)
    {
      g_autofree char *line = g_markup_printf_escaped ("<p class=\"error\">%s</p>\n", problem);
      g_string_append (page, line);
    }
  g_string_append (page, inspection_form);
  g_string_append (page, inspection_tail);
  return g_string_free (page, FALSE);
}

static void
respond_private_html (SoupServerMessage *msg,
                      guint              status,
                      char              *page)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

  /* What the page shows is for the token's holder: not kept by a browser
   * or a proxy, and no script, frame or other site's resource in it. */
  soup_message_headers_replace (headers, "Cache-Control", "no-store");
  soup_message_headers_replace (headers, "Referrer-Policy", "no-referrer");
  soup_message_headers_replace (headers, "Content-Security-Policy",
                                "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'");
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "text/html; charset=utf-8", SOUP_MEMORY_TAKE, page, strlen (page));
}

/* GET /inspection: the form (or, with an Authorization header, the page);
 * POST /inspection: the form's token, answered with the page. */
void
_sayso_collect_service_inspection_handler (SoupServer        *server,
                                           SoupServerMessage *msg,
                                           const char        *path,
                                           GHashTable        *query,
                                           gpointer           user_data)
{
  SaysoCollectService *self = user_data;
  Upload *upload = g_object_get_data (G_OBJECT (msg), UPLOAD_KEY);
  const char *method = soup_server_message_get_method (msg);
  g_autoptr(GHashTable) form = NULL;
  g_autoptr(GPtrArray) kiosks = NULL;
  g_autoptr(GError) error = NULL;
  const char *token = NULL;

  if (strcmp (path, "/inspection") != 0)
    {
      _sayso_collect_service_respond_error (msg, SOUP_STATUS_NOT_FOUND, "There is nothing at this address.");
      return;
    }
  if (query != NULL && g_hash_table_contains (query, "token"))
    {
      /* Refused even when right: an address is written down everywhere. */
      respond_private_html (msg, SOUP_STATUS_BAD_REQUEST,
                            inspection_form_page ("Do not put the access token in the page's address: proxies and "
                                                  "browsers keep addresses. Type it in the box below instead."));
      return;
    }

  if (strcmp (method, "GET") == 0 || strcmp (method, "HEAD") == 0)
    {
      token = _sayso_collect_service_bearer_token (msg);
      if (token == NULL)
        {
          respond_private_html (msg, SOUP_STATUS_OK, inspection_form_page (NULL));
          return;
        }
    }
  else if (strcmp (method, "POST") == 0)
    {
      if (upload == NULL || upload->small == NULL || upload->too_large)
        {
          respond_private_html (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE,
                                inspection_form_page ("The form that arrived was far longer than a token. Type the "
                                                      "token again."));
          return;
        }
      form = soup_form_decode (upload->small->str);
      token = g_hash_table_lookup (form, "token");
      if (token == NULL || *token == '\0')
        {
          respond_private_html (msg, SOUP_STATUS_UNAUTHORIZED, inspection_form_page ("Type your access token."));
          return;
        }
    }
  else
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Allow", "GET, POST");
      _sayso_collect_service_respond_error (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "Open this page with GET, or send it the form.");
      return;
    }

  switch (_sayso_collect_service_check_token (self, token))
    {
    case TOKEN_VALID:
      break;
    case TOKEN_MISSING:
    case TOKEN_INVALID:
      respond_private_html (msg, SOUP_STATUS_UNAUTHORIZED, inspection_form_page (_sayso_collect_service_token_invalid_text));
      return;
    case TOKEN_UNREADABLE:
    default:
      respond_private_html (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, inspection_form_page (_sayso_collect_service_database_unreadable_text));
      return;
    }
  if (!(kiosks = sayso_collect_db_list_kiosks (self->db, &error)))
    {
      g_warning ("%s", error->message);
      respond_private_html (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, inspection_form_page (_sayso_collect_service_database_unreadable_text));
      return;
    }
  respond_private_html (msg, SOUP_STATUS_OK, inspection_page (self, kiosks));
}
