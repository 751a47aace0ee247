/* sayso-collect-service.c: the collection service's HTTP side: the object,
 * listening, TLS, the start of every request, the token check and routing.
 *
 * What each address does is in a file of its own, so that one can be read
 * (and reviewed) without the others: sayso-collect-receive.c takes a bundle
 * in (POST /bundles), sayso-collect-pages.c is the HTML (the upload page and
 * the inspection page), sayso-collect-pull.c the analysts' pull (GET
 * /bundles), sayso-collect-status.c the status JSON. What they share is in
 * sayso-collect-service-private.h.
 *
 * Nothing here logs a request, and no answer says anything of what is
 * inside a record: the service holds no key that opens one.
 */
#define G_LOG_DOMAIN "sayso-collect"

#include <errno.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <gnutls/gnutls.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <sodium.h>
#include <string.h>

#include "sayso-bundle.h"
#include "sayso-collect-service-private.h"

G_DEFINE_FINAL_TYPE (SaysoCollectService, sayso_collect_service, G_TYPE_OBJECT)

#define LISTEN_BACKLOG 512

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

char *
_sayso_collect_service_error_json (const char *reason)
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

void
_sayso_collect_service_respond_json (SoupServerMessage *msg,
                                     guint              status,
                                     const char        *body)
{
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, body, strlen (body));
}

void
_sayso_collect_service_respond_error (SoupServerMessage *msg,
                                      guint              status,
                                      const char        *reason)
{
  g_autofree char *body = _sayso_collect_service_error_json (reason);
  _sayso_collect_service_respond_json (msg, status, body);
}

char *
_sayso_collect_service_kiosk_name (const char *site,
                                   gint64      number)
{
  /* As people at the site and the inspection team name it. */
  return g_strdup_printf ("%s, kiosk %" G_GINT64_FORMAT, site, number);
}

char *
_sayso_collect_service_kiosk_fingerprint (const guint8 kiosk_pk[SAYSO_SIGN_PUBLIC_KEY_SIZE])
{
  /* For IT, to tell one key from another by eye, as sayso-collect enroll printed it. */
  return sayso_key_fingerprint (kiosk_pk);
}

/* The analysts' and the inspection team's token: Authorization: Bearer. */
const char *
_sayso_collect_service_bearer_token (SoupServerMessage *msg)
{
  const char *authorization = soup_message_headers_get_one (soup_server_message_get_request_headers (msg), "Authorization");

  if (authorization == NULL || g_ascii_strncasecmp (authorization, "Bearer ", 7) != 0)
    return NULL;
  return authorization + 7;
}

TokenCheck
_sayso_collect_service_check_token (SaysoCollectService *self,
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
const char _sayso_collect_service_token_invalid_text[] =
  "This access token is not valid here: it was revoked, or never made by this service. Ask the "
  "service's administrator for a new one (sayso-collect token).";
const char _sayso_collect_service_database_unreadable_text[] = "The service's database could not be read. Try again later.";

/* For the JSON answers: whether the request may go on; if not, answered. */
gboolean
_sayso_collect_service_authorize_json (SaysoCollectService *self,
                                       SoupServerMessage   *msg)
{
  switch (_sayso_collect_service_check_token (self, _sayso_collect_service_bearer_token (msg)))
    {
    case TOKEN_VALID:
      return TRUE;
    case TOKEN_MISSING:
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "WWW-Authenticate", "Bearer");
      _sayso_collect_service_respond_error (msg, SOUP_STATUS_UNAUTHORIZED, token_missing_text);
      return FALSE;
    case TOKEN_INVALID:
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "WWW-Authenticate", "Bearer");
      _sayso_collect_service_respond_error (msg, SOUP_STATUS_UNAUTHORIZED, _sayso_collect_service_token_invalid_text);
      return FALSE;
    case TOKEN_UNREADABLE:
    default:
      _sayso_collect_service_respond_error (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, _sayso_collect_service_database_unreadable_text);
      return FALSE;
    }
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
    _sayso_collect_service_start_upload (self, msg, upload, FALSE);
  else if (strcmp (path, "/") == 0)
    _sayso_collect_service_start_upload (self, msg, upload, TRUE);
  else if (strcmp (path, "/inspection") == 0)
    upload->small = g_string_new (NULL);
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

  if (strcmp (method, "GET") == 0 && (strcmp (path, "/bundles") == 0 || g_str_has_prefix (path, "/bundles/")))
    {
      /* The analysts' pull. */
      if (!_sayso_collect_service_authorize_json (self, msg))
        return;
      if (strcmp (path, "/bundles") == 0)
        _sayso_collect_service_list_bundles (self, msg, query);
      else
        _sayso_collect_service_send_bundle (self, msg, path + strlen ("/bundles/"));
      return;
    }
  if (strcmp (path, "/bundles") != 0)
    {
      _sayso_collect_service_respond_error (msg, SOUP_STATUS_NOT_FOUND, "There is nothing at this address.");
      return;
    }
  if (strcmp (method, "POST") != 0)
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Allow", "GET, POST");
      _sayso_collect_service_respond_error (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "Send a bundle here with POST, or list them with GET and a token.");
      return;
    }
  _sayso_collect_service_check_upload (self, msg, upload);
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
  g_object_set_data_full (G_OBJECT (msg), UPLOAD_KEY, upload, (GDestroyNotify) _sayso_collect_service_upload_free);

  /* No request body is ever kept in memory. */
  soup_message_body_set_accumulate (soup_server_message_get_request_body (msg), FALSE);
  g_signal_connect (msg, "got-chunk", G_CALLBACK (_sayso_collect_service_got_chunk), upload);
  g_signal_connect (msg, "got-body", G_CALLBACK (_sayso_collect_service_got_body), upload);

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
  soup_server_add_handler (self->server, "/status", _sayso_collect_service_status_handler, self, NULL);
  soup_server_add_early_handler (self->server, "/inspection", early_handler, self, NULL);
  soup_server_add_handler (self->server, "/inspection", _sayso_collect_service_inspection_handler, self, NULL);
  soup_server_add_early_handler (self->server, "/", early_handler, self, NULL);
  soup_server_add_handler (self->server, "/", _sayso_collect_service_page_handler, self, NULL);
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
