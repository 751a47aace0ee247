/* sayso-collect-receive.c: POST /bundles, a bundle coming in.
 *
 * Every request body is streamed: nothing accumulates in memory. An upload
 * is written to a file in the service's own folder as it comes, and only
 * once it is whole is it checked, in a worker thread (the main loop goes on
 * serving others): the kiosk must be enrolled before a byte after the
 * header is read, then the signature, then every record's hash, then the
 * sequence number against what the kiosk sent before. Only then is it
 * stored, in one synced commit, and the answer sent with a signed receipt.
 *
 * Apart from the rest of the service because this is what an untrusted
 * sender reaches, and the only part that writes to the disk: its limits
 * and refusals read best together.
 */
#define G_LOG_DOMAIN "sayso-collect"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <sodium.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sayso-bundle.h"
#include "sayso-collect-service-private.h"
#include "sayso-receipt.h"

void
_sayso_collect_service_outcome_free (Outcome *outcome)
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

void
_sayso_collect_service_upload_free (Upload *upload)
{
  g_clear_handle_id (&upload->deadline, g_source_remove);
  upload_discard (upload);
  g_clear_pointer (&upload->hash, g_aligned_free);
  if (upload->small)
    {
      /* It held a token. */
      sodium_memzero (upload->small->str, upload->small->allocated_len);
      g_string_free (upload->small, TRUE);
    }
  g_free (upload);
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
  outcome->body = _sayso_collect_service_error_json (reason);
  outcome->message = g_steal_pointer (&reason);
  return outcome;
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
                     "This is not a survey file from a kiosk: choose the file ending in .sayso that the kiosk "
                     "saved to the USB stick. Nothing was kept.");
    case SAYSO_BUNDLE_ERROR_TRUNCATED:
      return refuse (SOUP_STATUS_BAD_REQUEST,
                     "This file is incomplete: its end is missing, so it was not copied or sent whole. Copy it "
                     "from the USB stick again, or export it again from the kiosk, then send it. Nothing was kept.");
    /* Each a file that changed after the kiosk made it: to the person at
     * the PC one thing, with one thing to do; which check caught it is in
     * brackets, for IT. */
    case SAYSO_BUNDLE_ERROR_BAD_SIGNATURE:
    case SAYSO_BUNDLE_ERROR_WRONG_KIOSK:
      return refuse (SOUP_STATUS_UNPROCESSABLE_ENTITY,
                     "This file was changed or damaged after it was made (the kiosk's signature does not match): "
                     "export it again from the kiosk and send the new file. Nothing was kept.");
    case SAYSO_BUNDLE_ERROR_RECORD_ALTERED:
      return refuse (SOUP_STATUS_UNPROCESSABLE_ENTITY,
                     "This file was changed or damaged after it was made (a response in it does not match what "
                     "the kiosk signed): export it again from the kiosk and send the new file. Nothing was kept.");
    case SAYSO_BUNDLE_ERROR_MALFORMED:
      return refuse (SOUP_STATUS_UNPROCESSABLE_ENTITY,
                     "This file was changed or damaged after it was made (its list of responses does not fit the "
                     "file): export it again from the kiosk and send the new file. Nothing was kept.");
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
          const SaysoReceipt      *receipt,
          gint64                   number)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = sayso_receipt_to_text (receipt);
  g_autofree char *signature = sayso_receipt_sign (text, self->service_sk);
  g_autofree char *kiosk = _sayso_collect_service_kiosk_name (receipt->site, number);
  g_autofree char *what = NULL;
  g_autofree char *first = NULL;
  g_autofree char *when = NULL;
  g_autofree char *message = NULL;
  Outcome *outcome = g_new0 (Outcome, 1);

  what = g_strdup_printf ("%s, bundle %" G_GINT64_FORMAT ", %" G_GINT64_FORMAT " response%s", kiosk,
                          receipt->sequence, receipt->record_count, receipt->record_count == 1 ? "" : "s");
  if (state == SAYSO_COLLECT_BUNDLE_NEW)
    message = g_strdup_printf ("received: %s", what);
  else
    {
      /* The day it first came tells the sender it is safe to stop. */
      if (!sayso_collect_db_find_received (self->db, receipt->kiosk_pk, receipt->sequence, &first, &error))
        g_warning ("%s", error->message);
      when = _sayso_collect_service_day_in_words (first);
      message = when ? g_strdup_printf ("already received on %s: nothing more to do (%s)", when, what)
                     : g_strdup_printf ("already received: nothing more to do (%s)", what);
    }
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

/* A kiosk the service does not know: named by the site its own signed
 * list gives (only the list and its signature are read, a bounded amount:
 * nothing is checked of its records), so that the person at the PC can say
 * which kiosk to enrol; and by its key's fingerprint, which the enrolment
 * printed, for IT. */
/* A stranger's list is read only if it is as small as an honest one (a
 * day's list is a few KiB): anyone may send one, and a list of tens of MiB
 * would take the service's memory and time to parse. */
#define UNENROLLED_MAX_MANIFEST (64 * 1024)

static Outcome *
refuse_unenrolled (const char   *path,
                   const guint8  kiosk_pk[SAYSO_SIGN_PUBLIC_KEY_SIZE])
{
  g_autoptr(SaysoBundle) bundle = sayso_bundle_open_signed_within (path, kiosk_pk, UNENROLLED_MAX_MANIFEST, NULL);
  g_autofree char *fingerprint = _sayso_collect_service_kiosk_fingerprint (kiosk_pk);

  if (bundle != NULL && bundle->site != NULL && g_utf8_validate (bundle->site, -1, NULL) &&
      g_utf8_strlen (bundle->site, -1) <= 100)
    return refuse (SOUP_STATUS_FORBIDDEN,
                   "This kiosk is not enrolled: ask the inspection team to enrol %s's kiosk (its key is %s), "
                   "then send this file again. Nothing was kept.", bundle->site, fingerprint);
  return refuse (SOUP_STATUS_FORBIDDEN,
                 "This kiosk is not enrolled: ask the inspection team to enrol it (its key is %s), then send this "
                 "file again. Nothing was kept.", fingerprint);
}

/* In a worker thread: everything that reads the upload and the database. */
Outcome *
_sayso_collect_service_check_and_store (SaysoCollectService *self,
                                        const char          *path,
                                        int                  fd,
                                        guint64              size)
{
  return _sayso_collect_service_check_and_store_hashed (self, path, fd, size, NULL);
}

Outcome *
_sayso_collect_service_check_and_store_hashed (SaysoCollectService *self,
                                               const char          *path,
                                               int                  fd,
                                               guint64              size,
                                               const guint8        *hash)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SaysoBundle) bundle = NULL;
  g_autofree char *site = NULL;
  g_autofree char *kiosk = NULL;
  gint64 number = 0;
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
  if (!sayso_collect_db_find_kiosk (self->db, kiosk_pk, &site, &number, &error))
    {
      g_warning ("%s", error->message);
      return refuse (SOUP_STATUS_SERVICE_UNAVAILABLE, "The service's database could not be read; nothing was kept. Try again later.");
    }
  if (site == NULL)
    return refuse_unenrolled (path, kiosk_pk);
  kiosk = _sayso_collect_service_kiosk_name (site, number);

  bundle = sayso_bundle_open (path, kiosk_pk, &error);
  if (bundle == NULL)
    return refuse_bundle (error);

  memcpy (receipt.service_pk, self->service_pk, sizeof receipt.service_pk);
  memcpy (receipt.kiosk_pk, kiosk_pk, sizeof receipt.kiosk_pk);
  receipt.site = g_strdup (site);
  receipt.sequence = bundle->sequence;
  receipt.record_count = bundle->entries->len;
  if (hash != NULL)
    memcpy (receipt.bundle_hash, hash, sizeof receipt.bundle_hash);
  else if (!sayso_receipt_hash_file (path, receipt.bundle_hash, &error))
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
                   "%s already sent a different bundle %" G_GINT64_FORMAT ". This one was kept aside for the "
                   "inspection team to look at (the kiosk may have been put back from a backup): tell them. "
                   "There is no need to send it again.",
                   kiosk, bundle->sequence);
  return received (self, state, &receipt, number);
}

static void
check_thread (GTask        *task,
              gpointer      source,
              gpointer      task_data,
              GCancellable *cancellable)
{
  Upload *upload = task_data;
  guint8 hash[SAYSO_RECEIPT_HASH_SIZE];

  if (upload->form)
    {
      g_task_return_pointer (task, _sayso_collect_service_check_form (upload),
                             (GDestroyNotify) _sayso_collect_service_outcome_free);
      return;
    }
  crypto_generichash_final (upload->hash, hash, sizeof hash);
  g_task_return_pointer (task,
                         _sayso_collect_service_check_and_store_hashed (upload->service, upload->path, upload->fd,
                                                                        upload->received, hash),
                         (GDestroyNotify) _sayso_collect_service_outcome_free);
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
    _sayso_collect_service_respond_json (msg, outcome->status, outcome->body);
  _sayso_collect_service_outcome_free (outcome);
  soup_server_message_unpause (msg);
  SAYSO_COLLECT_SERVICE (source)->busy--;
}

/* An upload received whole, by POST /bundles or the form: refused at once
 * if it could not be written, else checked and stored by a worker while
 * the message waits. */
void
_sayso_collect_service_check_upload (SaysoCollectService *self,
                                     SoupServerMessage   *msg,
                                     Upload              *upload)
{
  g_autoptr(GTask) task = NULL;
  Outcome *refused;

  if ((refused = _sayso_collect_service_refuse_upload (self, upload)))
    {
      _sayso_collect_service_respond_refused (msg, upload, refused);
      return;
    }

  soup_server_message_pause (msg);
  self->busy++;
  task = g_task_new (self, NULL, check_done, g_object_ref (msg));
  g_task_set_task_data (task, upload, NULL);
  g_task_run_in_thread (task, check_thread);
}

/* What an upload that could not be written to the service's disk is told. */
Outcome *
_sayso_collect_service_refuse_upload (SaysoCollectService *self,
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

void
_sayso_collect_service_respond_refused (SoupServerMessage *msg,
                                        Upload            *upload,
                                        Outcome           *refused)
{
  upload_discard (upload);
  if (upload->form)
    {
      g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
      g_autofree char *page = NULL;

      g_ptr_array_add (lines, g_markup_printf_escaped ("<li class=\"refused\">Nothing was received: %s</li>", refused->message));
      page = _sayso_collect_service_form_page (lines);
      soup_server_message_set_status (msg, refused->status, NULL);
      soup_server_message_set_response (msg, "text/html; charset=utf-8", SOUP_MEMORY_COPY, page, strlen (page));
    }
  else
    _sayso_collect_service_respond_json (msg, refused->status, refused->body);
  _sayso_collect_service_outcome_free (refused);
}

/* Early, when the headers are in: refuse what is too large before its body
 * is written anywhere, and make a file for what is not. */
void
_sayso_collect_service_start_upload (SaysoCollectService *self,
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
      _sayso_collect_service_respond_refused (msg, upload, _sayso_collect_service_refuse_upload (self, upload));
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
  upload->hash = g_aligned_alloc0 (1, sizeof *upload->hash, 64);
  crypto_generichash_init (upload->hash, NULL, 0, SAYSO_RECEIPT_HASH_SIZE);
}

void
_sayso_collect_service_got_chunk (SoupServerMessage *msg,
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
      crypto_generichash_update (upload->hash, data, n);
      data += n;
      len -= n;
      upload->received += n;
    }
}

void
_sayso_collect_service_got_body (SoupServerMessage *msg,
                                 gpointer           user_data)
{
  Upload *upload = user_data;

  upload->complete = TRUE;
  g_clear_handle_id (&upload->deadline, g_source_remove);
}
