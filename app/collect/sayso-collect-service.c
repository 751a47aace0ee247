/* sayso-collect-service.c: receiving bundles over HTTP.
 *
 * Every request body is streamed: nothing accumulates in memory. An upload
 * is written to a file in the service's own folder as it comes, and only
 * once it is whole is it checked, in a worker thread (the main loop goes on
 * serving others): the kiosk must be enrolled before a byte after the
 * header is read, then the signature, then every record's hash, then the
 * sequence number against what the kiosk sent before. Only then is it
 * stored, in one synced commit, and the answer sent with a signed receipt.
 *
 * Nothing here logs a request, and no answer says anything of what is
 * inside a record: the service holds no key that opens one.
 */
#define G_LOG_DOMAIN "sayso-collect"

#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <gnutls/gnutls.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <sodium.h>
#include <string.h>
#include <unistd.h>

#include "sayso-bundle.h"
#include "sayso-collect-service.h"
#include "sayso-crypto.h"
#include "sayso-receipt.h"

struct _SaysoCollectService
{
  GObject         parent_instance;

  SaysoCollectDb *db;
  SoupServer     *server;
  char           *incoming;     /* where uploads are written as they come */
  guint64         max_size;
  guint           timeout;      /* seconds a request may take to arrive */
  guint8          service_pk[SAYSO_SIGN_PUBLIC_KEY_SIZE];
  guint8         *service_sk;   /* locked */
  guint           busy;         /* uploads a worker is checking or storing */
  guint           silent_days;  /* a kiosk with no bundle for longer is silent */
  gboolean        tls;          /* listens with HTTPS: a certificate is set */
};

G_DEFINE_FINAL_TYPE (SaysoCollectService, sayso_collect_service, G_TYPE_OBJECT)

#define UPLOAD_KEY "sayso-upload"
#define LISTEN_BACKLOG 512

/* One request's body, as it arrives. */
typedef struct
{
  SaysoCollectService *service;   /* borrowed: outlives every request */
  SoupServerMessage   *msg;       /* borrowed: the upload is the message's data */
  char                *path;      /* NULL: a body nobody asked for, dropped */
  int                  fd;
  guint64              received;
  gboolean             too_large;
  gboolean             complete;
  gboolean             form;      /* from the upload page: multipart/form-data */
  int                  write_errno;
  guint                deadline;
  GString             *small;     /* a form with a token: kept in memory, at most MAX_SMALL_BODY */
} Upload;

#define MAX_SMALL_BODY 4096

/* What checking an upload came to. */
typedef struct
{
  guint  status;
  char  *body;      /* JSON */
  char  *message;   /* the same in a sentence, for the upload page */
} Outcome;

static void
outcome_free (Outcome *outcome)
{
  g_free (outcome->body);
  g_free (outcome->message);
  g_free (outcome);
}

/* The upload's file goes before the answer does: once it is answered,
 * whatever was not stored is nowhere. */
static void
upload_discard (Upload *upload)
{
  if (upload->fd >= 0)
    close (upload->fd);
  upload->fd = -1;
  if (upload->path)
    g_unlink (upload->path);
  g_clear_pointer (&upload->path, g_free);
}

static void
upload_free (Upload *upload)
{
  g_clear_handle_id (&upload->deadline, g_source_remove);
  upload_discard (upload);
  if (upload->small)
    {
      /* It held a token. */
      sodium_memzero (upload->small->str, upload->small->allocated_len);
      g_string_free (upload->small, TRUE);
    }
  g_free (upload);
}

/* Whether a worker is checking or storing an upload: the service stops
 * only when none is, so that no transaction is cut off. */
gboolean
sayso_collect_service_is_busy (SaysoCollectService *self)
{
  g_return_val_if_fail (SAYSO_IS_COLLECT_SERVICE (self), FALSE);
  return self->busy > 0;
}

void
sayso_collect_token_hash (const char *token,
                          guint8      hash[SAYSO_COLLECT_HASH_SIZE])
{
  g_return_if_fail (token != NULL && hash != NULL);
  /* Tokens are 32 random bytes: a fast hash is enough, nothing to guess. */
  crypto_generichash (hash, SAYSO_COLLECT_HASH_SIZE, (const guint8 *) token, strlen (token), NULL, 0);
}

static char *
error_json (const char *reason)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "error");
  json_builder_add_string_value (builder, reason);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

static Outcome *
refuse (guint       status,
        const char *format,
        ...) G_GNUC_PRINTF (2, 3);

static Outcome *
refuse (guint       status,
        const char *format,
        ...)
{
  Outcome *outcome = g_new0 (Outcome, 1);
  g_autofree char *reason = NULL;
  va_list args;

  va_start (args, format);
  reason = g_strdup_vprintf (format, args);
  va_end (args);
  outcome->status = status;
  outcome->body = error_json (reason);
  outcome->message = g_steal_pointer (&reason);
  return outcome;
}

static void
respond_json (SoupServerMessage *msg,
              guint              status,
              const char        *body)
{
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, body, strlen (body));
}

static void
respond_error (SoupServerMessage *msg,
               guint              status,
               const char        *reason)
{
  g_autofree char *body = error_json (reason);
  respond_json (msg, status, body);
}

static char *
kiosk_short (const guint8 kiosk_pk[SAYSO_SIGN_PUBLIC_KEY_SIZE])
{
  /* As bundle file names name a kiosk. */
  return sayso_hex (kiosk_pk, 4);
}

static char *
size_text (guint64 bytes)
{
  return g_format_size_full (bytes, G_FORMAT_SIZE_IEC_UNITS);
}

/* A bundle that does not verify, in words for the person who sent it. None
 * of it comes from the bundle's records. */
static Outcome *
refuse_bundle (const GError *error)
{
  if (error->domain != SAYSO_BUNDLE_ERROR)
    return refuse (SOUP_STATUS_INTERNAL_SERVER_ERROR,
                   "The service could not read the upload back from its disk; nothing was kept. Try again later.");

  switch ((SaysoBundleError) error->code)
    {
    case SAYSO_BUNDLE_ERROR_NOT_A_BUNDLE:
      return refuse (SOUP_STATUS_BAD_REQUEST,
                     "This is not a Sayso bundle. Send the .sayso file that the kiosk's export wrote; nothing was kept.");
    case SAYSO_BUNDLE_ERROR_TRUNCATED:
      return refuse (SOUP_STATUS_BAD_REQUEST,
                     "The bundle is cut short: its end is missing, so the copy or the upload is incomplete. "
                     "Copy it from the stick again, or export it again, and send it again; nothing was kept.");
    case SAYSO_BUNDLE_ERROR_BAD_SIGNATURE:
    case SAYSO_BUNDLE_ERROR_WRONG_KIOSK:
      return refuse (SOUP_STATUS_UNPROCESSABLE_ENTITY,
                     "The bundle's signature does not match: it was changed after the kiosk signed it, or was not "
                     "made by the kiosk it names. Export it again on the kiosk and send the new file; nothing was kept.");
    case SAYSO_BUNDLE_ERROR_RECORD_ALTERED:
      return refuse (SOUP_STATUS_UNPROCESSABLE_ENTITY,
                     "A record in the bundle does not match the hash its signed list gives: the file was damaged or "
                     "changed after the kiosk wrote it. Export it again on the kiosk and send the new file; nothing was kept.");
    case SAYSO_BUNDLE_ERROR_MALFORMED:
      return refuse (SOUP_STATUS_UNPROCESSABLE_ENTITY,
                     "The bundle is signed, but its list of records does not fit the file: it is damaged. "
                     "Export it again on the kiosk and send the new file; nothing was kept.");
    case SAYSO_BUNDLE_ERROR_REPLAYED:
    case SAYSO_BUNDLE_ERROR_IO:
    default:
      return refuse (SOUP_STATUS_INTERNAL_SERVER_ERROR,
                     "The service could not read the upload back from its disk; nothing was kept. Try again later.");
    }
}

static Outcome *
received (SaysoCollectService     *self,
          SaysoCollectBundleState  state,
          const SaysoReceipt      *receipt)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = sayso_receipt_to_text (receipt);
  g_autofree char *signature = sayso_receipt_sign (text, self->service_sk);
  g_autofree char *kiosk = kiosk_short (receipt->kiosk_pk);
  g_autofree char *message = NULL;
  Outcome *outcome = g_new0 (Outcome, 1);

  message = g_strdup_printf ("%s: %s, kiosk %s, bundle %" G_GINT64_FORMAT ", %" G_GINT64_FORMAT " response%s",
                             state == SAYSO_COLLECT_BUNDLE_NEW ? "received" : "already received",
                             receipt->site, kiosk, receipt->sequence, receipt->record_count,
                             receipt->record_count == 1 ? "" : "s");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "status");
  json_builder_add_string_value (builder, state == SAYSO_COLLECT_BUNDLE_NEW ? "received" : "already received");
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, message);
  json_builder_set_member_name (builder, "receipt");
  json_builder_add_string_value (builder, text);
  json_builder_set_member_name (builder, "signature");
  json_builder_add_string_value (builder, signature);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);

  outcome->status = state == SAYSO_COLLECT_BUNDLE_NEW ? SOUP_STATUS_CREATED : SOUP_STATUS_OK;
  outcome->body = json_to_string (root, FALSE);
  outcome->message = g_steal_pointer (&message);
  return outcome;
}

/* In a worker thread: everything that reads the upload and the database. */
static Outcome *
check_and_store (SaysoCollectService *self,
                 const char          *path,
                 int                  fd,
                 guint64              size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SaysoBundle) bundle = NULL;
  g_autofree char *site = NULL;
  g_autofree char *kiosk = NULL;
  g_autoptr(GDateTime) now = NULL;
  g_autofree char *today = NULL;
  g_auto(SaysoReceipt) receipt = { 0 };
  guint8 kiosk_pk[SAYSO_SIGN_PUBLIC_KEY_SIZE];
  SaysoCollectBundleState state;
  SaysoCollectBundleInfo info = { 0 };

  if (size == 0)
    return refuse (SOUP_STATUS_BAD_REQUEST, "The upload was empty: choose a .sayso file and send it again.");

  /* Who made it, before anything it says past its header is read. */
  if (!sayso_bundle_read_kiosk (path, kiosk_pk, &error))
    return refuse_bundle (error);
  if (!sayso_collect_db_find_kiosk (self->db, kiosk_pk, &site, &error))
    {
      g_warning ("%s", error->message);
      return refuse (SOUP_STATUS_SERVICE_UNAVAILABLE, "The service's database could not be read; nothing was kept. Try again later.");
    }
  kiosk = kiosk_short (kiosk_pk);
  if (site == NULL)
    return refuse (SOUP_STATUS_FORBIDDEN,
                   "This bundle comes from kiosk %s, which is not enrolled with this service. Ask the inspection "
                   "team to enrol the kiosk (sayso-collect enroll, with the key the kiosk's set-up printed), "
                   "then send the bundle again; nothing was kept.", kiosk);

  bundle = sayso_bundle_open (path, kiosk_pk, &error);
  if (bundle == NULL)
    return refuse_bundle (error);

  memcpy (receipt.service_pk, self->service_pk, sizeof receipt.service_pk);
  memcpy (receipt.kiosk_pk, kiosk_pk, sizeof receipt.kiosk_pk);
  receipt.site = g_strdup (site);
  receipt.sequence = bundle->sequence;
  receipt.record_count = bundle->entries->len;
  if (!sayso_receipt_hash_file (path, receipt.bundle_hash, &error))
    return refuse (SOUP_STATUS_INTERNAL_SERVER_ERROR,
                   "The service could not read the upload back from its disk; nothing was kept. Try again later.");

  now = g_date_time_new_now_local ();
  today = g_date_time_format (now, "%Y-%m-%d");
  info.kiosk_pk = kiosk_pk;
  info.sequence = bundle->sequence;
  info.hash = receipt.bundle_hash;
  info.record_count = bundle->entries->len;
  info.day = bundle->day;
  info.received = today;
  if (!sayso_collect_db_store_bundle (self->db, &info, fd, (gint64) size, &state, &error))
    {
      g_warning ("%s", error->message);
      if (g_error_matches (error, SAYSO_DB_ERROR, SAYSO_DB_ERROR_FULL))
        return refuse (SOUP_STATUS_INSUFFICIENT_STORAGE,
                       "The service's disk is full; nothing was kept. Keep the bundle and send it again later.");
      return refuse (SOUP_STATUS_SERVICE_UNAVAILABLE,
                     "The service could not store the bundle; nothing was kept. Keep it and send it again later.");
    }

  if (state == SAYSO_COLLECT_BUNDLE_CONFLICT)
    return refuse (SOUP_STATUS_CONFLICT,
                   "Kiosk %s (%s) already sent a different bundle numbered %" G_GINT64_FORMAT ". This one was kept "
                   "aside for the inspection team to look at: the kiosk may have been restored from a backup. "
                   "Tell the inspection team; there is no need to send it again.",
                   kiosk, site, bundle->sequence);
  return received (self, state, &receipt);
}


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
static char *
form_page (GPtrArray *lines)
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

  if (ok)
    return g_markup_printf_escaped ("<li class=\"received\"><strong>%s</strong>: %s</li>", filename, outcome->message);
  return g_markup_printf_escaped ("<li class=\"refused\"><strong>%s</strong>: not received. %s</li>", filename,
                                  outcome->message);
}

/* In a worker thread: a form from the upload page, each file in it taken
 * out to a file of its own and checked as a POST /bundles would be. */
static Outcome *
check_form (Upload *upload)
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
      one = check_and_store (self, template, fd, end - data_start);
      close (fd);
      g_unlink (template);
      g_ptr_array_add (lines, result_line (filename, one));
      if (one->status != SOUP_STATUS_CREATED && one->status != SOUP_STATUS_OK && status == SOUP_STATUS_OK)
        status = one->status;
      outcome_free (one);
    }

  if (files == 0 && lines->len == 0)
    {
      status = SOUP_STATUS_BAD_REQUEST;
      g_ptr_array_add (lines, g_strdup ("<li class=\"refused\">No file was chosen. Choose the .sayso files from the "
                                        "USB stick, then select “Send the files”.</li>"));
    }

out:
  outcome->status = status;
  outcome->body = form_page (lines);
  return outcome;
}

static void
check_thread (GTask        *task,
              gpointer      source,
              gpointer      task_data,
              GCancellable *cancellable)
{
  Upload *upload = task_data;

  g_task_return_pointer (task,
                         upload->form ? check_form (upload)
                                      : check_and_store (upload->service, upload->path, upload->fd, upload->received),
                         (GDestroyNotify) outcome_free);
}

static void
check_done (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(SoupServerMessage) msg = user_data;
  Outcome *outcome = g_task_propagate_pointer (G_TASK (result), NULL);
  Upload *upload = g_object_get_data (G_OBJECT (msg), UPLOAD_KEY);

  upload_discard (upload);

  if (upload->form)
    {
      soup_server_message_set_status (msg, outcome->status, NULL);
      soup_server_message_set_response (msg, "text/html; charset=utf-8", SOUP_MEMORY_COPY,
                                        outcome->body, strlen (outcome->body));
    }
  else
    respond_json (msg, outcome->status, outcome->body);
  outcome_free (outcome);
  soup_server_message_unpause (msg);
  SAYSO_COLLECT_SERVICE (source)->busy--;
}

/* What an upload that could not be written to the service's disk is told. */
static Outcome *
refuse_upload (SaysoCollectService *self,
               Upload              *upload)
{
  if (upload->too_large)
    {
      g_autofree char *limit = size_text (self->max_size);
      return refuse (SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE,
                     "The upload is larger than this service accepts (%s). Send fewer files at a time, export "
                     "from the kiosk more often, or ask the inspection team to raise the limit; nothing was kept.",
                     limit);
    }
  if (upload->write_errno == ENOSPC)
    return refuse (SOUP_STATUS_INSUFFICIENT_STORAGE,
                   "The service's disk is full; nothing was kept. Keep the bundle and send it again later.");
  if (upload->write_errno != 0)
    return refuse (SOUP_STATUS_SERVICE_UNAVAILABLE,
                   "The service could not write the upload to its disk; nothing was kept. Try again later.");
  return NULL;
}

static void
respond_refused (SoupServerMessage *msg,
                 Upload            *upload,
                 Outcome           *refused)
{
  upload_discard (upload);
  if (upload->form)
    {
      g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
      g_autofree char *page = NULL;

      g_ptr_array_add (lines, g_markup_printf_escaped ("<li class=\"refused\">Nothing was received: %s</li>", refused->message));
      page = form_page (lines);
      soup_server_message_set_status (msg, refused->status, NULL);
      soup_server_message_set_response (msg, "text/html; charset=utf-8", SOUP_MEMORY_COPY, page, strlen (page));
    }
  else
    respond_json (msg, refused->status, refused->body);
  outcome_free (refused);
}

/* Early, when the headers are in: refuse what is too large before its body
 * is written anywhere, and make a file for what is not. */
static void
start_upload (SaysoCollectService *self,
              SoupServerMessage   *msg,
              Upload              *upload,
              gboolean             form)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  g_autofree char *template = NULL;

  upload->form = form;
  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH &&
      (guint64) soup_message_headers_get_content_length (headers) > self->max_size)
    {
      /* Answered now: a client that asked "Expect: 100-continue" sends no body. */
      upload->too_large = TRUE;
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Connection", "close");
      respond_refused (msg, upload, refuse_upload (self, upload));
      return;
    }

  template = g_build_filename (self->incoming, "upload-XXXXXX", NULL);
  upload->fd = g_mkstemp_full (template, O_RDWR | O_CLOEXEC, 0600);
  if (upload->fd < 0)
    {
      g_warning ("%s: cannot make a file for an upload: %s", self->incoming, g_strerror (errno));
      upload->write_errno = errno;
      return;
    }
  upload->path = g_steal_pointer (&template);
}

static void
early_handler (SoupServer        *server,
               SoupServerMessage *msg,
               const char        *path,
               GHashTable        *query,
               gpointer           user_data)
{
  SaysoCollectService *self = user_data;
  Upload *upload = g_object_get_data (G_OBJECT (msg), UPLOAD_KEY);

  if (upload == NULL || strcmp (soup_server_message_get_method (msg), "POST") != 0)
    return;
  if (strcmp (path, "/bundles") == 0)
    start_upload (self, msg, upload, FALSE);
  else if (strcmp (path, "/") == 0)
    start_upload (self, msg, upload, TRUE);
  else if (strcmp (path, "/inspection") == 0)
    upload->small = g_string_new (NULL);
}

/* The analysts' and the inspection team's token: Authorization: Bearer. */
static const char *
bearer_token (SoupServerMessage *msg)
{
  const char *authorization = soup_message_headers_get_one (soup_server_message_get_request_headers (msg), "Authorization");

  if (authorization == NULL || g_ascii_strncasecmp (authorization, "Bearer ", 7) != 0)
    return NULL;
  return authorization + 7;
}

typedef enum
{
  TOKEN_VALID,
  TOKEN_MISSING,
  TOKEN_INVALID,
  TOKEN_UNREADABLE,   /* the database failed */
} TokenCheck;

static TokenCheck
check_token (SaysoCollectService *self,
             const char          *token)
{
  g_autoptr(GError) error = NULL;
  guint8 hash[SAYSO_COLLECT_HASH_SIZE];
  gboolean valid = FALSE;

  if (token == NULL || *token == '\0')
    return TOKEN_MISSING;
  sayso_collect_token_hash (token, hash);
  if (!sayso_collect_db_check_token (self->db, hash, &valid, &error))
    {
      g_warning ("%s", error->message);
      return TOKEN_UNREADABLE;
    }
  return valid ? TOKEN_VALID : TOKEN_INVALID;
}

static const char token_missing_text[] =
  "This needs an access token (Authorization: Bearer TOKEN); ask the service's administrator for one "
  "(sayso-collect token).";
static const char token_invalid_text[] =
  "This access token is not valid here: it was revoked, or never made by this service. Ask the "
  "service's administrator for a new one (sayso-collect token).";
static const char database_unreadable_text[] = "The service's database could not be read. Try again later.";

/* For the JSON answers: whether the request may go on; if not, answered. */
static gboolean
authorize_json (SaysoCollectService *self,
                SoupServerMessage   *msg)
{
  switch (check_token (self, bearer_token (msg)))
    {
    case TOKEN_VALID:
      return TRUE;
    case TOKEN_MISSING:
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "WWW-Authenticate", "Bearer");
      respond_error (msg, SOUP_STATUS_UNAUTHORIZED, token_missing_text);
      return FALSE;
    case TOKEN_INVALID:
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "WWW-Authenticate", "Bearer");
      respond_error (msg, SOUP_STATUS_UNAUTHORIZED, token_invalid_text);
      return FALSE;
    case TOKEN_UNREADABLE:
    default:
      respond_error (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, database_unreadable_text);
      return FALSE;
    }
}

/* The pull's listing: a page at a time. */
#define MAX_LISTED 1000
/* Read from the database and written to the client a piece at a time. */
#define SEND_BLOCK (64 * 1024)

static void
list_bundles (SaysoCollectService *self,
              SoupServerMessage   *msg,
              GHashTable          *query)
{
  const char *after_text = query ? g_hash_table_lookup (query, "after") : NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *body = NULL;
  guint64 after = 0;

  if (after_text != NULL && !g_ascii_string_to_unsigned (after_text, 10, 0, G_MAXINT64, &after, NULL))
    {
      respond_error (msg, SOUP_STATUS_BAD_REQUEST,
                     "after= must be the id of a bundle listed before (a whole number), or 0 for the first.");
      return;
    }
  /* One more than a page, to know whether another follows. */
  if (!(rows = sayso_collect_db_list_after (self->db, (gint64) after, MAX_LISTED + 1, &error)))
    {
      g_warning ("%s", error->message);
      respond_error (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, database_unreadable_text);
      return;
    }

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "bundles");
  json_builder_begin_array (builder);
  for (guint i = 0; i < rows->len && i < MAX_LISTED; i++)
    {
      SaysoCollectBundleRow *row = g_ptr_array_index (rows, i);
      g_autofree char *key = g_base64_encode (row->kiosk_pk, sizeof row->kiosk_pk);
      g_autofree char *hash = sayso_hex (row->hash, sizeof row->hash);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "id");
      json_builder_add_int_value (builder, row->id);
      json_builder_set_member_name (builder, "kiosk");
      json_builder_add_string_value (builder, key);
      json_builder_set_member_name (builder, "site");
      json_builder_add_string_value (builder, row->site);
      json_builder_set_member_name (builder, "sequence");
      json_builder_add_int_value (builder, row->sequence);
      json_builder_set_member_name (builder, "day");
      json_builder_add_string_value (builder, row->day);
      json_builder_set_member_name (builder, "records");
      json_builder_add_int_value (builder, row->record_count);
      json_builder_set_member_name (builder, "hash");
      json_builder_add_string_value (builder, hash);
      json_builder_set_member_name (builder, "size");
      json_builder_add_int_value (builder, row->size);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "more");
  json_builder_add_boolean_value (builder, rows->len > MAX_LISTED);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  body = json_to_string (root, FALSE);
  respond_json (msg, SOUP_STATUS_OK, body);
}

/* A bundle on its way out: the next piece is read once the last is written. */
typedef struct
{
  SaysoCollectService *service;   /* borrowed: outlives every request */
  gint64               id;
  gint64               size;
  gint64               sent;
} Sending;

static gboolean
send_next (SoupServerMessage *msg,
           Sending           *sending)
{
  SoupMessageBody *body = soup_server_message_get_response_body (msg);
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *buffer = NULL;
  gssize n;

  if (sending->sent >= sending->size)
    {
      soup_message_body_complete (body);
      return TRUE;
    }
  buffer = g_malloc (SEND_BLOCK);
  n = sayso_collect_db_read_bundle (sending->service->db, sending->id, sending->sent, buffer, SEND_BLOCK, &error);
  if (n <= 0)
    {
      if (error)
        g_warning ("%s", error->message);
      return FALSE;
    }
  sending->sent += n;
  soup_message_body_append (body, SOUP_MEMORY_TAKE, g_steal_pointer (&buffer), (gsize) n);
  return TRUE;
}

static void
wrote_chunk (SoupServerMessage *msg,
             gpointer           user_data)
{
  Sending *sending = user_data;

  /* The length is already promised: a bundle that cannot be read to its
   * end loses the connection, and the client sees it cut short. */
  if (!send_next (msg, sending))
    {
      GSocket *socket = soup_server_message_get_socket (msg);
      if (socket != NULL)
        g_socket_shutdown (socket, TRUE, TRUE, NULL);
    }
}

static void
send_bundle (SaysoCollectService *self,
             SoupServerMessage   *msg,
             const char          *id_text)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  g_autoptr(GError) error = NULL;
  SaysoCollectBundleRow *row = NULL;
  Sending *sending;
  guint64 id = 0;

  if (!g_ascii_string_to_unsigned (id_text, 10, 1, G_MAXINT64, &id, NULL))
    {
      respond_error (msg, SOUP_STATUS_NOT_FOUND, "There is no bundle with this id: ids are whole numbers from 1, as /bundles lists them.");
      return;
    }
  if (!sayso_collect_db_find_bundle (self->db, (gint64) id, &row, &error))
    {
      g_warning ("%s", error->message);
      respond_error (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, database_unreadable_text);
      return;
    }
  if (row == NULL)
    {
      respond_error (msg, SOUP_STATUS_NOT_FOUND, "There is no bundle with this id here: list them with GET /bundles.");
      return;
    }

  sending = g_new0 (Sending, 1);
  sending->service = self;
  sending->id = row->id;
  sending->size = row->size;
  {
    g_autofree char *hash = sayso_hex (row->hash, sizeof row->hash);
    soup_message_headers_replace (headers, "X-Sayso-Bundle-Hash", hash);
  }
  sayso_collect_bundle_row_free (row);

  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_message_headers_set_content_type (headers, "application/octet-stream", NULL);
  soup_message_headers_set_content_length (headers, sending->size);
  /* Never the whole bundle in memory: a piece, then the next once it is written. */
  soup_message_body_set_accumulate (soup_server_message_get_response_body (msg), FALSE);
  g_object_set_data_full (G_OBJECT (msg), "sayso-sending", sending, g_free);
  g_signal_connect (msg, "wrote-chunk", G_CALLBACK (wrote_chunk), sending);
  if (!send_next (msg, sending))
    {
      /* Nothing of it is written yet: the status can still say so. */
      g_signal_handlers_disconnect_by_data (msg, sending);
      soup_message_body_set_accumulate (soup_server_message_get_response_body (msg), TRUE);
      soup_message_headers_remove (headers, "X-Sayso-Bundle-Hash");
      soup_message_headers_remove (headers, "Content-Length");
      respond_error (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, database_unreadable_text);
    }
}

static void
bundles_handler (SoupServer        *server,
                 SoupServerMessage *msg,
                 const char        *path,
                 GHashTable        *query,
                 gpointer           user_data)
{
  SaysoCollectService *self = user_data;
  Upload *upload = g_object_get_data (G_OBJECT (msg), UPLOAD_KEY);
  const char *method = soup_server_message_get_method (msg);
  g_autoptr(GTask) task = NULL;
  Outcome *refused;

  if (strcmp (method, "GET") == 0 && (strcmp (path, "/bundles") == 0 || g_str_has_prefix (path, "/bundles/")))
    {
      /* The analysts' pull. */
      if (!authorize_json (self, msg))
        return;
      if (strcmp (path, "/bundles") == 0)
        list_bundles (self, msg, query);
      else
        send_bundle (self, msg, path + strlen ("/bundles/"));
      return;
    }
  if (strcmp (path, "/bundles") != 0)
    {
      respond_error (msg, SOUP_STATUS_NOT_FOUND, "There is nothing at this address.");
      return;
    }
  if (strcmp (method, "POST") != 0)
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Allow", "GET, POST");
      respond_error (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "Send a bundle here with POST, or list them with GET and a token.");
      return;
    }
  if ((refused = refuse_upload (self, upload)))
    {
      respond_refused (msg, upload, refused);
      return;
    }

  /* The message waits while a worker checks and stores the bundle. */
  soup_server_message_pause (msg);
  self->busy++;
  task = g_task_new (self, NULL, check_done, g_object_ref (msg));
  g_task_set_task_data (task, upload, NULL);
  g_task_run_in_thread (task, check_thread);
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
static void
page_handler (SoupServer        *server,
              SoupServerMessage *msg,
              const char        *path,
              GHashTable        *query,
              gpointer           user_data)
{
  SaysoCollectService *self = user_data;
  Upload *upload = g_object_get_data (G_OBJECT (msg), UPLOAD_KEY);
  const char *method = soup_server_message_get_method (msg);
  g_autoptr(GTask) task = NULL;
  Outcome *refused;

  if (strcmp (path, "/") != 0)
    {
      respond_error (msg, SOUP_STATUS_NOT_FOUND, "There is nothing at this address. Bundles go to /bundles.");
      return;
    }
  if (strcmp (method, "GET") == 0 || strcmp (method, "HEAD") == 0)
    {
      g_autofree char *page = form_page (NULL);
      respond_html (msg, SOUP_STATUS_OK, page);
      return;
    }
  if (strcmp (method, "POST") != 0)
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Allow", "GET, POST");
      respond_error (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "Open this page with GET, or send it the form.");
      return;
    }
  if ((refused = refuse_upload (self, upload)))
    {
      respond_refused (msg, upload, refused);
      return;
    }

  soup_server_message_pause (msg);
  self->busy++;
  task = g_task_new (self, NULL, check_done, g_object_ref (msg));
  g_task_set_task_data (task, upload, NULL);
  g_task_run_in_thread (task, check_thread);
}

/* Whole days from @day (YYYY-MM-DD) to @today; -1 if it is not a day. */
static gint64
days_since (const char  *day,
            const GDate *today)
{
  GDate then;

  if (day == NULL)
    return -1;
  g_date_clear (&then, 1);
  g_date_set_parse (&then, day);
  if (!g_date_valid (&then) || strlen (day) != 10)
    return -1;
  return (gint64) g_date_get_julian (today) - (gint64) g_date_get_julian (&then);
}

static void
today_date (GDate *today)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  g_date_clear (today, 1);
  g_date_set_dmy (today, (GDateDay) g_date_time_get_day_of_month (now), (GDateMonth) g_date_time_get_month (now),
                  (GDateYear) g_date_time_get_year (now));
}

/* Days since the kiosk's last bundle came, or since it was enrolled if none
 * has: a kiosk that never sent one falls silent too. */
static gint64
days_silent (const SaysoCollectKioskRow *row,
             const GDate                *today)
{
  return MAX (days_since (row->last_received ? row->last_received : row->enrolled, today), 0);
}

static void
status_handler (SoupServer        *server,
                SoupServerMessage *msg,
                const char        *path,
                GHashTable        *query,
                gpointer           user_data)
{
  SaysoCollectService *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) kiosks = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *body = NULL;
  GDate today;

  if (strcmp (soup_server_message_get_method (msg), "GET") != 0)
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Allow", "GET");
      respond_error (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "Ask for the status with GET.");
      return;
    }
  if (!authorize_json (self, msg))
    return;

  if (!(kiosks = sayso_collect_db_list_kiosks (self->db, &error)))
    {
      g_warning ("%s", error->message);
      respond_error (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, database_unreadable_text);
      return;
    }

  today_date (&today);
  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "silent_after_days");
  json_builder_add_int_value (builder, self->silent_days);
  json_builder_set_member_name (builder, "kiosks");
  json_builder_begin_array (builder);
  for (guint i = 0; i < kiosks->len; i++)
    {
      SaysoCollectKioskRow *row = g_ptr_array_index (kiosks, i);
      g_autofree char *key = g_base64_encode (row->kiosk_pk, sizeof row->kiosk_pk);
      gint64 silent = days_silent (row, &today);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "site");
      json_builder_add_string_value (builder, row->site);
      json_builder_set_member_name (builder, "kiosk");
      json_builder_add_string_value (builder, key);
      json_builder_set_member_name (builder, "bundles");
      json_builder_add_int_value (builder, row->bundles);
      json_builder_set_member_name (builder, "responses");
      json_builder_add_int_value (builder, row->responses);
      json_builder_set_member_name (builder, "last_received");
      if (row->last_received)
        json_builder_add_string_value (builder, row->last_received);
      else
        json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "conflicts");
      json_builder_add_int_value (builder, row->conflicts);
      json_builder_set_member_name (builder, "missing");
      json_builder_begin_array (builder);
      for (guint k = 0; k < row->missing->len; k++)
        json_builder_add_int_value (builder, g_array_index (row->missing, gint64, k));
      json_builder_end_array (builder);
      json_builder_set_member_name (builder, "days_silent");
      json_builder_add_int_value (builder, silent);
      json_builder_set_member_name (builder, "silent");
      json_builder_add_boolean_value (builder, silent > (gint64) self->silent_days);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  body = json_to_string (root, FALSE);
  respond_json (msg, SOUP_STATUS_OK, body);
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

  today_date (&today);
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
          g_autofree char *kiosk = kiosk_short (row->kiosk_pk);
          g_autofree char *cells = NULL;
          gint64 silent = days_silent (row, &today);
          guint notes = 0;

          cells = g_markup_printf_escaped ("<tr><td>%s</td><td>%s</td><td class=\"number\">%" G_GINT64_FORMAT "</td>"
                                           "<td class=\"number\">%" G_GINT64_FORMAT "</td><td>%s</td><td>",
                                           row->site, kiosk, row->bundles, row->responses,
                                           row->last_received ? row->last_received : "nothing yet");
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
static void
inspection_handler (SoupServer        *server,
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
      respond_error (msg, SOUP_STATUS_NOT_FOUND, "There is nothing at this address.");
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
      token = bearer_token (msg);
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
      respond_error (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "Open this page with GET, or send it the form.");
      return;
    }

  switch (check_token (self, token))
    {
    case TOKEN_VALID:
      break;
    case TOKEN_MISSING:
    case TOKEN_INVALID:
      respond_private_html (msg, SOUP_STATUS_UNAUTHORIZED, inspection_form_page (token_invalid_text));
      return;
    case TOKEN_UNREADABLE:
    default:
      respond_private_html (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, inspection_form_page (database_unreadable_text));
      return;
    }
  if (!(kiosks = sayso_collect_db_list_kiosks (self->db, &error)))
    {
      g_warning ("%s", error->message);
      respond_private_html (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, inspection_form_page (database_unreadable_text));
      return;
    }
  respond_private_html (msg, SOUP_STATUS_OK, inspection_page (self, kiosks));
}

static void
got_chunk (SoupServerMessage *msg,
           GBytes            *chunk,
           gpointer           user_data)
{
  Upload *upload = user_data;
  SaysoCollectService *self = upload->service;
  gsize len = 0;
  const guint8 *data = g_bytes_get_data (chunk, &len);

  /* A form of a few fields, in memory: anything longer is refused. */
  if (upload->small != NULL)
    {
      if (upload->too_large || upload->small->len + len > MAX_SMALL_BODY)
        upload->too_large = TRUE;
      else
        g_string_append_len (upload->small, (const char *) data, (gssize) len);
      return;
    }

  /* A body nobody asked for, or one already refused: dropped as it comes. */
  if (upload->fd < 0 || upload->too_large || upload->write_errno != 0)
    return;

  if (upload->received + len > self->max_size)
    {
      /* Sent without a length, or with a false one: the file goes now. */
      upload->too_large = TRUE;
      upload_discard (upload);
      return;
    }

  while (len > 0)
    {
      gssize n = write (upload->fd, data, len);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          upload->write_errno = errno;
          return;
        }
      data += n;
      len -= n;
      upload->received += n;
    }
}

static void
got_body (SoupServerMessage *msg,
          gpointer           user_data)
{
  Upload *upload = user_data;

  upload->complete = TRUE;
  g_clear_handle_id (&upload->deadline, g_source_remove);
}

/* A request that has not arrived whole by its deadline (a client that
 * sends a byte a second) loses its connection: it holds no thread, but it
 * would hold a connection and a file. */
static gboolean
deadline_passed (gpointer user_data)
{
  Upload *upload = user_data;
  GSocket *socket = soup_server_message_get_socket (upload->msg);

  upload->deadline = 0;
  if (!upload->complete && socket != NULL)
    g_socket_shutdown (socket, TRUE, TRUE, NULL);
  return G_SOURCE_REMOVE;
}

static void
request_started (SoupServer        *server,
                 SoupServerMessage *msg,
                 gpointer           user_data)
{
  SaysoCollectService *self = user_data;
  Upload *upload = g_new0 (Upload, 1);
  GSocket *socket = soup_server_message_get_socket (msg);

  upload->service = self;
  upload->msg = msg;
  upload->fd = -1;
  g_object_set_data_full (G_OBJECT (msg), UPLOAD_KEY, upload, (GDestroyNotify) upload_free);

  /* No request body is ever kept in memory. */
  soup_message_body_set_accumulate (soup_server_message_get_request_body (msg), FALSE);
  g_signal_connect (msg, "got-chunk", G_CALLBACK (got_chunk), upload);
  g_signal_connect (msg, "got-body", G_CALLBACK (got_body), upload);

  /* A connection silent this long, within or between requests, is closed. */
  if (socket != NULL)
    g_socket_set_timeout (socket, self->timeout);
  upload->deadline = g_timeout_add_seconds (self->timeout, deadline_passed, upload);
}

static void
sayso_collect_service_finalize (GObject *object)
{
  SaysoCollectService *self = SAYSO_COLLECT_SERVICE (object);

  if (self->server)
    soup_server_disconnect (self->server);
  g_clear_object (&self->server);
  g_clear_pointer (&self->db, sayso_collect_db_close);
  g_free (self->incoming);
  sodium_free (self->service_sk);

  G_OBJECT_CLASS (sayso_collect_service_parent_class)->finalize (object);
}

static void
sayso_collect_service_class_init (SaysoCollectServiceClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sayso_collect_service_finalize;
}

static void
sayso_collect_service_init (SaysoCollectService *self)
{
}

/* Uploads a killed service left half-written are nobody's: it starts clean. */
static gboolean
clear_incoming (const char  *dir,
                GError     **error)
{
  g_autoptr(GDir) listing = NULL;
  const char *name;

  if (g_mkdir (dir, 0700) != 0 && errno != EEXIST)
    {
      int saved = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   "%s: cannot make the folder for uploads: %s", dir, g_strerror (saved));
      return FALSE;
    }
  if (!(listing = g_dir_open (dir, 0, error)))
    return FALSE;
  while ((name = g_dir_read_name (listing)))
    if (g_str_has_prefix (name, "upload-"))
      {
        g_autofree char *path = g_build_filename (dir, name, NULL);
        g_unlink (path);
      }
  return TRUE;
}

/**
 * sayso_collect_service_new:
 * @db: (transfer full): the service's database
 */
SaysoCollectService *
sayso_collect_service_new (SaysoCollectDb  *db,
                           guint64          max_size,
                           guint            timeout_seconds,
                           GError         **error)
{
  g_autoptr(SaysoCollectService) self = NULL;

  g_return_val_if_fail (db != NULL, NULL);
  g_return_val_if_fail (max_size > 0 && timeout_seconds > 0, NULL);

  self = g_object_new (SAYSO_TYPE_COLLECT_SERVICE, NULL);
  self->db = db;
  self->max_size = max_size;
  self->timeout = timeout_seconds;
  self->silent_days = SAYSO_COLLECT_DEFAULT_SILENT_DAYS;
  self->service_sk = sodium_malloc (SAYSO_SIGN_SECRET_KEY_SIZE);
  if (self->service_sk == NULL)
    g_error ("out of memory");
  if (!sayso_collect_db_service_key (db, self->service_pk, self->service_sk, error))
    return NULL;

  self->incoming = g_strconcat (sayso_collect_db_get_path (db), ".incoming", NULL);
  if (!clear_incoming (self->incoming, error))
    return NULL;

  self->server = soup_server_new ("server-header", "sayso-collect", NULL);
  g_signal_connect (self->server, "request-started", G_CALLBACK (request_started), self);
  soup_server_add_early_handler (self->server, "/bundles", early_handler, self, NULL);
  soup_server_add_handler (self->server, "/bundles", bundles_handler, self, NULL);
  soup_server_add_handler (self->server, "/status", status_handler, self, NULL);
  soup_server_add_early_handler (self->server, "/inspection", early_handler, self, NULL);
  soup_server_add_handler (self->server, "/inspection", inspection_handler, self, NULL);
  soup_server_add_early_handler (self->server, "/", early_handler, self, NULL);
  soup_server_add_handler (self->server, "/", page_handler, self, NULL);
  return g_steal_pointer (&self);
}

void
sayso_collect_service_set_silent_days (SaysoCollectService *self,
                                       guint                days)
{
  g_return_if_fail (SAYSO_IS_COLLECT_SERVICE (self));
  self->silent_days = days;
}

gboolean
sayso_collect_service_listen (SaysoCollectService  *self,
                              const char           *listen,
                              char                **bound,
                              GError              **error)
{
  g_autoptr(GSocketConnectable) parsed = NULL;
  g_autoptr(GInetAddress) address = NULL;
  g_autoptr(GSocketAddress) socket_address = NULL;
  g_autoptr(GSocket) socket = NULL;
  GSList *uris;
  const char *host;

  g_return_val_if_fail (SAYSO_IS_COLLECT_SERVICE (self), FALSE);
  g_return_val_if_fail (listen != NULL, FALSE);

  parsed = g_network_address_parse (listen, 0, NULL);
  if (parsed == NULL || strrchr (listen, ':') == NULL ||
      (address = g_inet_address_new_from_string (host = g_network_address_get_hostname (G_NETWORK_ADDRESS (parsed)))) == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "--listen %s: give an IP address and a port, e.g. 127.0.0.1:8080 or [::1]:8080 (port 0: any free one)",
                   listen);
      return FALSE;
    }
  socket_address = g_inet_socket_address_new (address, g_network_address_get_port (G_NETWORK_ADDRESS (parsed)));
  socket = g_socket_new (g_socket_address_get_family (socket_address), G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, error);
  if (socket == NULL)
    return FALSE;
  /* GLib's backlog of 10 resets the eleventh of a burst of connections:
   * every kiosk of a region uploading after the day's export. */
  g_socket_set_listen_backlog (socket, LISTEN_BACKLOG);
  if (!g_socket_bind (socket, socket_address, TRUE, error) || !g_socket_listen (socket, error) ||
      !soup_server_listen_socket (self->server, socket, self->tls ? SOUP_SERVER_LISTEN_HTTPS : 0, error))
    {
      g_prefix_error (error, "--listen %s: ", listen);
      return FALSE;
    }

  uris = soup_server_get_uris (self->server);
  if (bound && uris)
    *bound = g_uri_to_string (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  return TRUE;
}

/* GIO takes a certificate with any key; a client would only find out at
 * its first connection. GnuTLS, which glib-networking serves TLS with,
 * compares the key with the certificate's public key when it is given the
 * pair, and says so now. */
static gboolean
key_fits_certificate (GTlsCertificate  *certificate,
                      GError          **error)
{
  g_autofree char *cert_pem = NULL;
  g_autofree char *key_pem = NULL;
  gnutls_certificate_credentials_t credentials = NULL;
  gnutls_datum_t cert_datum, key_datum;
  int rc;

  g_object_get (certificate, "certificate-pem", &cert_pem, "private-key-pem", &key_pem, NULL);
  if (cert_pem == NULL || key_pem == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "the key could not be read back as PEM");
      return FALSE;
    }
  cert_datum.data = (unsigned char *) cert_pem;
  cert_datum.size = (unsigned int) strlen (cert_pem);
  key_datum.data = (unsigned char *) key_pem;
  key_datum.size = (unsigned int) strlen (key_pem);
  rc = gnutls_certificate_allocate_credentials (&credentials);
  if (rc == GNUTLS_E_SUCCESS)
    rc = gnutls_certificate_set_x509_key_mem (credentials, &cert_datum, &key_datum, GNUTLS_X509_FMT_PEM);
  if (credentials)
    gnutls_certificate_free_credentials (credentials);
  sodium_memzero (key_pem, strlen (key_pem));
  if (rc < 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "%s",
                   rc == GNUTLS_E_CERTIFICATE_KEY_MISMATCH ? "they do not match" : gnutls_strerror (rc));
      return FALSE;
    }
  return TRUE;
}

/* Before listen(): HTTPS with this certificate and key (PEM files). */
gboolean
sayso_collect_service_set_tls (SaysoCollectService  *self,
                               const char           *cert_file,
                               const char           *key_file,
                               GError              **error)
{
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (SAYSO_IS_COLLECT_SERVICE (self), FALSE);
  g_return_val_if_fail (cert_file != NULL && key_file != NULL, FALSE);

  if (!g_tls_backend_supports_tls (g_tls_backend_get_default ()))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   "--tls-cert: this system has no TLS for GLib (install glib-networking), or run the service "
                   "behind a TLS proxy instead");
      return FALSE;
    }
  if (!g_file_test (cert_file, G_FILE_TEST_EXISTS) || !g_file_test (key_file, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "%s %s: no such file",
                   g_file_test (cert_file, G_FILE_TEST_EXISTS) ? "--tls-key" : "--tls-cert",
                   g_file_test (cert_file, G_FILE_TEST_EXISTS) ? key_file : cert_file);
      return FALSE;
    }
  certificate = g_tls_certificate_new_from_files (cert_file, key_file, &local_error);
  if (certificate == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "--tls-cert %s --tls-key %s: cannot be read as a PEM certificate and its private key: %s",
                   cert_file, key_file, local_error->message);
      return FALSE;
    }
  if (!key_fits_certificate (certificate, &local_error))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "--tls-key %s is not the private key of the certificate --tls-cert %s: %s. Give the key that "
                   "was made with the certificate",
                   key_file, cert_file, local_error->message);
      return FALSE;
    }
  soup_server_set_tls_certificate (self->server, certificate);
  self->tls = TRUE;
  return TRUE;
}
