/* `sayso upload` and the uploader under it, as an office PC meets the
 * collection service: the real `sayso-collect serve` on 127.0.0.1, a port
 * of its own choosing, real bundles from the real `sayso`; and, for what a
 * real service never does, a small server in this process that answers as
 * a captive portal, an impostor or a failing service would. */
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <glib-unix.h>
#include <unistd.h>

#include "sayso-bundle.h"
#include "sayso-crypto.h"
#include "sayso-process.h"
#include "sayso-receipt.h"
#include "sayso-test-utils.h"
#include "sayso-uploader.h"

#define SITE "Liverpool North"

typedef struct
{
  char        *dir;
  char        *store;
  char        *kiosk_pub;
  char        *db;
  char        *service_pub;     /* the key file `sayso-collect init` printed */
  char        *server_log;
  guint8       kiosk_pk[SAYSO_SIGN_PUBLIC_KEY_SIZE];
  guint8       service_pk[SAYSO_SIGN_PUBLIC_KEY_SIZE];
  GSubprocess *server;
  char        *url;
  guint        sticks;
} Upload;

/* `sayso upload ARGS…` while this thread's main loop runs, for a server in
 * this process to answer it. */
typedef struct
{
  GMainLoop *loop;
  char      *out;
  char      *err;
  gboolean   done;
} Looping;

static void
looping_done (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Looping *l = user_data;
  g_autoptr(GError) error = NULL;

  g_subprocess_communicate_utf8_finish (G_SUBPROCESS (source), result, &l->out, &l->err, &error);
  g_assert_no_error (error);
  l->done = TRUE;
  g_main_loop_quit (l->loop);
}

static int
sayso_looping (char       **out,
               char       **err,
               const char **args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  Looping l = { loop, NULL, NULL, FALSE };

  g_ptr_array_add (argv, (gpointer) test_sayso_binary ());
  for (guint i = 0; args[i]; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  proc = g_subprocess_newv ((const char * const *) argv->pdata,
                            G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8_async (proc, NULL, NULL, looping_done, &l);
  while (!l.done)
    g_main_loop_run (loop);
  g_subprocess_wait (proc, NULL, &error);
  g_assert_no_error (error);
  *out = l.out;
  *err = l.err;
  return g_subprocess_get_if_exited (proc) ? g_subprocess_get_exit_status (proc) : -1;
}

/* A kiosk store at @store for SITE; its public key written to @pub. */
static void
make_kiosk (Upload     *f,
            const char *store,
            const char *pub,
            guint8      kiosk_pk[SAYSO_SIGN_PUBLIC_KEY_SIZE])
{
  g_autofree char *recipient = g_build_filename (f->dir, "keys", "recipient.pub", NULL);
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (test_run_sayso (NULL, &out, NULL, "init", "--store", store, "--site", SITE, "--recipient", recipient, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "# Sayso kiosk"));
  g_assert_true (g_file_set_contents (pub, strstr (out, "# Sayso kiosk"), -1, NULL));
  g_assert_true (sayso_key_read_file (SAYSO_KEY_KIOSK_PUBLIC, pub, kiosk_pk, &error));
}

/* `sayso-collect serve` on @listen, with @max_size if given; its address
 * in f->url. */
static void
start_server_with (Upload     *f,
                   const char *listen,
                   const char *max_size)
{
  g_free (f->url);
  f->server = test_collect_serve (f->db, listen, f->server_log, &f->url,
                                  max_size ? "--max-size" : NULL, max_size, NULL);
}

static void
start_server_on (Upload     *f,
                 const char *listen)
{
  start_server_with (f, listen, NULL);
}

static void
stop_server (Upload *f)
{
  test_collect_stop (&f->server);
}

static void
upload_setup (Upload        *f,
              gconstpointer  data)
{
  g_autofree char *keys = NULL;
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;
  const char *key_text;

  sayso_init ();
  f->dir = test_make_tmp_dir ();
  keys = g_build_filename (f->dir, "keys", NULL);
  g_assert_cmpint (test_run_sayso (NULL, NULL, NULL, "keygen", "--out", keys, NULL), ==, 0);
  f->store = g_build_filename (f->dir, "kiosk.db", NULL);
  f->kiosk_pub = g_build_filename (f->dir, "kiosk.pub", NULL);
  make_kiosk (f, f->store, f->kiosk_pub, f->kiosk_pk);

  f->db = g_build_filename (f->dir, "collect.db", NULL);
  f->server_log = g_build_filename (f->dir, "server.log", NULL);
  f->service_pub = g_build_filename (f->dir, "service.pub", NULL);
  g_assert_cmpint (test_run_collect (&out, NULL, "init", "--db", f->db, NULL), ==, 0);
  key_text = strstr (out, "# Sayso collection service");
  g_assert_nonnull (key_text);
  g_assert_true (g_file_set_contents (f->service_pub, key_text, -1, NULL));
  g_assert_true (sayso_key_read_file (SAYSO_KEY_SERVICE_PUBLIC, f->service_pub, f->service_pk, &error));
  g_assert_no_error (error);
  g_assert_cmpint (test_run_collect (NULL, NULL, "enroll", "--db", f->db, "--site", SITE, f->kiosk_pub, NULL), ==, 0);

  if (data == NULL)
    start_server_on (f, "127.0.0.1:0");
}

static void
upload_teardown (Upload        *f,
                 gconstpointer  data)
{
  stop_server (f);
  test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->store);
  g_free (f->kiosk_pub);
  g_free (f->db);
  g_free (f->service_pub);
  g_free (f->server_log);
  g_free (f->url);
}

static char *
only_file_in (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name = g_dir_read_name (d);

  g_assert_nonnull (name);
  g_assert_null (g_dir_read_name (d));
  return g_build_filename (dir, name, NULL);
}

/* @n responses submitted to @store, then exported: the bundle's path. */
static char *
make_bundle (Upload     *f,
             const char *store,
             guint       n)
{
  g_autofree char *stick = g_strdup_printf ("%s/stick-%u", f->dir, ++f->sticks);
  g_autoptr(GString) input = g_string_new (NULL);

  for (guint i = 0; i < n; i++)
    g_string_append_printf (input, "{\"questionnaire\": \"hmip-user-voice\", \"answers\": {\"how_often\": \"weekly\"}}\n");
  if (n > 0)
    g_assert_cmpint (test_run_sayso (input->str, NULL, NULL, "submit", "--store", store, "-", NULL), ==, 0);
  g_assert_cmpint (g_mkdir (stick, 0700), ==, 0);
  g_assert_cmpint (test_run_sayso (NULL, NULL, NULL, "export", "--store", store, "--to", stick, NULL), ==, 0);
  return only_file_in (stick);
}

static char *
copy_with (Upload     *f,
           const char *path,
           const char *name,
           gsize       flip)
{
  g_autofree char *contents = NULL;
  char *copy = g_build_filename (f->dir, name, NULL);
  gsize len = 0;

  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  if (flip < len)
    contents[flip] ^= 0x01;
  g_assert_true (g_file_set_contents (copy, contents, len, NULL));
  return copy;
}

/* What `sayso-collect list` says is stored: one line a bundle. */
static guint
stored (Upload *f)
{
  g_autofree char *out = NULL;
  guint n = 0;

  g_assert_cmpint (test_run_collect (&out, NULL, "list", "--db", f->db, NULL), ==, 0);
  for (const char *p = out; *p; p++)
    n += *p == '\n';
  return n;
}

static void
assert_says (const char *text,
             const char *words)
{
  if (strstr (text, words) == NULL)
    g_error ("“%s” does not say “%s”", text, words);
}

static char *
received_line (Upload     *f,
               const char *bundle,
               const char *how,
               gint64      sequence,
               gint64      count)
{
  g_autofree char *kiosk = sayso_hex (f->kiosk_pk, 4);

  return g_strdup_printf ("sent: %s: %s: " SITE ", kiosk %s, bundle %" G_GINT64_FORMAT ", %" G_GINT64_FORMAT " response%s\n",
                          bundle, how, kiosk, sequence, count, count == 1 ? "" : "s");
}

/* Two good bundles: exit 0, a line each from the receipts; again: "already
 * received", exit 0, nothing stored twice. */
static void
test_good_and_again (Upload        *f,
                     gconstpointer  data)
{
  g_autofree char *b1 = make_bundle (f, f->store, 3);
  g_autofree char *b2 = make_bundle (f, f->store, 1);
  g_autofree char *out = NULL, *again = NULL, *err = NULL;
  g_autofree char *l1 = received_line (f, b1, "received", 1, 3);
  g_autofree char *l2 = received_line (f, b2, "received", 2, 1);
  g_autofree char *a1 = received_line (f, b1, "already received", 1, 3);
  g_autofree char *expected = g_strconcat (l1, l2, NULL);
  g_autofree char *key_text = NULL;

  g_assert_cmpint (test_run_sayso (NULL, &out, &err, "upload", "--to", f->url, "--service-key", f->service_pub, b1, b2, NULL), ==, 0);
  g_assert_cmpstr (out, ==, expected);
  g_assert_cmpstr (err, ==, "");
  g_assert_cmpuint (stored (f), ==, 2);

  /* The key's text serves as well as its file. */
  g_assert_true (g_file_get_contents (f->service_pub, &key_text, NULL, NULL));
  g_assert_cmpint (test_run_sayso (NULL, &again, NULL, "upload", "--to", f->url, "--service-key", key_text, b1, NULL), ==, 0);
  g_assert_cmpstr (again, ==, a1);
  g_assert_cmpuint (stored (f), ==, 2);
}

/* A tampered bundle beside a good one: the server's reason is printed, the
 * exit status is 2, and the good one (the control) is received. */
static void
test_tampered (Upload        *f,
               gconstpointer  data)
{
  g_autofree char *good = make_bundle (f, f->store, 2);
  g_autofree char *bad = copy_with (f, good, "tampered.sayso", 100);
  g_autofree char *out = NULL;
  g_autofree char *line = received_line (f, good, "received", 1, 2);

  g_assert_cmpint (test_run_sayso (NULL, &out, NULL, "upload", "--to", f->url, "--service-key", f->service_pub, bad, good, NULL), ==, 2);
  assert_says (out, "not sent: ");
  assert_says (out, "tampered.sayso: refused: This file was changed or damaged after it was made (a response in it does not match");
  assert_says (out, "Nothing was kept");
  assert_says (out, line);
  g_assert_cmpuint (stored (f), ==, 1);
}

/* A kiosk never enrolled: 2, the service's reason naming the kiosk; once it
 * is enrolled, the same file is received (the control). */
static void
test_unknown_kiosk (Upload        *f,
                    gconstpointer  data)
{
  g_autofree char *store = g_build_filename (f->dir, "stranger.db", NULL);
  g_autofree char *pub = g_build_filename (f->dir, "stranger.pub", NULL);
  g_autofree char *bundle = NULL, *kiosk = NULL, *out = NULL, *after = NULL;
  guint8 pk[SAYSO_SIGN_PUBLIC_KEY_SIZE];

  make_kiosk (f, store, pub, pk);
  bundle = make_bundle (f, store, 1);
  kiosk = sayso_key_fingerprint (pk);

  g_assert_cmpint (test_run_sayso (NULL, &out, NULL, "upload", "--to", f->url, "--service-key", f->service_pub, bundle, NULL), ==, 2);
  assert_says (out, "refused: This kiosk is not enrolled: ask the inspection team to enrol");
  assert_says (out, kiosk);
  g_assert_cmpuint (stored (f), ==, 0);

  g_assert_cmpint (test_run_collect (NULL, NULL, "enroll", "--db", f->db, "--site", "Wrexham", pub, NULL), ==, 0);
  g_assert_cmpint (test_run_sayso (NULL, &after, NULL, "upload", "--to", f->url, "--service-key", f->service_pub, bundle, NULL), ==, 0);
  assert_says (after, ": received: Wrexham, kiosk ");
}

/* A kiosk restored from a backup sends another bundle 1: refused, saying it
 * was kept aside; the first bundle 1 is still "already received". */
static void
test_conflict (Upload        *f,
               gconstpointer  data)
{
  g_autofree char *restored = g_build_filename (f->dir, "restored.db", NULL);
  g_autofree char *contents = NULL, *first = NULL, *second = NULL;
  g_autofree char *a = NULL, *b = NULL, *c = NULL;
  gsize len = 0;

  g_assert_true (g_file_get_contents (f->store, &contents, &len, NULL));
  g_assert_true (g_file_set_contents (restored, contents, len, NULL));
  first = make_bundle (f, f->store, 2);
  second = make_bundle (f, restored, 1);

  g_assert_cmpint (test_run_sayso (NULL, &a, NULL, "upload", "--to", f->url, "--service-key", f->service_pub, first, NULL), ==, 0);
  g_assert_cmpint (test_run_sayso (NULL, &b, NULL, "upload", "--to", f->url, "--service-key", f->service_pub, second, NULL), ==, 2);
  assert_says (b, "refused: " SITE ", kiosk 1 already sent a different bundle 1");
  assert_says (b, "kept aside");
  g_assert_cmpint (test_run_sayso (NULL, &c, NULL, "upload", "--to", f->url, "--service-key", f->service_pub, first, NULL), ==, 0);
  assert_says (c, ": already received: ");
}

/* The real service, but the key given is another's: its receipt does not
 * verify, so the bundle is not counted as sent (exit 1), though the service
 * kept it; the control: with the right key, it is. */
static void
test_wrong_service_key (Upload        *f,
                        gconstpointer  data)
{
  g_autofree char *bundle = make_bundle (f, f->store, 2);
  g_autofree char *other = g_build_filename (f->dir, "other.pub", NULL);
  g_autofree char *other_db = g_build_filename (f->dir, "other.db", NULL);
  g_autofree char *out = NULL, *init = NULL, *right = NULL;

  g_assert_cmpint (test_run_collect (&init, NULL, "init", "--db", other_db, NULL), ==, 0);
  g_assert_true (g_file_set_contents (other, strstr (init, "# Sayso collection service"), -1, NULL));

  g_assert_cmpint (test_run_sayso (NULL, &out, NULL, "upload", "--to", f->url, "--service-key", other, bundle, NULL), ==, 1);
  assert_says (out, "not sent: ");
  assert_says (out, "the answer did not come from the collection service (its receipt is not signed with the service key given)");
  assert_says (out, "not counted as sent");
  g_assert_false (g_str_has_prefix (out, "sent: "));
  g_assert_cmpuint (stored (f), ==, 1);

  g_assert_cmpint (test_run_sayso (NULL, &right, NULL, "upload", "--to", f->url, "--service-key", f->service_pub, bundle, NULL), ==, 0);
  assert_says (right, ": already received: ");
}

/* A server in this process: it answers each POST /bundles as its script
 * says, and signs what it signs with its own key. */
typedef enum
{
  FAKE_SIGNED,          /* a real receipt for the file, signed with the fake's key */
  FAKE_SIGNED_ALREADY,  /* the same, as 200 */
  FAKE_NO_RECEIPT,      /* 201 {"status": "received"} */
  FAKE_MADE_UP,         /* 201 with a receipt for the file and a made-up signature */
  FAKE_OTHER_FILE,      /* 201 with a receipt truly signed, for another file */
  FAKE_PORTAL,          /* 302 to a login page */
  FAKE_PAGE,            /* 200 with an HTML page */
  FAKE_PORTAL_403,      /* a sign-in page's 403, HTML */
  FAKE_PROXY_407,       /* a proxy asking for its password, no body */
  FAKE_FULL,            /* 507 with the real service's words */
  FAKE_UNAVAILABLE,     /* 503 with no body */
  FAKE_REFUSE,          /* 422 with a reason that carries an escape sequence */
  FAKE_DROP,            /* the connection closed with no answer */
} FakeAnswer;

typedef struct
{
  SoupServer   *server;
  char         *url;
  char         *dir;
  guint8        pk[SAYSO_SIGN_PUBLIC_KEY_SIZE];
  guint8        sk[SAYSO_SIGN_SECRET_KEY_SIZE];
  char         *pub_path;
  GArray       *script;   /* of FakeAnswer; the last one repeats */
  guint         requests;
} Fake;

static char *
fake_receipt (Fake         *fake,
              GBytes       *body,
              gboolean      other_file,
              char        **signature)
{
  g_autofree char *path = g_build_filename (fake->dir, "received.sayso", NULL);
  g_autoptr(SaysoBundle) bundle = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(SaysoReceipt) receipt = { 0 };
  char *text;

  g_assert_true (g_file_set_contents (path, g_bytes_get_data (body, NULL), g_bytes_get_size (body), NULL));
  bundle = sayso_bundle_open (path, NULL, &error);
  g_assert_no_error (error);
  memcpy (receipt.service_pk, fake->pk, sizeof fake->pk);
  memcpy (receipt.kiosk_pk, bundle->kiosk_pk, sizeof receipt.kiosk_pk);
  receipt.site = g_strdup (SITE);
  receipt.sequence = bundle->sequence;
  receipt.record_count = bundle->entries->len;
  g_assert_true (sayso_receipt_hash_file (path, receipt.bundle_hash, &error));
  if (other_file)
    receipt.bundle_hash[0] ^= 0x01;
  text = sayso_receipt_to_text (&receipt);
  *signature = sayso_receipt_sign (text, fake->sk);
  return text;
}

static void
fake_reply (SoupServerMessage *msg,
            guint              status,
            const char        *type,
            const char        *body)
{
  soup_server_message_set_status (msg, status, NULL);
  if (body)
    soup_server_message_set_response (msg, type, SOUP_MEMORY_COPY, body, strlen (body));
}

static char *
receipt_answer (const char *text,
                const char *signature)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "status");
  json_builder_add_string_value (builder, "received");
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, "received: " SITE ", kiosk 00000000, bundle 1, 2 responses");
  json_builder_set_member_name (builder, "receipt");
  json_builder_add_string_value (builder, text);
  json_builder_set_member_name (builder, "signature");
  json_builder_add_string_value (builder, signature);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

static void
fake_handler (SoupServer        *server,
              SoupServerMessage *msg,
              const char        *path,
              GHashTable        *query,
              gpointer           user_data)
{
  Fake *fake = user_data;
  FakeAnswer what = g_array_index (fake->script, FakeAnswer, MIN (fake->requests, fake->script->len - 1));
  g_autoptr(GBytes) body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  g_autofree char *text = NULL, *signature = NULL, *answer = NULL;

  fake->requests++;
  switch (what)
    {
    case FAKE_SIGNED:
    case FAKE_SIGNED_ALREADY:
    case FAKE_OTHER_FILE:
      text = fake_receipt (fake, body, what == FAKE_OTHER_FILE, &signature);
      answer = receipt_answer (text, signature);
      fake_reply (msg, what == FAKE_SIGNED_ALREADY ? SOUP_STATUS_OK : SOUP_STATUS_CREATED, "application/json", answer);
      break;
    case FAKE_MADE_UP:
      {
        guint8 made_up[64];

        text = fake_receipt (fake, body, FALSE, &signature);
        sayso_random_bytes (made_up, sizeof made_up);
        g_free (signature);
        signature = g_base64_encode (made_up, sizeof made_up);
        answer = receipt_answer (text, signature);
        fake_reply (msg, SOUP_STATUS_CREATED, "application/json", answer);
      }
      break;
    case FAKE_NO_RECEIPT:
      fake_reply (msg, SOUP_STATUS_CREATED, "application/json", "{\"status\": \"received\"}");
      break;
    case FAKE_PORTAL:
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Location", "/login");
      fake_reply (msg, SOUP_STATUS_FOUND, "text/html", "<html><body>Sign in to the wifi</body></html>");
      break;
    case FAKE_PAGE:
      fake_reply (msg, SOUP_STATUS_OK, "text/html", "<html><body>Welcome to the free wifi</body></html>");
      break;
    case FAKE_PORTAL_403:
      fake_reply (msg, SOUP_STATUS_FORBIDDEN, "text/html", "<html><body>Sign in to use the wifi</body></html>");
      break;
    case FAKE_PROXY_407:
      fake_reply (msg, SOUP_STATUS_PROXY_AUTHENTICATION_REQUIRED, NULL, NULL);
      break;
    case FAKE_FULL:
      fake_reply (msg, SOUP_STATUS_INSUFFICIENT_STORAGE, "application/json",
                  "{\"error\": \"The service's disk is full; nothing was kept. Keep the bundle and send it again later.\"}");
      break;
    case FAKE_UNAVAILABLE:
      fake_reply (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, NULL, NULL);
      break;
    case FAKE_REFUSE:
      fake_reply (msg, SOUP_STATUS_UNPROCESSABLE_ENTITY, "application/json",
                  "{\"error\": \"Not this one\\u001b[2J, nothing was kept.\"}");
      break;
    case FAKE_DROP:
      {
        g_autoptr(GIOStream) connection = soup_server_message_steal_connection (msg);
        g_io_stream_close (connection, NULL, NULL);
      }
      break;
    }
}

static Fake *
fake_new (Upload *f,
          ...)
{
  Fake *fake = g_new0 (Fake, 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(GSList) uris = NULL;
  va_list args;
  int what;

  fake->dir = g_build_filename (f->dir, "fake", NULL);
  g_assert_cmpint (g_mkdir (fake->dir, 0700), ==, 0);
  sayso_sign_keypair_new (fake->pk, fake->sk);
  fake->pub_path = g_build_filename (fake->dir, "fake.pub", NULL);
  g_assert_true (sayso_key_write_file (SAYSO_KEY_SERVICE_PUBLIC, fake->pk, fake->pub_path, &error));
  g_assert_no_error (error);

  fake->script = g_array_new (FALSE, FALSE, sizeof (FakeAnswer));
  va_start (args, f);
  while ((what = va_arg (args, int)) >= 0)
    {
      FakeAnswer answer = what;
      g_array_append_val (fake->script, answer);
    }
  va_end (args);

  fake->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (fake->server, "/bundles", fake_handler, fake, NULL);
  g_assert_true (soup_server_listen_local (fake->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  g_assert_no_error (error);
  uris = soup_server_get_uris (fake->server);
  fake->url = g_uri_to_string (uris->data);
  g_slist_free_full (g_steal_pointer (&uris), (GDestroyNotify) g_uri_unref);
  return fake;
}

static void
fake_free (Fake *fake)
{
  test_remove_tree (fake->dir);
  soup_server_disconnect (fake->server);
  g_object_unref (fake->server);
  g_array_unref (fake->script);
  g_free (fake->url);
  g_free (fake->pub_path);
  g_free (fake->dir);
  g_free (fake);
}

/* Through `sayso upload`, with the key given @key. */
static int
upload_to_fake (Fake        *fake,
                const char  *key,
                const char  *bundle,
                char       **out,
                char       **err)
{
  const char *args[] = { "upload", "--to", fake->url, "--service-key", key, bundle, NULL };

  return sayso_looping (out, err, args);
}

/* An impostor's 201s and 200s, each without a receipt that holds, are not
 * counted as sent (exit 1), whatever they say; the controls: the same server
 * signing a real receipt with a key the sender was given is accepted. */
static void
test_impostor (Upload        *f,
               gconstpointer  data)
{
  g_autofree char *bundle = make_bundle (f, f->store, 2);
  const struct { FakeAnswer answer; const char *why; } impostors[] = {
    { FAKE_NO_RECEIPT, "(it holds no receipt)" },
    { FAKE_MADE_UP, "(its receipt is not signed with the service key given)" },
    { FAKE_OTHER_FILE, "(its receipt is for another file)" },
    { FAKE_PORTAL, "(it answered 302, with no receipt)" },
    { FAKE_PAGE, "(it is not the service's JSON)" },
    /* A 4xx counts as the service's refusal only with the service's own
     * words: a portal's or a proxy's would stop a kiosk sending for good. */
    { FAKE_PORTAL_403, "(it answered 403, with no word from the service)" },
    { FAKE_PROXY_407, "(it answered 407, with no word from the service)" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (impostors); i++)
    {
      Fake *fake = fake_new (f, impostors[i].answer, -1);
      g_autofree char *out = NULL, *err = NULL;

      g_assert_cmpint (upload_to_fake (fake, fake->pub_path, bundle, &out, &err), ==, 1);
      assert_says (out, "not sent: ");
      assert_says (out, "the answer did not come from the collection service ");
      assert_says (out, impostors[i].why);
      assert_says (out, "not counted as sent");
      g_assert_false (g_str_has_prefix (out, "sent: "));
      /* An answer is not a network error: not tried again. */
      g_assert_cmpuint (fake->requests, ==, 1);
      fake_free (fake);
    }

  /* The controls: a receipt truly signed with the key given is a delivery;
   * the same from a key the sender was not given is not. */
  {
    Fake *fake = fake_new (f, FAKE_SIGNED, FAKE_SIGNED_ALREADY, FAKE_SIGNED, -1);
    g_autofree char *out = NULL, *err = NULL, *again = NULL, *err2 = NULL, *stranger = NULL, *err3 = NULL;
    g_autofree char *line = received_line (f, bundle, "received", 1, 2);
    g_autofree char *line2 = received_line (f, bundle, "already received", 1, 2);

    g_assert_cmpint (upload_to_fake (fake, fake->pub_path, bundle, &out, &err), ==, 0);
    g_assert_cmpstr (out, ==, line);
    g_assert_cmpint (upload_to_fake (fake, fake->pub_path, bundle, &again, &err2), ==, 0);
    g_assert_cmpstr (again, ==, line2);
    g_assert_cmpint (upload_to_fake (fake, f->service_pub, bundle, &stranger, &err3), ==, 1);
    assert_says (stranger, "(its receipt is not signed with the service key given)");
    fake_free (fake);
  }
}

/* A refusal's reason is printed without its control characters, and is
 * not tried again. */
static void
test_refusal_is_final (Upload        *f,
                       gconstpointer  data)
{
  g_autofree char *bundle = make_bundle (f, f->store, 1);
  Fake *fake = fake_new (f, FAKE_REFUSE, FAKE_SIGNED, -1);
  g_autofree char *out = NULL, *err = NULL;

  g_assert_cmpint (upload_to_fake (fake, fake->pub_path, bundle, &out, &err), ==, 2);
  assert_says (out, ": refused: Not this one [2J, nothing was kept.");
  g_assert_null (strchr (out, '\033'));
  g_assert_cmpuint (fake->requests, ==, 1);
  g_assert_null (strstr (err, "trying again"));
  fake_free (fake);
}

/* A service whose disk is full (507), then has room again: `sayso upload`
 * says it is trying again, and the bundle is received. */
static void
test_full_then_received (Upload        *f,
                         gconstpointer  data)
{
  g_autofree char *bundle = make_bundle (f, f->store, 2);
  Fake *fake = fake_new (f, FAKE_FULL, FAKE_SIGNED, -1);
  g_autofree char *out = NULL, *err = NULL;
  g_autofree char *line = received_line (f, bundle, "received", 1, 2);

  g_assert_cmpint (upload_to_fake (fake, fake->pub_path, bundle, &out, &err), ==, 0);
  g_assert_cmpstr (out, ==, line);
  assert_says (err, "the service could not take it now: The service's disk is full; nothing was kept.");
  assert_says (err, "trying again in ");
  g_assert_cmpuint (fake->requests, ==, 2);
  fake_free (fake);
}

/* The service not yet listening when `sayso upload` starts: it says it will
 * try again, and once the service is up the bundle is received. The
 * control: with --retries 0 the same upload fails at once. */
static void
test_not_yet_listening (Upload        *f,
                        gconstpointer  data)
{
  g_autofree char *bundle = make_bundle (f, f->store, 2);
  g_autoptr(GSocket) reservation = NULL;
  guint16 port = test_free_port (&reservation);
  g_autofree char *listen = g_strdup_printf ("127.0.0.1:%u", port);
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u/", port);
  g_autofree char *out0 = NULL, *err0 = NULL, *first = NULL;
  g_autofree char *line = received_line (f, bundle, "received", 1, 2);
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GDataInputStream) errors = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (test_run_sayso (NULL, &out0, &err0, "upload", "--to", url, "--service-key", f->service_pub, "--retries", "0",
                          bundle, NULL), ==, 1);
  assert_says (out0, "could not reach the service at ");
  g_assert_null (strstr (err0, "trying again"));

  proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error,
                           test_sayso_binary (), "upload", "--to", url, "--service-key", f->service_pub,
                           "--retries", "6", bundle, NULL);
  g_assert_no_error (error);
  /* Its first failed try, before the service starts. */
  errors = g_data_input_stream_new (g_subprocess_get_stderr_pipe (proc));
  first = g_data_input_stream_read_line_utf8 (errors, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (first);
  assert_says (first, "could not reach the service at ");
  assert_says (first, "trying again in ");

  start_server_on (f, listen);
  g_assert_true (g_subprocess_wait (proc, NULL, &error));
  g_assert_true (g_subprocess_get_if_exited (proc));
  g_assert_cmpint (g_subprocess_get_exit_status (proc), ==, 0);
  {
    g_autoptr(GDataInputStream) lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (proc));
    g_autofree char *sent = g_data_input_stream_read_line_utf8 (lines, NULL, NULL, &error);
    g_autofree char *with_end = g_strconcat (sent, "\n", NULL);

    g_assert_cmpstr (with_end, ==, line);
  }
  g_assert_cmpuint (stored (f), ==, 1);
}

/* The uploader from a main loop, as the kiosk's outbox will use it, on a
 * wait that is recorded, not slept. */
typedef struct
{
  GMainLoop         *loop;
  SaysoUploadStatus  status;
  GError            *error;
  SaysoReceipt       receipt;
  GArray            *waits;
} Outbox;

static guint64
record_wait (guint         retry,
             guint64       planned_usec,
             const GError *why,
             gpointer      user_data)
{
  Outbox *o = user_data;

  g_assert_nonnull (why);
  g_assert_cmpuint (retry, ==, o->waits->len + 1);
  g_array_append_val (o->waits, planned_usec);
  return 0;
}

static void
outbox_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Outbox *o = user_data;

  o->status = sayso_uploader_send_finish (SAYSO_UPLOADER (source), result, &o->receipt, &o->error);
  g_main_loop_quit (o->loop);
}

static void
outbox_send (Fake       *fake,
             const char *bundle,
             guint       retries,
             Outbox     *o)
{
  g_autoptr(SaysoUploader) uploader = NULL;
  g_autoptr(GError) error = NULL;

  o->loop = g_main_loop_new (NULL, FALSE);
  o->waits = g_array_new (FALSE, FALSE, sizeof (guint64));
  uploader = sayso_uploader_new (fake->url, fake->pk, &error);
  g_assert_no_error (error);
  sayso_uploader_set_retries (uploader, retries);
  sayso_uploader_set_wait_func (uploader, record_wait, o);
  sayso_uploader_send_async (uploader, bundle, NULL, outbox_done, o);
  g_main_loop_run (o->loop);
}

static void
outbox_clear (Outbox *o)
{
  g_clear_pointer (&o->loop, g_main_loop_unref);
  g_clear_error (&o->error);
  sayso_receipt_clear (&o->receipt);
  g_clear_pointer (&o->waits, g_array_unref);
}

/* A connection dropped before any answer is tried again, once, after a
 * wait of 1 to 1.5 s (recorded, not slept), and the bundle is received; the
 * control: with no retries it is "try again", the connection's end named. */
static void
test_dropped_connection (Upload        *f,
                         gconstpointer  data)
{
  g_autofree char *bundle = make_bundle (f, f->store, 2);
  Outbox o = { 0 }, none = { 0 };
  Fake *fake = fake_new (f, FAKE_DROP, FAKE_SIGNED, -1);

  outbox_send (fake, bundle, 3, &o);
  g_assert_no_error (o.error);
  g_assert_cmpint (o.status, ==, SAYSO_UPLOAD_RECEIVED);
  g_assert_cmpstr (o.receipt.site, ==, SITE);
  g_assert_cmpint (o.receipt.record_count, ==, 2);
  g_assert_cmpuint (o.waits->len, ==, 1);
  g_assert_cmpuint (g_array_index (o.waits, guint64, 0), >=, G_USEC_PER_SEC);
  g_assert_cmpuint (g_array_index (o.waits, guint64, 0), <=, 3 * G_USEC_PER_SEC / 2);
  g_assert_cmpuint (fake->requests, ==, 2);
  fake_free (fake);

  fake = fake_new (f, FAKE_DROP, FAKE_SIGNED, -1);
  outbox_send (fake, bundle, 0, &none);
  g_assert_cmpint (none.status, ==, SAYSO_UPLOAD_TRY_AGAIN);
  g_assert_error (none.error, SAYSO_UPLOAD_ERROR, SAYSO_UPLOAD_ERROR_TRY_AGAIN);
  assert_says (none.error->message, bundle);
  g_assert_cmpuint (none.waits->len, ==, 0);
  g_assert_cmpuint (fake->requests, ==, 1);
  fake_free (fake);
  outbox_clear (&o);
  outbox_clear (&none);
}

/* A service that keeps failing: tried 1 + 4 times, each wait double the one
 * before with up to half again of jitter, never two alike; then "try again". */
static void
test_back_off (Upload        *f,
               gconstpointer  data)
{
  g_autofree char *bundle = make_bundle (f, f->store, 1);
  Fake *fake = fake_new (f, FAKE_UNAVAILABLE, -1);
  Outbox o = { 0 };

  outbox_send (fake, bundle, 4, &o);
  g_assert_cmpint (o.status, ==, SAYSO_UPLOAD_TRY_AGAIN);
  g_assert_error (o.error, SAYSO_UPLOAD_ERROR, SAYSO_UPLOAD_ERROR_TRY_AGAIN);
  assert_says (o.error->message, "the service answered 503");
  assert_says (o.error->message, "(tried 5 times)");
  g_assert_cmpuint (fake->requests, ==, 5);
  g_assert_cmpuint (o.waits->len, ==, 4);
  for (guint i = 0; i < o.waits->len; i++)
    {
      guint64 base = (guint64) SAYSO_UPLOAD_FIRST_DELAY_USEC << i;
      guint64 wait = g_array_index (o.waits, guint64, i);

      g_assert_cmpuint (wait, >=, base);
      g_assert_cmpuint (wait, <=, base + base / 2);
    }
  fake_free (fake);
  outbox_clear (&o);
}

/* A 100,000-byte name, a missing file, a folder: each named clearly, and
 * the good bundle after them is still sent; exit 2. */
static void
test_bad_paths (Upload        *f,
                gconstpointer  data)
{
  g_autofree char *good = make_bundle (f, f->store, 1);
  g_autofree char *missing = g_build_filename (f->dir, "missing.sayso", NULL);
  g_autofree char *folder = g_build_filename (f->dir, "stick-1", NULL);
  g_autofree char *longest = g_strnfill (100000, 'a');
  g_autofree char *out = NULL, *err = NULL;
  g_autofree char *line = received_line (f, good, "received", 1, 1);

  g_assert_cmpint (test_run_sayso (NULL, &out, &err, "upload", "--to", f->url, "--service-key", f->service_pub,
                          longest, missing, folder, good, NULL), ==, 2);
  assert_says (out, "not sent: aaaa");
  assert_says (out, " (a name of 100000 bytes): ");
  assert_says (out, ": cannot read it: File name too long\n");
  g_assert_cmpuint (strlen (out), <, 2000);
  {
    g_autofree char *m = g_strdup_printf ("not sent: %s: cannot read it: No such file or directory\n", missing);
    g_autofree char *d = g_strdup_printf ("not sent: %s: is a folder; give the bundle files in it", folder);
    assert_says (out, m);
    assert_says (out, d);
  }
  assert_says (out, line);
  g_assert_cmpuint (stored (f), ==, 1);
}

/* A process's peak memory so far (VmHWM), in KiB; -1 once it has ended. */
static gint64
hwm_of (GPid pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/status", (int) pid);
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents (path, &status, NULL, NULL) || (line = strstr (status, "VmHWM:")) == NULL)
    return -1;
  return g_ascii_strtoll (line + strlen ("VmHWM:"), NULL, 10);
}

/* `sayso ARGS…` run to its end; its peak memory in KiB, as the kernel
 * counted it for that program's own memory, read until it ended. (Not
 * wait4's: a child's count starts from what its parent held when it forked.) */
static gint64
peak_of (const char **args,
         char       **out)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) env = g_get_environ ();
  g_autoptr(GString) text = g_string_new (NULL);
  GPid pid;
  int out_fd = -1, status = 0;
  gint64 peak = -1;

  g_ptr_array_add (argv, (gpointer) test_sayso_binary ());
  for (guint i = 0; args[i]; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  /* Under AddressSanitizer freed memory waits in a quarantine (256 MiB; 1
   * here): the peak would count every chunk streamed through, not what is
   * held at once. */
  if (g_getenv ("ASAN_OPTIONS"))
    {
      g_autofree char *asan = g_strconcat (g_getenv ("ASAN_OPTIONS"), ":quarantine_size_mb=1", NULL);
      env = g_environ_setenv (env, "ASAN_OPTIONS", asan, TRUE);
    }
  g_assert_true (g_spawn_async_with_pipes (NULL, (char **) argv->pdata, env,
                                           G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
                                           &pid, NULL, &out_fd, NULL, &error));
  g_assert_no_error (error);
  g_unix_set_fd_nonblocking (out_fd, TRUE, NULL);
  /* The peak only grows, and what was read last is its program's own: the
   * first reads may still see the copy of this process made by fork. */
  for (;;)
    {
      char buf[4096];
      gssize n;
      gint64 now = hwm_of (pid);

      if (now >= 0)
        peak = now;
      while ((n = read (out_fd, buf, sizeof buf)) > 0)
        g_string_append_len (text, buf, n);
      if (waitpid (pid, &status, WNOHANG) == pid)
        break;
      g_usleep (G_USEC_PER_SEC / 200);
    }
  {
    char buf[4096];
    gssize n;

    while ((n = read (out_fd, buf, sizeof buf)) > 0)
      g_string_append_len (text, buf, n);
  }
  close (out_fd);
  g_spawn_close_pid (pid);
  g_assert_cmpint (peak, >, 0);
  if (out)
    *out = g_string_free (g_steal_pointer (&text), FALSE);
  return peak;
}

/* The promise: a bundle is streamed from its file, never read whole. A
 * 64 MiB file sent by `sayso upload` raises its peak memory by much less
 * than the file above a small bundle's; the control: the same measure sees
 * `sayso submit`, which reads its input whole, hold the same 64 MiB. */
static void
test_streamed (Upload        *f,
               gconstpointer  data)
{
  const gsize size = 64 * 1024 * 1024;
  g_autofree char *small = make_bundle (f, f->store, 1);
  g_autofree char *big = g_build_filename (f->dir, "big.sayso", NULL);
  g_autofree char *held = g_build_filename (f->dir, "held.jsonl", NULL);
  g_autofree char *out_small = NULL, *out_big = NULL;
  g_autofree guint8 *junk = g_malloc (size);
  gint64 base, peak, control;

  memset (junk, 'x', size);
  memcpy (junk, "SAYSOBN1", 8);
  g_assert_true (g_file_set_contents (big, (const char *) junk, size, NULL));
  g_assert_true (g_file_set_contents (held, (const char *) junk, size, NULL));
  g_clear_pointer (&junk, g_free);

  {
    const char *args[] = { "upload", "--to", f->url, "--service-key", f->service_pub, small, NULL };
    base = peak_of (args, &out_small);
    assert_says (out_small, ": received: ");
  }
  {
    const char *args[] = { "upload", "--to", f->url, "--service-key", f->service_pub, big, NULL };
    peak = peak_of (args, &out_big);
    /* It went whole, and the service read it all before it refused it. */
    assert_says (out_big, "big.sayso: refused: ");
  }
  {
    const char *args[] = { "submit", "--store", f->store, held, NULL };
    control = peak_of (args, NULL);
  }
  g_test_message ("peak memory: %" G_GINT64_FORMAT " KiB for a small bundle, %" G_GINT64_FORMAT " KiB for 64 MiB; "
                  "%" G_GINT64_FORMAT " KiB for `sayso submit` of 64 MiB", base, peak, control);
  g_assert_cmpint (peak - base, <, 16 * 1024);
  g_assert_cmpint (control - base, >=, 48 * 1024);
}

/* A bundle larger than the service takes: refused for good in its words,
 * not tried again, exit 2; the control: a small one is received. */
static void
test_over_size (Upload        *f,
                gconstpointer  data)
{
  const gsize size = 4 * 1024 * 1024;
  g_autofree char *small = make_bundle (f, f->store, 1);
  g_autofree char *big = g_build_filename (f->dir, "big.sayso", NULL);
  g_autofree guint8 *junk = g_malloc (size);
  g_autofree char *out = NULL, *err = NULL;
  g_autofree char *line = received_line (f, small, "received", 1, 1);

  memset (junk, 'x', size);
  memcpy (junk, "SAYSOBN1", 8);
  g_assert_true (g_file_set_contents (big, (const char *) junk, size, NULL));
  start_server_with (f, "127.0.0.1:0", "1048576");

  g_assert_cmpint (test_run_sayso (NULL, &out, &err, "upload", "--to", f->url, "--service-key", f->service_pub, big, small, NULL), ==, 2);
  assert_says (out, "big.sayso: refused: ");
  assert_says (out, "larger than");
  assert_says (out, line);
  g_assert_null (strstr (err, "trying again"));
  g_assert_cmpuint (stored (f), ==, 1);
}

/* A wrong command line: exit 2, saying what is wrong, nothing sent. */
static void
test_command_line (Upload        *f,
                   gconstpointer  data)
{
  g_autofree char *bundle = make_bundle (f, f->store, 1);
  g_autofree char *e1 = NULL, *e2 = NULL, *e3 = NULL, *e4 = NULL, *help = NULL;

  g_assert_cmpint (test_run_sayso (NULL, NULL, &e1, "upload", "--to", f->url, bundle, NULL), ==, 2);
  assert_says (e1, "give --to URL --service-key KEY");
  g_assert_cmpint (test_run_sayso (NULL, NULL, &e2, "upload", "--to", "ftp://example.org/", "--service-key", f->service_pub, bundle, NULL), ==, 2);
  assert_says (e2, "is not the address of a collection service");
  /* A kiosk's key is not a service's. */
  g_assert_cmpint (test_run_sayso (NULL, NULL, &e3, "upload", "--to", f->url, "--service-key", f->kiosk_pub, bundle, NULL), ==, 2);
  assert_says (e3, "not a sayso-collect-public-key");
  g_assert_cmpint (test_run_sayso (NULL, NULL, &e4, "upload", "--to", f->url, "--service-key", "nonsense", bundle, NULL), ==, 2);
  g_assert_cmpuint (stored (f), ==, 0);

  g_assert_cmpint (test_run_sayso (NULL, &help, NULL, "--help", NULL), ==, 0);
  assert_says (help, "  upload ");
  {
    g_autofree char *usage = NULL;
    g_assert_cmpint (test_run_sayso (NULL, &usage, NULL, "upload", "--help", NULL), ==, 0);
    assert_says (usage, "--to URL --service-key KEY BUNDLE...");
    assert_says (usage, "Exit status: 0 every bundle received");
  }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(name, func) \
  g_test_add (name, Upload, NULL, upload_setup, func, upload_teardown)
#define ADD_STOPPED(name, func) \
  g_test_add (name, Upload, "stopped", upload_setup, func, upload_teardown)
  ADD ("/upload/good-and-again", test_good_and_again);
  ADD ("/upload/tampered", test_tampered);
  ADD ("/upload/unknown-kiosk", test_unknown_kiosk);
  ADD ("/upload/conflict", test_conflict);
  ADD ("/upload/wrong-service-key", test_wrong_service_key);
  ADD_STOPPED ("/upload/impostor", test_impostor);
  ADD_STOPPED ("/upload/refusal-is-final", test_refusal_is_final);
  ADD_STOPPED ("/upload/full-then-received", test_full_then_received);
  ADD_STOPPED ("/upload/not-yet-listening", test_not_yet_listening);
  ADD_STOPPED ("/upload/dropped-connection", test_dropped_connection);
  ADD_STOPPED ("/upload/back-off", test_back_off);
  ADD ("/upload/bad-paths", test_bad_paths);
  ADD ("/upload/streamed", test_streamed);
  ADD_STOPPED ("/upload/over-size", test_over_size);
  ADD ("/upload/command-line", test_command_line);
#undef ADD
#undef ADD_STOPPED

  return g_test_run ();
}
