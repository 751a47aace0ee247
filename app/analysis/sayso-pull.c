/* sayso-pull.c: fetching bundles from a collection service for import.
 *
 * A listing is small JSON, read whole under a size and depth limit; a
 * bundle is streamed to a file a block at a time, never held whole. A
 * bundle counts as fetched only when its size and its BLAKE2b-256 are the
 * ones the listing gave: a proxy that changed it, or a reply cut short,
 * leaves nothing behind. The bundle's own signature is checked again at
 * import, as from a stick.
 */
#define G_LOG_DOMAIN "sayso-pull"

#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <sodium.h>
#include <string.h>
#include <unistd.h>

#include "sayso-bundle.h"
#include "sayso-crypto.h"
#include "sayso-json-limits.h"
#include "sayso-pull.h"

/* 1000 entries of some 300 bytes each, with room. */
#define LISTING_MAX_BYTES (4 * 1024 * 1024)
#define LISTING_DEPTH     3
#define FETCH_BLOCK       (64 * 1024)

struct _SaysoPull
{
  SoupSession *session;
  char        *url;     /* without a trailing slash */
  char        *bearer;  /* "Bearer TOKEN" */
};

G_DEFINE_QUARK (sayso-pull-error-quark, sayso_pull_error)

void
sayso_pull_entry_free (SaysoPullEntry *entry)
{
  if (entry == NULL)
    return;
  g_free (entry->site);
  g_free (entry->day);
  g_free (entry);
}

void
sayso_pull_free (SaysoPull *pull)
{
  if (pull == NULL)
    return;
  g_clear_object (&pull->session);
  g_free (pull->url);
  if (pull->bearer)
    sodium_memzero (pull->bearer, strlen (pull->bearer));
  g_free (pull->bearer);
  g_free (pull);
}

const char *
sayso_pull_get_url (SaysoPull *pull)
{
  g_return_val_if_fail (pull != NULL, NULL);
  return pull->url;
}

SaysoPull *
sayso_pull_new (const char  *url,
                const char  *token,
                const char  *ca_file,
                GError     **error)
{
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GTlsDatabase) trust = NULL;
  g_autoptr(GError) local_error = NULL;
  SaysoPull *pull;
  const char *scheme;
  gsize len;

  g_return_val_if_fail (url != NULL && token != NULL, NULL);

  uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  scheme = uri ? g_uri_get_scheme (uri) : NULL;
  if (uri == NULL || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0' ||
      (g_ascii_strcasecmp (scheme, "http") != 0 && g_ascii_strcasecmp (scheme, "https") != 0) ||
      g_uri_get_query (uri) != NULL)
    {
      g_set_error (error, SAYSO_PULL_ERROR, SAYSO_PULL_ERROR_REFUSED,
                   "--from %s: give the collection service's address, e.g. https://collect.example.org/", url);
      return NULL;
    }
  if (*token == '\0' || strpbrk (token, " \t\r\n") != NULL)
    {
      g_set_error (error, SAYSO_PULL_ERROR, SAYSO_PULL_ERROR_REFUSED,
                   "--token: give the access token that “sayso-collect token” printed, on one line");
      return NULL;
    }

  if (ca_file != NULL && !(trust = g_tls_file_database_new (ca_file, &local_error)))
    {
      g_set_error (error, SAYSO_PULL_ERROR, SAYSO_PULL_ERROR_REFUSED,
                   "--ca-file %s: not a certificate file (PEM) that can be read: %s", ca_file, local_error->message);
      return NULL;
    }

  pull = g_new0 (SaysoPull, 1);
  pull->session = soup_session_new_with_options ("timeout", 300, "user-agent", "sayso-import", NULL);
  /* For this session only: nothing else on the computer comes to trust it. */
  if (trust != NULL)
    soup_session_set_tls_database (pull->session, trust);
  len = strlen (url);
  while (len > 0 && url[len - 1] == '/')
    len--;
  pull->url = g_strndup (url, len);
  pull->bearer = g_strconcat ("Bearer ", token, NULL);
  return pull;
}

static SoupMessage *
request (SaysoPull  *pull,
         const char *path)
{
  g_autofree char *url = g_strconcat (pull->url, path, NULL);
  SoupMessage *msg = soup_message_new ("GET", url);

  if (msg != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", pull->bearer);
  return msg;
}

/* The service's reason, from a refusal's {"error": "…"}; never long. */
static char *
reason_of (GBytes *body)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  static const SaysoJsonLimits limits = { "an answer from the service", 64 * 1024, 2 };
  gsize len = 0;
  const char *data = body ? g_bytes_get_data (body, &len) : NULL;
  JsonNode *root;

  if (data == NULL || !sayso_json_check_limits (data, len, &limits, "the answer", 1, NULL) ||
      !json_parser_load_from_data (parser, data, (gssize) len, NULL))
    return NULL;
  root = json_parser_get_root (parser);
  if (!JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  return g_strdup (json_object_get_string_member_with_default (json_node_get_object (root), "error", NULL));
}

static void
set_refused (GError      **error,
             SaysoPull    *pull,
             guint         status,
             GBytes       *body,
             const char   *what)
{
  g_autofree char *reason = reason_of (body);

  if (status == SOUP_STATUS_UNAUTHORIZED)
    g_set_error (error, SAYSO_PULL_ERROR, SAYSO_PULL_ERROR_REFUSED,
                 "%s refused the token (401): %s", pull->url,
                 reason ? reason : "ask the service's administrator for a new one (sayso-collect token)");
  else
    g_set_error (error, SAYSO_PULL_ERROR, status >= 500 ? SAYSO_PULL_ERROR_NETWORK : SAYSO_PULL_ERROR_REFUSED,
                 "%s: %s answered %u%s%s", what, pull->url, status, reason ? ": " : "", reason ? reason : "");
}

/* No answer. A certificate this computer does not trust is the usual
 * first meeting with a service that has its own (self-signed) one: the
 * message says which certificate, and how to trust it. */
static void
set_unreachable (GError       **error,
                 SaysoPull     *pull,
                 SoupMessage   *msg,
                 const GError  *cause)
{
  if (cause->domain == G_TLS_ERROR && cause->code == G_TLS_ERROR_BAD_CERTIFICATE)
    {
      GTlsCertificate *shown = soup_message_get_tls_peer_certificate (msg);
      g_autofree char *subject = shown ? g_tls_certificate_get_subject_name (shown) : NULL;

      g_set_error (error, SAYSO_PULL_ERROR, SAYSO_PULL_ERROR_REFUSED,
                   "%s: the service's certificate%s%s%s is not one this computer trusts (is it self-signed?); "
                   "nothing was fetched. Give the certificate with --ca-file CERT.pem (the file given to "
                   "“sayso-collect serve --tls-cert”), or ask IT to install it",
                   pull->url, subject ? " (" : "", subject ? subject : "", subject ? ")" : "");
      return;
    }
  g_set_error (error, SAYSO_PULL_ERROR, SAYSO_PULL_ERROR_NETWORK, "%s: cannot reach the collection service: %s",
               pull->url, cause->message);
}

static gboolean
hex_to_bytes (const char *hex,
              guint8     *out,
              gsize       len)
{
  gsize got = 0;

  return hex != NULL && strlen (hex) == 2 * len &&
         sodium_hex2bin (out, len, hex, 2 * len, NULL, &got, NULL) == 0 && got == len;
}

static SaysoPullEntry *
entry_from (JsonNode *node)
{
  g_autofree guint8 *key = NULL;
  SaysoPullEntry *entry;
  JsonObject *object;
  const char *kiosk, *hash, *site, *day;
  gsize key_len = 0;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  object = json_node_get_object (node);
  kiosk = json_object_get_string_member_with_default (object, "kiosk", NULL);
  hash = json_object_get_string_member_with_default (object, "hash", NULL);
  site = json_object_get_string_member_with_default (object, "site", NULL);
  day = json_object_get_string_member_with_default (object, "day", NULL);
  if (kiosk == NULL || site == NULL || day == NULL)
    return NULL;
  key = g_base64_decode (kiosk, &key_len);

  entry = g_new0 (SaysoPullEntry, 1);
  entry->id = json_object_get_int_member_with_default (object, "id", 0);
  entry->sequence = json_object_get_int_member_with_default (object, "sequence", 0);
  entry->size = json_object_get_int_member_with_default (object, "size", -1);
  entry->number = json_object_get_int_member_with_default (object, "number", 0);
  entry->site = g_strdup (site);
  entry->day = g_strdup (day);
  if (key_len != sizeof entry->kiosk_pk || !hex_to_bytes (hash, entry->hash, sizeof entry->hash) ||
      entry->id < 1 || entry->sequence < 1 || entry->size < 1 || entry->number < 0)
    {
      sayso_pull_entry_free (entry);
      return NULL;
    }
  memcpy (entry->kiosk_pk, key, sizeof entry->kiosk_pk);
  return entry;
}

/* A bundle kept aside: named, never served, so no id or size. */
static SaysoPullEntry *
conflict_from (JsonNode *node)
{
  g_autofree guint8 *key = NULL;
  SaysoPullEntry *entry;
  JsonObject *object;
  const char *kiosk, *hash, *site, *day;
  gsize key_len = 0;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  object = json_node_get_object (node);
  kiosk = json_object_get_string_member_with_default (object, "kiosk", NULL);
  hash = json_object_get_string_member_with_default (object, "hash", NULL);
  site = json_object_get_string_member_with_default (object, "site", NULL);
  day = json_object_get_string_member_with_default (object, "day", NULL);
  if (kiosk == NULL || site == NULL || day == NULL)
    return NULL;
  key = g_base64_decode (kiosk, &key_len);

  entry = g_new0 (SaysoPullEntry, 1);
  entry->sequence = json_object_get_int_member_with_default (object, "sequence", 0);
  entry->number = json_object_get_int_member_with_default (object, "number", 0);
  entry->site = g_strdup (site);
  entry->day = g_strdup (day);
  if (key_len != sizeof entry->kiosk_pk || !hex_to_bytes (hash, entry->hash, sizeof entry->hash) ||
      entry->sequence < 1 || entry->number < 0)
    {
      sayso_pull_entry_free (entry);
      return NULL;
    }
  memcpy (entry->kiosk_pk, key, sizeof entry->kiosk_pk);
  return entry;
}

GPtrArray *
sayso_pull_list (SaysoPull  *pull,
                 gint64      after,
                 gboolean   *more,
                 GPtrArray **conflicts,
                 GError    **error)
{
  g_autofree char *path = g_strdup_printf ("/bundles?after=%" G_GINT64_FORMAT, after);
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func ((GDestroyNotify) sayso_pull_entry_free);
  g_autoptr(GError) local_error = NULL;
  static const SaysoJsonLimits limits = { "a listing of bundles", LISTING_MAX_BYTES, LISTING_DEPTH };
  JsonNode *root;
  JsonArray *array;
  gsize len = 0;
  const char *data;
  gint64 last = after;

  g_return_val_if_fail (pull != NULL && more != NULL, NULL);

  *more = FALSE;
  if (conflicts)
    *conflicts = NULL;
  if (!(msg = request (pull, path)))
    {
      g_set_error (error, SAYSO_PULL_ERROR, SAYSO_PULL_ERROR_REFUSED, "--from %s: not an address", pull->url);
      return NULL;
    }
  body = soup_session_send_and_read (pull->session, msg, NULL, &local_error);
  if (body == NULL)
    {
      set_unreachable (error, pull, msg, local_error);
      return NULL;
    }
  if (soup_message_get_status (msg) != SOUP_STATUS_OK)
    {
      set_refused (error, pull, soup_message_get_status (msg), body, "listing the bundles");
      return NULL;
    }

  data = g_bytes_get_data (body, &len);
  if (!sayso_json_check_limits (data, len, &limits, pull->url, 1, &local_error) ||
      !json_parser_load_from_data (parser, data, (gssize) len, &local_error) ||
      !JSON_NODE_HOLDS_OBJECT (root = json_parser_get_root (parser)) ||
      !(array = json_object_get_array_member (json_node_get_object (root), "bundles")))
    {
      g_set_error (error, SAYSO_PULL_ERROR, SAYSO_PULL_ERROR_BAD_ANSWER,
                   "%s: its listing of bundles is not a collection service's (%s)", pull->url,
                   local_error ? local_error->message : "no \"bundles\" in it");
      return NULL;
    }
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      SaysoPullEntry *entry = entry_from (json_array_get_element (array, i));

      /* In order, each after the last: else a pull could go round for ever. */
      if (entry == NULL || entry->id <= last)
        {
          sayso_pull_entry_free (entry);
          g_set_error (error, SAYSO_PULL_ERROR, SAYSO_PULL_ERROR_BAD_ANSWER,
                       "%s: entry %u of its listing of bundles is not one a collection service writes", pull->url, i + 1);
          return NULL;
        }
      last = entry->id;
      g_ptr_array_add (entries, entry);
    }
  if (conflicts)
    {
      /* A service from before conflicts were listed has none to say. */
      JsonArray *aside = json_object_has_member (json_node_get_object (root), "conflicts")
                         ? json_object_get_array_member (json_node_get_object (root), "conflicts") : NULL;
      g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func ((GDestroyNotify) sayso_pull_entry_free);

      for (guint i = 0; aside != NULL && i < json_array_get_length (aside); i++)
        {
          SaysoPullEntry *entry = conflict_from (json_array_get_element (aside, i));

          if (entry == NULL)
            {
              g_set_error (error, SAYSO_PULL_ERROR, SAYSO_PULL_ERROR_BAD_ANSWER,
                           "%s: conflict %u of its listing of bundles is not one a collection service writes",
                           pull->url, i + 1);
              return NULL;
            }
          g_ptr_array_add (found, entry);
        }
      *conflicts = g_steal_pointer (&found);
    }
  *more = json_object_get_boolean_member_with_default (json_node_get_object (root), "more", FALSE) && entries->len > 0;
  return g_steal_pointer (&entries);
}

char *
sayso_pull_entry_name (const SaysoPullEntry *entry)
{
  g_autofree char *kiosk = NULL;

  g_return_val_if_fail (entry != NULL, NULL);
  if (entry->number > 0)
    return g_strdup_printf ("bundle %" G_GINT64_FORMAT " of %s, kiosk %" G_GINT64_FORMAT " (%s)", entry->sequence,
                            entry->site, entry->number, entry->day);
  kiosk = sayso_hex (entry->kiosk_pk, 4);
  return g_strdup_printf ("bundle %" G_GINT64_FORMAT " of kiosk %s (%s, %s)", entry->sequence, kiosk, entry->site, entry->day);
}

static gboolean
write_all (int           fd,
           const guint8 *data,
           gsize         len)
{
  while (len > 0)
    {
      gssize n = write (fd, data, len);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return FALSE;
      data += n;
      len -= (gsize) n;
    }
  return TRUE;
}

gboolean
sayso_pull_fetch (SaysoPull             *pull,
                  const SaysoPullEntry  *entry,
                  const char            *path,
                  GError               **error)
{
  g_autofree char *where = g_strdup_printf ("/bundles/%" G_GINT64_FORMAT, entry->id);
  g_autofree char *name = sayso_pull_entry_name (entry);
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree guint8 *buffer = NULL;
  crypto_generichash_state state;
  guint8 hash[32];
  gint64 got = 0;
  int fd;

  g_return_val_if_fail (pull != NULL && entry != NULL && path != NULL, FALSE);

  msg = request (pull, where);
  stream = soup_session_send (pull->session, msg, NULL, &local_error);
  if (stream == NULL)
    {
      set_unreachable (error, pull, msg, local_error);
      return FALSE;
    }
  if (soup_message_get_status (msg) != SOUP_STATUS_OK)
    {
      g_autoptr(GBytes) body = g_input_stream_read_bytes (stream, 64 * 1024, NULL, NULL);
      set_refused (error, pull, soup_message_get_status (msg), body, name);
      return FALSE;
    }

  fd = g_open (path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      int saved = errno;
      g_set_error (error, SAYSO_PULL_ERROR, SAYSO_PULL_ERROR_IO, "%s: cannot write the bundle here: %s", path, g_strerror (saved));
      return FALSE;
    }
  buffer = g_malloc (FETCH_BLOCK);
  crypto_generichash_init (&state, NULL, 0, sizeof hash);
  for (;;)
    {
      gssize n = g_input_stream_read (stream, buffer, FETCH_BLOCK, NULL, &local_error);

      if (n < 0)
        {
          close (fd);
          g_unlink (path);
          g_set_error (error, SAYSO_PULL_ERROR, SAYSO_PULL_ERROR_NETWORK,
                       "%s: cut off after %" G_GINT64_FORMAT " of its %" G_GINT64_FORMAT " bytes (%s); nothing of it was "
                       "imported. Run the same command again to go on", name, got, entry->size, local_error->message);
          return FALSE;
        }
      if (n == 0)
        break;
      /* More than listed is wrong already: not kept, not read further. */
      if (got + n > entry->size)
        {
          got += n;
          break;
        }
      crypto_generichash_update (&state, buffer, (gsize) n);
      if (!write_all (fd, buffer, (gsize) n))
        {
          int saved = errno;
          close (fd);
          g_unlink (path);
          g_set_error (error, SAYSO_PULL_ERROR, SAYSO_PULL_ERROR_IO, "%s: cannot write the bundle here: %s", path, g_strerror (saved));
          return FALSE;
        }
      got += n;
    }
  crypto_generichash_final (&state, hash, sizeof hash);
  if (fsync (fd) != 0 || close (fd) != 0)
    {
      int saved = errno;
      g_unlink (path);
      g_set_error (error, SAYSO_PULL_ERROR, SAYSO_PULL_ERROR_IO, "%s: cannot write the bundle here: %s", path, g_strerror (saved));
      return FALSE;
    }
  if (got < entry->size)
    {
      g_unlink (path);
      g_set_error (error, SAYSO_PULL_ERROR, SAYSO_PULL_ERROR_NETWORK,
                   "%s: cut off after %" G_GINT64_FORMAT " of its %" G_GINT64_FORMAT " bytes; nothing of it was imported. "
                   "Run the same command again to go on", name, got, entry->size);
      return FALSE;
    }
  if (got != entry->size || sodium_memcmp (hash, entry->hash, sizeof hash) != 0)
    {
      g_unlink (path);
      g_set_error (error, SAYSO_PULL_ERROR, SAYSO_PULL_ERROR_ALTERED,
                   "%s: the bytes that arrived are not the ones the service listed (their BLAKE2b-256 or size "
                   "differs): changed on the way, by a proxy or on the network? Nothing of it was imported", name);
      return FALSE;
    }
  return TRUE;
}
