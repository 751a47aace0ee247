/* sayso-uploader.c: sending a bundle to the collection service.
 *
 * Only a receipt counts. The status line of an answer is unsigned: a
 * captive portal, a proxy or an impostor can say 201, so an answer without
 * a receipt that verifies under the key given beforehand, naming this
 * file's hash, kiosk, number and count, is never taken for delivery.
 * Nothing here is logged: the caller says what became of a bundle.
 *
 * libsoup is opened at the first bundle sent (sayso-lazy-lib.c), not as the
 * kiosk starts: most kiosks never send one. A machine where it cannot be
 * opened sends nothing and says why, as it would of a network down.
 */
#define G_LOG_DOMAIN "sayso-uploader"

#include <errno.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <sodium.h>
#include <string.h>
#include <sys/stat.h>

#include "sayso-bundle.h"
#include "sayso-json-limits.h"
#include "sayso-lazy-lib.h"
#include "sayso-uploader.h"

/* {"status": …, "receipt": "…", …} is one deep; written by the service. */
#define ANSWER_DEPTH 2
/* A name longer than this is shortened in messages: a person reads them. */
#define NAME_SHOWN 200
/* A reason from the far side is shown at most this long. */
#define REASON_SHOWN 1000

struct _SaysoUploader
{
  GObject                parent_instance;

  const SaysoSoup       *soup;        /* NULL until the first bundle is sent */
  SoupSession           *session;
  guint                  timeout;
  GUri                  *bundles_uri;
  guint8                 service_pk[SAYSO_SIGN_PUBLIC_KEY_SIZE];
  guint                  retries;
  SaysoUploaderWaitFunc  wait_func;
  gpointer               wait_data;
};

G_DEFINE_FINAL_TYPE (SaysoUploader, sayso_uploader, G_TYPE_OBJECT)

G_DEFINE_QUARK (sayso-upload-error-quark, sayso_upload_error)

/* One bundle on its way. */
typedef struct
{
  char          *path;
  char          *name;        /* the path as messages show it */
  goffset        size;
  guint8         hash[SAYSO_RECEIPT_HASH_SIZE];
  gboolean       known;       /* the bundle's own kiosk, number and count were read */
  guint8         kiosk_pk[SAYSO_SIGN_PUBLIC_KEY_SIZE];
  gint64         sequence;
  gint64         record_count;

  guint          retry;       /* retries made */
  SoupMessage   *msg;
  GInputStream  *answer;
  guint8        *buffer;
  GSource       *wait;
  SaysoReceipt   receipt;
  SaysoUploadStatus status;
} Send;

static void
send_free (Send *s)
{
  g_free (s->path);
  g_free (s->name);
  g_clear_object (&s->msg);
  g_clear_object (&s->answer);
  g_free (s->buffer);
  if (s->wait)
    {
      g_source_destroy (s->wait);
      g_source_unref (s->wait);
    }
  sayso_receipt_clear (&s->receipt);
  g_free (s);
}

static void
sayso_uploader_finalize (GObject *object)
{
  SaysoUploader *self = SAYSO_UPLOADER (object);

  g_clear_object (&self->session);
  g_clear_pointer (&self->bundles_uri, g_uri_unref);
  sodium_memzero (self->service_pk, sizeof self->service_pk);

  G_OBJECT_CLASS (sayso_uploader_parent_class)->finalize (object);
}

static void
sayso_uploader_class_init (SaysoUploaderClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sayso_uploader_finalize;
}

static void
sayso_uploader_init (SaysoUploader *self)
{
  self->retries = SAYSO_UPLOAD_DEFAULT_RETRIES;
  self->timeout = SAYSO_UPLOAD_DEFAULT_TIMEOUT;
}

SaysoUploader *
sayso_uploader_new (const char    *url,
                    const guint8   service_pk[SAYSO_SIGN_PUBLIC_KEY_SIZE],
                    GError       **error)
{
  g_autoptr(SaysoUploader) self = NULL;
  g_autoptr(GUri) base = NULL;
  const char *scheme;

  g_return_val_if_fail (url != NULL && service_pk != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  base = g_uri_parse (url, SOUP_HTTP_URI_FLAGS, NULL);
  scheme = base ? g_uri_get_scheme (base) : NULL;
  if (base == NULL || g_uri_get_host (base) == NULL || *g_uri_get_host (base) == '\0' ||
      (g_ascii_strcasecmp (scheme, "http") != 0 && g_ascii_strcasecmp (scheme, "https") != 0))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "“%s” is not the address of a collection service: give one such as https://collect.example.org/",
                   url);
      return NULL;
    }

  self = g_object_new (SAYSO_TYPE_UPLOADER, NULL);
  /* Bundles go under the address given, whether or not it ends in "/". */
  {
    const char *path = g_uri_get_path (base);
    g_autofree char *bundles = g_str_has_suffix (path, "/") ? g_strconcat (path, "bundles", NULL)
                                                            : g_strconcat (path, "/bundles", NULL);
    self->bundles_uri = g_uri_build (SOUP_HTTP_URI_FLAGS, g_uri_get_scheme (base), g_uri_get_userinfo (base),
                                     g_uri_get_host (base), g_uri_get_port (base), bundles, NULL, NULL);
  }
  memcpy (self->service_pk, service_pk, sizeof self->service_pk);
  return g_steal_pointer (&self);
}

/* libsoup and the session, at the first bundle sent. */
static gboolean
ensure_session (SaysoUploader  *self,
                GError        **error)
{
  if (self->session != NULL)
    return TRUE;
  if (!(self->soup = sayso_lazy_soup (error)))
    return FALSE;
  self->session = g_object_new (self->soup->session_get_type (),
                                "timeout", self->timeout,
                                "user-agent", "sayso/" PACKAGE_VERSION " ",
                                NULL);
  return TRUE;
}

void
sayso_uploader_set_retries (SaysoUploader *self,
                            guint          retries)
{
  g_return_if_fail (SAYSO_IS_UPLOADER (self));
  self->retries = retries;
}

void
sayso_uploader_set_timeout (SaysoUploader *self,
                            guint          seconds)
{
  g_return_if_fail (SAYSO_IS_UPLOADER (self));
  self->timeout = seconds;
  if (self->session != NULL)
    self->soup->session_set_timeout (self->session, seconds);
}

void
sayso_uploader_set_wait_func (SaysoUploader         *self,
                              SaysoUploaderWaitFunc  func,
                              gpointer               user_data)
{
  g_return_if_fail (SAYSO_IS_UPLOADER (self));
  self->wait_func = func;
  self->wait_data = user_data;
}

gboolean
sayso_upload_status_is_delivered (SaysoUploadStatus status)
{
  return status == SAYSO_UPLOAD_RECEIVED || status == SAYSO_UPLOAD_ALREADY_RECEIVED;
}

/* A 100,000-byte path in a message helps nobody: its start and its end. */
static char *
shown_name (const char *path)
{
  g_autofree char *display = g_filename_display_name (path);
  glong len = g_utf8_strlen (display, -1);

  if (len <= NAME_SHOWN)
    return g_steal_pointer (&display);
  {
    g_autofree char *head = g_utf8_substring (display, 0, NAME_SHOWN / 2);
    g_autofree char *tail = g_utf8_substring (display, len - NAME_SHOWN / 2, len);
    return g_strdup_printf ("%s…%s (a name of %" G_GSIZE_FORMAT " bytes)", head, tail, strlen (path));
  }
}

/* What the far side said, fit for a terminal: valid UTF-8, no control
 * characters (an impostor's reason could carry escape sequences), bounded. */
static char *
clean_text (const char *text)
{
  g_autofree char *valid = g_utf8_make_valid (text, -1);
  GString *out = g_string_new (NULL);
  const char *p = valid;

  for (glong n = 0; *p && n < REASON_SHOWN; p = g_utf8_next_char (p), n++)
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_iscntrl (c) || c == 0x2028 || c == 0x2029)
        g_string_append_c (out, ' ');
      else
        g_string_append_unichar (out, c);
    }
  if (*p != '\0')
    g_string_append (out, "…");
  return g_string_free (out, FALSE);
}

/* In a worker: what the file is, before a byte goes out. */
static void
prepare_in_thread (GTask        *task,
                   gpointer      source,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  Send *s = task_data;
  g_autoptr(SaysoBundle) bundle = NULL;
  g_autoptr(GError) error = NULL;
  GStatBuf st;

  if (g_stat (s->path, &st) != 0)
    {
      int saved = errno;
      g_task_return_new_error (task, SAYSO_UPLOAD_ERROR, SAYSO_UPLOAD_ERROR_BAD_FILE, "%s: cannot read it: %s",
                               s->name, g_strerror (saved));
      return;
    }
  if (S_ISDIR (st.st_mode))
    {
      g_task_return_new_error (task, SAYSO_UPLOAD_ERROR, SAYSO_UPLOAD_ERROR_BAD_FILE,
                               "%s: is a folder; give the bundle files in it (their names end in .sayso)", s->name);
      return;
    }
  if (!S_ISREG (st.st_mode))
    {
      g_task_return_new_error (task, SAYSO_UPLOAD_ERROR, SAYSO_UPLOAD_ERROR_BAD_FILE,
                               "%s: is not a file; give a bundle file (its name ends in .sayso)", s->name);
      return;
    }
  s->size = st.st_size;

  if (!sayso_receipt_hash_file (s->path, s->hash, &error))
    {
      g_task_return_new_error (task, SAYSO_UPLOAD_ERROR, SAYSO_UPLOAD_ERROR_BAD_FILE, "%s", error->message);
      return;
    }

  /* What the bundle says of itself, for the receipt to match. One that
   * does not read here is sent all the same: the service says why it is
   * refused, in words, and no receipt can match it. */
  bundle = sayso_bundle_open_signed (s->path, NULL, NULL);
  if (bundle != NULL)
    {
      s->known = TRUE;
      memcpy (s->kiosk_pk, bundle->kiosk_pk, sizeof s->kiosk_pk);
      s->sequence = bundle->sequence;
      s->record_count = bundle->entries->len;
    }
  g_task_return_boolean (task, TRUE);
}

static void attempt (GTask *task);

static void
finish (GTask             *task,
        SaysoUploadStatus  status,
        GError            *error)
{
  Send *s = g_task_get_task_data (task);

  s->status = status;
  if (error)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

static gboolean
wait_done (gpointer user_data)
{
  GTask *task = user_data;
  Send *s = g_task_get_task_data (task);

  g_clear_pointer (&s->wait, g_source_unref);
  if (g_task_return_error_if_cancelled (task))
    {
      g_object_unref (task);
      return G_SOURCE_REMOVE;
    }
  attempt (task);
  return G_SOURCE_REMOVE;
}

/* Tried again, after a wait, while retries are left; else the end. */
static void
try_again_or_finish (GTask  *task,
                     GError *error)
{
  SaysoUploader *self = g_task_get_source_object (task);
  Send *s = g_task_get_task_data (task);
  guint64 planned, wait;

  g_clear_object (&s->msg);
  g_clear_object (&s->answer);
  g_clear_pointer (&s->buffer, g_free);

  if (s->retry >= self->retries)
    {
      if (s->retry > 0)
        {
          GError *last = g_error_new (SAYSO_UPLOAD_ERROR, SAYSO_UPLOAD_ERROR_TRY_AGAIN, "%s (tried %u times)",
                                      error->message, s->retry + 1);
          g_error_free (error);
          error = last;
        }
      finish (task, SAYSO_UPLOAD_TRY_AGAIN, error);
      return;
    }

  s->retry++;
  planned = MIN ((guint64) SAYSO_UPLOAD_FIRST_DELAY_USEC << MIN (s->retry - 1, 20), SAYSO_UPLOAD_MAX_DELAY_USEC);
  planned += (guint64) (g_random_double () * (planned / 2));
  wait = self->wait_func ? self->wait_func (s->retry, planned, error, self->wait_data) : planned;
  g_error_free (error);

  s->wait = g_timeout_source_new ((guint) MIN (wait / 1000, G_MAXUINT));
  g_source_set_callback (s->wait, wait_done, task, NULL);
  g_source_attach (s->wait, g_task_get_context (task));
}

static GError *
not_the_service (Send       *s,
                 const char *why)
{
  return g_error_new (SAYSO_UPLOAD_ERROR, SAYSO_UPLOAD_ERROR_NOT_THE_SERVICE,
                      "%s: the answer did not come from the collection service (%s): a captive portal, a proxy or "
                      "an impostor answered, or the service key given is not this service's; not counted as sent",
                      s->name, why);
}

/* The service's reason for a refusal, or the status line's. */
static char *
reason_of (guint        status,
           const char  *phrase,
           JsonObject  *answer)
{
  JsonNode *node = answer ? json_object_get_member (answer, "error") : NULL;
  g_autofree char *clean_phrase = NULL;

  if (node && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    return clean_text (json_node_get_string (node));
  clean_phrase = clean_text (phrase ? phrase : "");
  return g_strdup_printf ("the service answered %u %s", status, clean_phrase);
}

static const char *
string_member (JsonObject *object,
               const char *name)
{
  JsonNode *node = object ? json_object_get_member (object, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

/* A 200 or 201: delivered only on a receipt that holds all three rules. */
static void
check_receipt (GTask      *task,
               guint       status,
               JsonObject *answer)
{
  SaysoUploader *self = g_task_get_source_object (task);
  Send *s = g_task_get_task_data (task);
  const char *text = string_member (answer, "receipt");
  const char *signature = string_member (answer, "signature");
  g_autoptr(GError) error = NULL;
  g_auto(SaysoReceipt) receipt = { 0 };

  if (text == NULL || signature == NULL)
    {
      finish (task, SAYSO_UPLOAD_NOT_THE_SERVICE, not_the_service (s, "it holds no receipt"));
      return;
    }
  if (!sayso_receipt_verify (text, strlen (text), signature, self->service_pk, &receipt, &error))
    {
      const char *why = g_error_matches (error, SAYSO_RECEIPT_ERROR, SAYSO_RECEIPT_ERROR_BAD_SIGNATURE)
                          ? "its receipt is not signed with the service key given"
                          : g_error_matches (error, SAYSO_RECEIPT_ERROR, SAYSO_RECEIPT_ERROR_WRONG_SERVICE)
                              ? "its receipt names another collection service"
                              : error->message;
      finish (task, SAYSO_UPLOAD_NOT_THE_SERVICE, not_the_service (s, why));
      return;
    }
  if (sodium_memcmp (receipt.bundle_hash, s->hash, sizeof s->hash) != 0)
    {
      finish (task, SAYSO_UPLOAD_NOT_THE_SERVICE, not_the_service (s, "its receipt is for another file"));
      return;
    }
  if (!s->known || sodium_memcmp (receipt.kiosk_pk, s->kiosk_pk, sizeof s->kiosk_pk) != 0 ||
      receipt.sequence != s->sequence || receipt.record_count != s->record_count)
    {
      finish (task, SAYSO_UPLOAD_NOT_THE_SERVICE,
              not_the_service (s, "its receipt does not name this bundle's kiosk, number and count"));
      return;
    }

  s->receipt = receipt;
  memset (&receipt, 0, sizeof receipt);
  finish (task, status == SOUP_STATUS_CREATED ? SAYSO_UPLOAD_RECEIVED : SAYSO_UPLOAD_ALREADY_RECEIVED, NULL);
}

static JsonObject *
parse_answer (const guint8 *data,
              gsize         len)
{
  const SaysoJsonLimits limits = { "an answer", SAYSO_UPLOAD_MAX_ANSWER_BYTES, ANSWER_DEPTH };
  g_autoptr(JsonParser) parser = NULL;

  if (len == 0 || !sayso_json_check_limits ((const char *) data, len, &limits, "the answer", 0, NULL))
    return NULL;
  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, (const char *) data, len, NULL) || json_parser_get_root (parser) == NULL ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return NULL;
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static void
answer_read (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  GTask *task = user_data;
  SaysoUploader *self = g_task_get_source_object (task);
  Send *s = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) answer = NULL;
  g_autofree char *reason = NULL;
  gsize len = 0;
  guint status;

  if (!g_input_stream_read_all_finish (G_INPUT_STREAM (source), result, &len, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          finish (task, SAYSO_UPLOAD_TRY_AGAIN, g_steal_pointer (&error));
          return;
        }
      try_again_or_finish (task, g_error_new (SAYSO_UPLOAD_ERROR, SAYSO_UPLOAD_ERROR_TRY_AGAIN,
                                              "%s: the connection to the service broke during its answer: %s",
                                              s->name, error->message));
      return;
    }
  g_input_stream_close (s->answer, NULL, NULL);

  status = self->soup->message_get_status (s->msg);
  if (len <= SAYSO_UPLOAD_MAX_ANSWER_BYTES)
    answer = parse_answer (s->buffer, len);

  if (status == SOUP_STATUS_CREATED || status == SOUP_STATUS_OK)
    {
      if (answer == NULL)
        finish (task, SAYSO_UPLOAD_NOT_THE_SERVICE, not_the_service (s, "it is not the service's JSON"));
      else
        check_receipt (task, status, answer);
      return;
    }

  reason = reason_of (status, self->soup->message_get_reason_phrase (s->msg), answer);
  /* The service's own trouble, or a busy proxy: it may pass. */
  if (SOUP_STATUS_IS_SERVER_ERROR (status) || status == SOUP_STATUS_REQUEST_TIMEOUT || status == 429)
    {
      try_again_or_finish (task, g_error_new (SAYSO_UPLOAD_ERROR, SAYSO_UPLOAD_ERROR_TRY_AGAIN,
                                              "%s: the service could not take it now: %s", s->name, reason));
      return;
    }
  /* A refusal for good only in the service's own words (its JSON error): a
   * Wi-Fi sign-in page's 403 or a proxy's 407 is not the service, and taking
   * it for a refusal would stop a kiosk sending until staff stepped in. */
  if (SOUP_STATUS_IS_CLIENT_ERROR (status) &&
      (answer == NULL || !json_object_has_member (answer, "error")))
    {
      g_autofree char *why = g_strdup_printf ("it answered %u, with no word from the service", status);
      finish (task, SAYSO_UPLOAD_NOT_THE_SERVICE, not_the_service (s, why));
      return;
    }
  if (SOUP_STATUS_IS_CLIENT_ERROR (status))
    {
      finish (task, SAYSO_UPLOAD_REFUSED,
              g_error_new (SAYSO_UPLOAD_ERROR, SAYSO_UPLOAD_ERROR_REFUSED, "%s: refused: %s", s->name, reason));
      return;
    }
  /* A redirect (a captive portal's login page), or any other status. */
  {
    g_autofree char *why = g_strdup_printf ("it answered %u, with no receipt", status);
    finish (task, SAYSO_UPLOAD_NOT_THE_SERVICE, not_the_service (s, why));
  }
}

static void
sent (GObject      *source,
      GAsyncResult *result,
      gpointer      user_data)
{
  GTask *task = user_data;
  SaysoUploader *self = g_task_get_source_object (task);
  Send *s = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *where = NULL;

  s->answer = self->soup->session_send_finish (self->session, result, &error);
  if (s->answer == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          finish (task, SAYSO_UPLOAD_TRY_AGAIN, g_steal_pointer (&error));
          return;
        }
      where = g_uri_to_string_partial (self->soup->message_get_uri (s->msg), G_URI_HIDE_PASSWORD);
      try_again_or_finish (task, g_error_new (SAYSO_UPLOAD_ERROR, SAYSO_UPLOAD_ERROR_TRY_AGAIN,
                                              "%s: could not reach the service at %s: %s",
                                              s->name, where, error->message));
      return;
    }

  /* One byte past the limit tells an answer too long from one that fits. */
  s->buffer = g_malloc (SAYSO_UPLOAD_MAX_ANSWER_BYTES + 1);
  g_input_stream_read_all_async (s->answer, s->buffer, SAYSO_UPLOAD_MAX_ANSWER_BYTES + 1, G_PRIORITY_DEFAULT,
                                 g_task_get_cancellable (task), answer_read, task);
}

static void
attempt (GTask *task)
{
  SaysoUploader *self = g_task_get_source_object (task);
  Send *s = g_task_get_task_data (task);
  g_autoptr(GFile) file = g_file_new_for_path (s->path);
  g_autoptr(GFileInputStream) body = NULL;
  g_autoptr(GError) error = NULL;

  /* Opened again for each try: the body is streamed from the disk. */
  body = g_file_read (file, NULL, &error);
  if (body == NULL)
    {
      finish (task, SAYSO_UPLOAD_BAD_FILE,
              g_error_new (SAYSO_UPLOAD_ERROR, SAYSO_UPLOAD_ERROR_BAD_FILE, "%s: cannot read it: %s",
                           s->name, error->message));
      return;
    }

  /* "POST" itself: SOUP_METHOD_POST is a variable of libsoup's, which the
   * kiosk does not link. */
  s->msg = self->soup->message_new_from_uri ("POST", self->bundles_uri);
  /* A captive portal redirects to its page: that is an answer to judge,
   * not a place to send the bundle. */
  self->soup->message_add_flags (s->msg, SOUP_MESSAGE_NO_REDIRECT);
  /* A service that will refuse the bundle (too large) says so before the
   * body is sent, rather than after all of it. */
  self->soup->message_headers_set_expectations (self->soup->message_get_request_headers (s->msg),
                                                SOUP_EXPECTATION_CONTINUE);
  self->soup->message_set_request_body (s->msg, "application/octet-stream", G_INPUT_STREAM (body), s->size);
  self->soup->session_send_async (self->session, s->msg, G_PRIORITY_DEFAULT, g_task_get_cancellable (task),
                                  sent, task);
}

static void
prepared (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  GTask *task = user_data;
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      finish (task, g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ? SAYSO_UPLOAD_TRY_AGAIN
                                                                             : SAYSO_UPLOAD_BAD_FILE,
              error);
      return;
    }
  attempt (task);
}

void
sayso_uploader_send_async (SaysoUploader       *self,
                           const char          *path,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  GTask *task;
  g_autoptr(GTask) prepare = NULL;
  g_autoptr(GError) error = NULL;
  Send *s;

  g_return_if_fail (SAYSO_IS_UPLOADER (self));
  g_return_if_fail (path != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sayso_uploader_send_async);
  s = g_new0 (Send, 1);
  s->path = g_strdup (path);
  s->name = shown_name (path);
  s->status = SAYSO_UPLOAD_TRY_AGAIN;
  g_task_set_task_data (task, s, (GDestroyNotify) send_free);

  /* Kept in the outbox, to go once the machine can send: nothing is lost. */
  if (!ensure_session (self, &error))
    {
      finish (task, SAYSO_UPLOAD_TRY_AGAIN,
              g_error_new (SAYSO_UPLOAD_ERROR, SAYSO_UPLOAD_ERROR_CANNOT_SEND, "%s: not sent: %s",
                           s->name, error->message));
      return;
    }

  /* Hashing a large file would hold up the caller's main loop. */
  prepare = g_task_new (self, cancellable, prepared, task);
  g_task_set_task_data (prepare, s, NULL);
  g_task_run_in_thread (prepare, prepare_in_thread);
}

SaysoUploadStatus
sayso_uploader_send_finish (SaysoUploader  *self,
                            GAsyncResult   *result,
                            SaysoReceipt   *receipt,
                            GError        **error)
{
  Send *s;

  g_return_val_if_fail (SAYSO_IS_UPLOADER (self), SAYSO_UPLOAD_TRY_AGAIN);
  g_return_val_if_fail (g_task_is_valid (result, self), SAYSO_UPLOAD_TRY_AGAIN);

  s = g_task_get_task_data (G_TASK (result));
  if (!g_task_propagate_boolean (G_TASK (result), error))
    return s->status;
  if (receipt)
    {
      *receipt = s->receipt;
      memset (&s->receipt, 0, sizeof s->receipt);
    }
  return s->status;
}

typedef struct
{
  GAsyncResult *result;
} SyncSend;

static void
sync_done (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  SyncSend *sync = user_data;

  sync->result = g_object_ref (result);
}

SaysoUploadStatus
sayso_uploader_send (SaysoUploader  *self,
                     const char     *path,
                     SaysoReceipt   *receipt,
                     GError        **error)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  SyncSend sync = { NULL };
  SaysoUploadStatus status;

  g_return_val_if_fail (SAYSO_IS_UPLOADER (self), SAYSO_UPLOAD_TRY_AGAIN);
  g_return_val_if_fail (path != NULL, SAYSO_UPLOAD_TRY_AGAIN);

  /* The session is made in the caller's context, not in this passing one
   * (a session keeps the context it was made in); where libsoup cannot be
   * loaded, sayso_uploader_send_async() says so. */
  ensure_session (self, NULL);
  g_main_context_push_thread_default (context);
  sayso_uploader_send_async (self, path, NULL, sync_done, &sync);
  while (sync.result == NULL)
    g_main_context_iteration (context, TRUE);
  status = sayso_uploader_send_finish (self, sync.result, receipt, error);
  g_object_unref (sync.result);
  g_main_context_pop_thread_default (context);
  return status;
}
