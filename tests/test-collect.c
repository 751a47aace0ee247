/* The collection service, `sayso-collect serve`, as a kiosk, an office PC
 * or an attacker meets it: the real program on 127.0.0.1, a port of its
 * own choosing, real bundles made by the real `sayso`, libsoup's client. */
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <signal.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sayso-bundle.h"
#include "sayso-crypto.h"
#include "sayso-process.h"
#include "sayso-receipt.h"
#include "sayso-test-utils.h"
#include "sayso-test-vfs.h"

#define SITE "Liverpool North"
/* A free-text answer the tests look for where no answer may be. */
#define MARKER "MARKER-a-thing-nobody-may-read-7Qx"

typedef struct
{
  char        *dir;
  char        *store;
  char        *kiosk_pub;
  char        *db;
  char        *server_log;
  guint8       kiosk_pk[SAYSO_SIGN_PUBLIC_KEY_SIZE];
  guint8       service_pk[SAYSO_SIGN_PUBLIC_KEY_SIZE];
  GSubprocess *server;
  char        *url;
  SoupSession *session;
  guint        sticks;
  gboolean     small_files;   /* the server may write no file past 256 KiB */
} Collect;

/* What the fixture's server is started with. */
typedef struct
{
  const char *max_size;
  const char *timeout;
  gboolean    tls;       /* HTTPS with tests/data/tls/service.crt */
  const char *silent_days;
} ServeOptions;

static const ServeOptions defaults = { NULL, NULL, FALSE, NULL };
static const ServeOptions small_limit = { "1048576", NULL, FALSE, NULL };
/* Long enough that a loaded machine's upload, sent while a slow client
 * dawdles, is answered well within it, and what it measures is the slow
 * client's, not the machine's. */
#define SHORT_TIMEOUT 10
static const ServeOptions short_timeout = { NULL, G_STRINGIFY (SHORT_TIMEOUT), FALSE, NULL };
static const ServeOptions with_tls = { NULL, NULL, TRUE, NULL };
static const ServeOptions patient = { NULL, NULL, FALSE, "20" };

/* A test-only certificate or key (tests/data/tls/README). */
static char *
tls_file (const char *name)
{
  g_assert_nonnull (g_getenv ("SAYSO_SOURCE_DIR"));
  return g_build_filename (g_getenv ("SAYSO_SOURCE_DIR"), "tests", "data", "tls", name, NULL);
}

/* A kiosk store at @store for SITE; its public key written to @pub. */
static void
make_kiosk (Collect    *f,
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

/* In the server, before it runs: a disk that takes no more than 256 KiB a
 * file (its database and wal-index fit; a day's bundle of 30 does not). */
static void
limit_file_size (gpointer user_data)
{
  struct rlimit small = { 256 * 1024, 256 * 1024 };

  signal (SIGXFSZ, SIG_IGN);
  setrlimit (RLIMIT_FSIZE, &small);
}

static void
start_server (Collect            *f,
              const ServeOptions *options)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GDataInputStream) lines = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *cert = tls_file ("service.crt");
  g_autofree char *key = tls_file ("service.key");

  g_ptr_array_add (argv, (gpointer) test_collect_binary ());
  g_ptr_array_add (argv, "serve");
  g_ptr_array_add (argv, "--db");
  g_ptr_array_add (argv, f->db);
  g_ptr_array_add (argv, "--listen");
  g_ptr_array_add (argv, "127.0.0.1:0");
  if (options && options->max_size)
    {
      g_ptr_array_add (argv, "--max-size");
      g_ptr_array_add (argv, (gpointer) options->max_size);
    }
  if (options && options->timeout)
    {
      g_ptr_array_add (argv, "--timeout");
      g_ptr_array_add (argv, (gpointer) options->timeout);
    }
  if (options && options->silent_days)
    {
      g_ptr_array_add (argv, "--silent-days");
      g_ptr_array_add (argv, (gpointer) options->silent_days);
    }
  if (options && options->tls)
    {
      g_ptr_array_add (argv, "--tls-cert");
      g_ptr_array_add (argv, cert);
      g_ptr_array_add (argv, "--tls-key");
      g_ptr_array_add (argv, key);
    }
  g_ptr_array_add (argv, NULL);

  g_subprocess_launcher_set_stderr_file_path (launcher, f->server_log);
  if (f->small_files)
    g_subprocess_launcher_set_child_setup (launcher, limit_file_size, NULL, NULL);
  /* Under AddressSanitizer freed memory waits in a quarantine (256 MiB; 1 here):
   * the server's peak memory would measure that, not what it holds. */
  if (g_getenv ("ASAN_OPTIONS"))
    {
      g_autofree char *asan = g_strconcat (g_getenv ("ASAN_OPTIONS"), ":quarantine_size_mb=1", NULL);
      g_subprocess_launcher_setenv (launcher, "ASAN_OPTIONS", asan, TRUE);
    }
  f->server = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);

  /* Its first line is where it listens. */
  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (f->server));
  g_free (f->url);
  f->url = g_data_input_stream_read_line_utf8 (lines, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (f->url);
  g_assert_true (g_str_has_prefix (f->url, options && options->tls ? "https://127.0.0.1:" : "http://127.0.0.1:"));
  g_assert_false (g_str_has_suffix (f->url, ":0/"));
}

static void
stop_server (Collect *f)
{
  g_autoptr(GError) error = NULL;

  if (f->server == NULL)
    return;
  g_subprocess_send_signal (f->server, SIGTERM);
  g_assert_true (g_subprocess_wait (f->server, NULL, &error));
  g_assert_no_error (error);
  /* SIGTERM is an orderly stop. */
  g_assert_true (g_subprocess_get_if_exited (f->server));
  g_assert_cmpint (g_subprocess_get_exit_status (f->server), ==, 0);
  g_clear_object (&f->server);
}

static void
collect_setup (Collect       *f,
               gconstpointer  data)
{
  g_autofree char *keys = NULL;
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;

  sayso_init ();
  f->dir = test_make_tmp_dir ();
  keys = g_build_filename (f->dir, "keys", NULL);
  g_assert_cmpint (test_run_sayso (NULL, NULL, NULL, "keygen", "--out", keys, NULL), ==, 0);
  f->store = g_build_filename (f->dir, "kiosk.db", NULL);
  f->kiosk_pub = g_build_filename (f->dir, "kiosk.pub", NULL);
  make_kiosk (f, f->store, f->kiosk_pub, f->kiosk_pk);

  f->db = g_build_filename (f->dir, "collect.db", NULL);
  f->server_log = g_build_filename (f->dir, "server.log", NULL);
  g_assert_cmpint (test_run_collect (&out, NULL, "init", "--db", f->db, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "# Sayso collection service"));
  g_assert_true (sayso_key_from_text (SAYSO_KEY_SERVICE_PUBLIC, strstr (out, "# Sayso collection service"),
                                      strlen (strstr (out, "# Sayso collection service")),
                                      "init's output", f->service_pk, &error));
  g_assert_no_error (error);
  g_assert_cmpint (test_run_collect (NULL, NULL, "enroll", "--db", f->db, "--site", SITE, f->kiosk_pub, NULL), ==, 0);

  start_server (f, data);
  f->session = soup_session_new ();
  if (data && ((const ServeOptions *) data)->tls)
    {
      /* A client that trusts the test's certificate, as an uploader given it would. */
      g_autofree char *cert = tls_file ("service.crt");
      g_autoptr(GTlsDatabase) trust = g_tls_file_database_new (cert, &error);

      g_assert_no_error (error);
      soup_session_set_tls_database (f->session, trust);
    }
}

static void
collect_teardown (Collect       *f,
                  gconstpointer  data)
{
  g_clear_object (&f->session);
  stop_server (f);
  test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->store);
  g_free (f->kiosk_pub);
  g_free (f->db);
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
make_bundle (Collect    *f,
             const char *store,
             guint       n)
{
  g_autofree char *stick = g_strdup_printf ("%s/stick-%u", f->dir, ++f->sticks);
  g_autoptr(GString) input = g_string_new (NULL);

  for (guint i = 0; i < n; i++)
    g_string_append_printf (input, "{\"questionnaire\": \"hmip-user-voice\", \"answers\": {\"how_often\": \"weekly\","
                                   " \"induction\": \"%s %u\"}}\n", MARKER, i);
  if (n > 0)
    g_assert_cmpint (test_run_sayso (input->str, NULL, NULL, "submit", "--store", store, "-", NULL), ==, 0);
  g_assert_cmpint (g_mkdir (stick, 0700), ==, 0);
  g_assert_cmpint (test_run_sayso (NULL, NULL, NULL, "export", "--store", store, "--to", stick, NULL), ==, 0);
  return only_file_in (stick);
}

static char *
copy_with (Collect    *f,
           const char *path,
           const char *name,
           gsize       keep,
           gsize       flip)
{
  g_autofree char *contents = NULL;
  char *copy = g_build_filename (f->dir, name, NULL);
  gsize len = 0;

  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  if (flip < len)
    contents[flip] ^= 0x01;
  g_assert_true (g_file_set_contents (copy, contents, MIN (keep, len), NULL));
  return copy;
}

static JsonObject *
parse_object (GBytes *body)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  gsize len = 0;
  const char *data = g_bytes_get_data (body, &len);

  g_assert_true (json_parser_load_from_data (parser, data, len, NULL));
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static guint
send_bytes (Collect     *f,
            const char  *path,
            GBytes      *body,
            JsonObject **reply)
{
  g_autofree char *url = g_strconcat (f->url, path + 1, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("POST", url);
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(GError) error = NULL;

  soup_message_set_request_body_from_bytes (msg, "application/octet-stream", body);
  answer = soup_session_send_and_read (f->session, msg, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (soup_message_headers_get_content_type (soup_message_get_response_headers (msg), NULL), ==,
                   "application/json");
  if (reply)
    *reply = parse_object (answer);
  return soup_message_get_status (msg);
}

static guint
upload (Collect     *f,
        const char  *bundle,
        JsonObject **reply)
{
  g_autofree char *contents = NULL;
  g_autoptr(GBytes) body = NULL;
  gsize len = 0;

  g_assert_true (g_file_get_contents (bundle, &contents, &len, NULL));
  body = g_bytes_new_take (g_steal_pointer (&contents), len);
  return send_bytes (f, "/bundles", body, reply);
}

/* What `sayso-collect list` says is stored: one line a bundle. */
static char *
stored (const char *db)
{
  char *out = NULL;

  g_assert_cmpint (test_run_collect (&out, NULL, "list", "--db", db, NULL), ==, 0);
  return out;
}

static guint
lines_in (const char *text)
{
  guint n = 0;

  for (const char *p = text; *p; p++)
    n += *p == '\n';
  return n;
}

/* @reply is read once @status, the call that fills it, has been made. */
static void
assert_refused (guint        status,
                guint        expected,
                JsonObject **replyp,
                const char  *words)
{
  JsonObject *reply = *replyp;
  const char *reason;

  g_assert_cmpuint (status, ==, expected);
  reason = json_object_get_string_member_with_default (reply, "error", NULL);
  g_assert_nonnull (reason);
  if (strstr (reason, words) == NULL)
    g_error ("the reason “%s” does not say “%s”", reason, words);
  {
    /* At the end of a sentence or of a clause. */
    g_autofree char *lower = g_utf8_strdown (reason, -1);
    g_assert_nonnull (strstr (lower, "nothing was kept"));
  }
  g_assert_false (json_object_has_member (reply, "receipt"));
}

static void
assert_no_answer_in (const char *path)
{
  g_assert_false (test_file_contains (path, MARKER));
}

/* A good bundle: 201 and a receipt that verifies with the service's key and
 * names the bundle sent; the same again: 200 and the same receipt. A receipt
 * changed by one byte, or checked with another key, fails. */
static void
test_good_upload (Collect       *f,
                  gconstpointer  data)
{
  g_autofree char *bundle = make_bundle (f, f->store, 3);
  g_autoptr(JsonObject) reply = NULL;
  g_autoptr(JsonObject) again = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(SaysoReceipt) receipt = { 0 };
  g_autofree char *list = NULL;
  g_autofree char *expected = g_strdup ("received: " SITE ", kiosk 1, bundle 1, 3 responses");
  guint8 hash[SAYSO_RECEIPT_HASH_SIZE];
  const char *text, *signature;

  g_assert_cmpuint (upload (f, bundle, &reply), ==, SOUP_STATUS_CREATED);
  g_assert_cmpstr (json_object_get_string_member (reply, "status"), ==, "received");
  g_assert_cmpstr (json_object_get_string_member (reply, "message"), ==, expected);
  text = json_object_get_string_member (reply, "receipt");
  signature = json_object_get_string_member (reply, "signature");
  g_assert_true (sayso_receipt_verify (text, strlen (text), signature, f->service_pk, &receipt, &error));
  g_assert_no_error (error);
  g_assert_cmpmem (receipt.kiosk_pk, sizeof receipt.kiosk_pk, f->kiosk_pk, sizeof f->kiosk_pk);
  g_assert_cmpstr (receipt.site, ==, SITE);
  g_assert_cmpint (receipt.sequence, ==, 1);
  g_assert_cmpint (receipt.record_count, ==, 3);
  g_assert_true (sayso_receipt_hash_file (bundle, hash, &error));
  g_assert_cmpmem (receipt.bundle_hash, sizeof hash, hash, sizeof hash);

  /* The controls: one byte changed anywhere, or another service's key. */
  for (gsize at = 0; at < strlen (text); at += 7)
    {
      g_autofree char *changed = g_strdup (text);
      g_autoptr(GError) local_error = NULL;

      changed[at] ^= 0x01;
      g_assert_false (sayso_receipt_verify (changed, strlen (changed), signature, f->service_pk, NULL, &local_error));
      g_assert_error (local_error, SAYSO_RECEIPT_ERROR, SAYSO_RECEIPT_ERROR_BAD_SIGNATURE);
    }
  {
    guint8 other_pk[SAYSO_SIGN_PUBLIC_KEY_SIZE], other_sk[SAYSO_SIGN_SECRET_KEY_SIZE];
    g_autoptr(GError) local_error = NULL;

    sayso_sign_keypair_new (other_pk, other_sk);
    g_assert_false (sayso_receipt_verify (text, strlen (text), signature, other_pk, NULL, &local_error));
    g_assert_error (local_error, SAYSO_RECEIPT_ERROR, SAYSO_RECEIPT_ERROR_BAD_SIGNATURE);
  }

  g_assert_cmpuint (upload (f, bundle, &again), ==, SOUP_STATUS_OK);
  g_assert_cmpstr (json_object_get_string_member (again, "status"), ==, "already received");
  g_assert_cmpstr (json_object_get_string_member (again, "receipt"), ==, text);
  g_assert_cmpstr (json_object_get_string_member (again, "signature"), ==, signature);

  list = stored (f->db);
  g_assert_cmpuint (lines_in (list), ==, 1);
  g_assert_nonnull (strstr (list, "\tbundle 1\t3 responses\t"));

  /* It holds the bundle, sealed: no answer in its database or its log. */
  stop_server (f);
  assert_no_answer_in (f->db);
  assert_no_answer_in (f->server_log);

  /* The control: the marker is in the answers, for the analysts' key. */
  {
    g_autofree char *key = g_build_filename (f->dir, "keys", "recipient.key", NULL);
    g_autoptr(SaysoBundle) opened = sayso_bundle_open (bundle, f->kiosk_pk, &error);
    g_autoptr(GBytes) sealed = NULL;
    g_autoptr(GBytes) plain = NULL;
    guint8 sk[SAYSO_BOX_SECRET_KEY_SIZE];

    g_assert_no_error (error);
    g_assert_true (sayso_key_read_file (SAYSO_KEY_RECIPIENT_SECRET, key, sk, &error));
    sealed = sayso_bundle_read_record (opened, 0, &error);
    g_assert_no_error (error);
    plain = sayso_unseal (sk, sealed, &error);
    g_assert_no_error (error);
    g_assert_nonnull (memmem (g_bytes_get_data (plain, NULL), g_bytes_get_size (plain), MARKER, strlen (MARKER)));
  }
}

/* A flipped byte in a record, or in the signed manifest: 422, nothing kept.
 * The same bundle unchanged is then received (the control). */
static void
test_tampered (Collect       *f,
               gconstpointer  data)
{
  g_autofree char *bundle = make_bundle (f, f->store, 2);
  g_autofree char *in_record = copy_with (f, bundle, "record.sayso", G_MAXSIZE, 100);
  g_autofree char *in_manifest = NULL;
  g_autofree char *list = NULL;
  g_autoptr(JsonObject) a = NULL, b = NULL, c = NULL;
  struct stat st;

  g_assert_cmpint (g_stat (bundle, &st), ==, 0);
  /* Just before the signature, the manifest's closing bracket. */
  in_manifest = copy_with (f, bundle, "manifest.sayso", G_MAXSIZE, (gsize) st.st_size - 77);

  assert_refused (upload (f, in_record, &a), SOUP_STATUS_UNPROCESSABLE_ENTITY, &a, "a response in it does not match what the kiosk signed");
  assert_refused (upload (f, in_manifest, &b), SOUP_STATUS_UNPROCESSABLE_ENTITY, &b, "the kiosk's signature does not match");
  g_assert_nonnull (strstr (json_object_get_string_member (a, "error"), "This file was changed or damaged after it was made"));
  g_assert_nonnull (strstr (json_object_get_string_member (b, "error"), "export it again from the kiosk"));
  list = stored (f->db);
  g_assert_cmpstr (list, ==, "");

  g_assert_cmpuint (upload (f, bundle, &c), ==, SOUP_STATUS_CREATED);
}

/* A copy cut short, garbage, an empty body: 400 with the reason. */
static void
test_truncated_and_garbage (Collect       *f,
                            gconstpointer  data)
{
  g_autofree char *bundle = make_bundle (f, f->store, 2);
  g_autofree char *half = NULL;
  g_autofree char *list = NULL;
  g_autoptr(JsonObject) a = NULL, b = NULL, c = NULL, d = NULL;
  g_autoptr(GBytes) garbage = g_bytes_new_static ("GET / HTTP/1.1\r\n\r\n{\"sayso_bundle\": 1}", 36);
  g_autoptr(GBytes) empty = g_bytes_new_static ("", 0);
  struct stat st;

  g_assert_cmpint (g_stat (bundle, &st), ==, 0);
  half = copy_with (f, bundle, "half.sayso", (gsize) st.st_size / 2, G_MAXSIZE);

  assert_refused (upload (f, half, &a), SOUP_STATUS_BAD_REQUEST, &a, "This file is incomplete");
  assert_refused (send_bytes (f, "/bundles", garbage, &b), SOUP_STATUS_BAD_REQUEST, &b, "This is not a survey file from a kiosk");
  g_assert_cmpuint (send_bytes (f, "/bundles", empty, &c), ==, SOUP_STATUS_BAD_REQUEST);
  g_assert_nonnull (strstr (json_object_get_string_member (c, "error"), "empty"));
  list = stored (f->db);
  g_assert_cmpstr (list, ==, "");

  g_assert_cmpuint (upload (f, bundle, &d), ==, SOUP_STATUS_CREATED);
}

/* A kiosk that was never enrolled: 403 naming it, nothing kept; enrolled
 * while the service runs, the same file is received. */
static void
test_unknown_kiosk (Collect       *f,
                    gconstpointer  data)
{
  g_autofree char *store = g_build_filename (f->dir, "stranger.db", NULL);
  g_autofree char *pub = g_build_filename (f->dir, "stranger.pub", NULL);
  g_autofree char *bundle = NULL;
  g_autofree char *list = NULL;
  g_autofree char *kiosk = NULL;
  g_autoptr(JsonObject) a = NULL, b = NULL;
  guint8 pk[SAYSO_SIGN_PUBLIC_KEY_SIZE];

  make_kiosk (f, store, pub, pk);
  bundle = make_bundle (f, store, 1);
  kiosk = sayso_key_fingerprint (pk);

  assert_refused (upload (f, bundle, &a), SOUP_STATUS_FORBIDDEN, &a,
                  "This kiosk is not enrolled: ask the inspection team to enrol " SITE "'s kiosk");
  g_assert_nonnull (strstr (json_object_get_string_member (a, "error"), kiosk));
  list = stored (f->db);
  g_assert_cmpstr (list, ==, "");

  /* A stranger's list longer than an honest day's (400 records: some 76 KiB)
   * is not read at all: the refusal names the key only. Control: the small
   * one above named its site. */
  {
    g_autofree char *big_store = g_build_filename (f->dir, "stranger-big.db", NULL);
    g_autofree char *big_pub = g_build_filename (f->dir, "stranger-big.pub", NULL);
    g_autofree char *big = NULL;
    g_autoptr(JsonObject) c = NULL;
    guint8 big_pk[SAYSO_SIGN_PUBLIC_KEY_SIZE];
    const char *reason;

    make_kiosk (f, big_store, big_pub, big_pk);
    big = make_bundle (f, big_store, 400);
    assert_refused (upload (f, big, &c), SOUP_STATUS_FORBIDDEN, &c,
                    "This kiosk is not enrolled: ask the inspection team to enrol it (its key is");
    reason = json_object_get_string_member (c, "error");
    g_assert_null (strstr (reason, SITE));
  }

  g_assert_cmpint (test_run_collect (NULL, NULL, "enroll", "--db", f->db, "--site", "Wrexham", pub, NULL), ==, 0);
  g_assert_cmpuint (upload (f, bundle, &b), ==, SOUP_STATUS_CREATED);
  g_assert_nonnull (strstr (json_object_get_string_member (b, "message"), "Wrexham"));
}

/* A kiosk restored from a backup numbers its next export 1 again, with other
 * records: 409, kept aside (once, however often it comes), never dropped,
 * and the first bundle 1 stays the one received. */
static void
test_replayed_sequence (Collect       *f,
                        gconstpointer  data)
{
  g_autofree char *restored = g_build_filename (f->dir, "restored.db", NULL);
  g_autofree char *contents = NULL;
  g_autofree char *first = NULL, *second = NULL, *list = NULL;
  g_autoptr(JsonObject) a = NULL, b = NULL, c = NULL, d = NULL;
  gsize len = 0;

  g_assert_true (g_file_get_contents (f->store, &contents, &len, NULL));
  g_assert_true (g_file_set_contents (restored, contents, len, NULL));
  first = make_bundle (f, f->store, 2);
  second = make_bundle (f, restored, 1);

  g_assert_cmpuint (upload (f, first, &a), ==, SOUP_STATUS_CREATED);
  g_assert_cmpuint (upload (f, second, &b), ==, SOUP_STATUS_CONFLICT);
  g_assert_nonnull (strstr (json_object_get_string_member (b, "error"), SITE ", kiosk 1 already sent a different bundle 1"));
  g_assert_nonnull (strstr (json_object_get_string_member (b, "error"), "kept aside"));
  g_assert_false (json_object_has_member (b, "receipt"));
  g_assert_cmpuint (upload (f, second, &c), ==, SOUP_STATUS_CONFLICT);
  g_assert_cmpuint (upload (f, first, &d), ==, SOUP_STATUS_OK);

  list = stored (f->db);
  g_assert_cmpuint (lines_in (list), ==, 2);
  g_assert_nonnull (strstr (list, "\tbundle 1\t2 responses\t"));
  g_assert_nonnull (strstr (list, "\tbundle 1\t1 response\t"));
  g_assert_nonnull (strstr (list, "CONFLICT (kept aside)"));
  g_assert_cmpuint (strstr (list, "CONFLICT") - list, >, strstr (list, "2 responses") - list);
}

static gint64
status_kib (const char *pid,
            const char *field)
{
  g_autofree char *path = g_strdup_printf ("/proc/%s/status", pid);
  g_autofree char *status = NULL;
  const char *line;

  g_assert_true (g_file_get_contents (path, &status, NULL, NULL));
  line = strstr (status, field);
  g_assert_nonnull (line);
  return g_ascii_strtoll (line + strlen (field), NULL, 10);
}

static gint64
peak_kib (const char *pid)
{
  return status_kib (pid, "VmHWM:");
}

static gint64
server_peak_kib (Collect *f)
{
  return peak_kib (g_subprocess_get_identifier (f->server));
}

/* A body over the limit, 64 MiB against 1 MiB, with its length given and
 * without (chunked): 413, and the server's peak memory did not grow by
 * anything like the body. A bundle under the limit is still received. */
static void
test_over_size (Collect       *f,
                gconstpointer  data)
{
  const gsize size = 64 * 1024 * 1024;
  g_autofree char *bundle = make_bundle (f, f->store, 1);
  g_autofree guint8 *junk = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonObject) warm = NULL, a = NULL, b = NULL;
  g_autofree char *list = NULL;
  gint64 before, after, own_before;

  /* The control: /proc sees this process hold the body (its resident size:
   * its peak may already lie above from an earlier test in this process). */
  own_before = status_kib ("self", "VmRSS:");
  junk = g_malloc (size);
  memset (junk, 'x', size);
  g_assert_cmpint (status_kib ("self", "VmRSS:") - own_before, >=, (gint64) (size / 1024) - 1024);
  memcpy (junk, "SAYSOBN1", 8);
  body = g_bytes_new_take (g_steal_pointer (&junk), size);

  g_assert_cmpuint (upload (f, bundle, &warm), ==, SOUP_STATUS_CREATED);
  before = server_peak_kib (f);

  assert_refused (send_bytes (f, "/bundles", body, &a), SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, &a, "larger than");
  {
    g_autofree char *url = g_strconcat (f->url, "bundles", NULL);
    g_autoptr(SoupMessage) msg = soup_message_new ("POST", url);
    g_autoptr(GInputStream) stream = g_memory_input_stream_new_from_bytes (body);
    g_autoptr(GBytes) answer = NULL;
    g_autoptr(GError) error = NULL;

    /* No length: the service finds out as it comes. */
    soup_message_set_request_body (msg, "application/octet-stream", stream, -1);
    answer = soup_session_send_and_read (f->session, msg, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (soup_message_headers_get_encoding (soup_message_get_request_headers (msg)), ==, SOUP_ENCODING_CHUNKED);
    b = parse_object (answer);
    assert_refused (soup_message_get_status (msg), SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, &b, "larger than");
  }

  after = server_peak_kib (f);
  g_test_message ("server peak memory %" G_GINT64_FORMAT " KiB before, %" G_GINT64_FORMAT " KiB after two 64 MiB bodies",
                  before, after);
  g_assert_cmpint (after - before, <, 8 * 1024);

  list = stored (f->db);
  g_assert_cmpuint (lines_in (list), ==, 1);
  {
    g_autofree char *incoming = g_strconcat (f->db, ".incoming", NULL);
    g_autoptr(GDir) dir = g_dir_open (incoming, 0, NULL);
    g_assert_nonnull (dir);
    g_assert_null (g_dir_read_name (dir));
  }
}

static guint
get_status (Collect     *f,
            const char  *token,
            JsonObject **reply)
{
  g_autofree char *url = g_strconcat (f->url, "status", NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(GError) error = NULL;

  if (token)
    {
      g_autofree char *value = g_strconcat ("Bearer ", token, NULL);
      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", value);
    }
  answer = soup_session_send_and_read (f->session, msg, NULL, &error);
  g_assert_no_error (error);
  *reply = parse_object (answer);
  return soup_message_get_status (msg);
}

/* The status answers a token's holder only, until it is revoked; it counts
 * bundles and responses, and names the bundle that never came. The
 * database keeps the token's hash, not the token. */
static void
test_token_and_status (Collect       *f,
                       gconstpointer  data)
{
  g_autofree char *out = NULL, *err = NULL, *revoked = NULL;
  g_autofree char *b1 = make_bundle (f, f->store, 2);
  g_autofree char *b2 G_GNUC_UNUSED = make_bundle (f, f->store, 1);   /* exported, never sent: the gap */
  g_autofree char *b3 = make_bundle (f, f->store, 4);
  g_autoptr(JsonObject) none = NULL, wrong = NULL, good = NULL, after = NULL, r1 = NULL, r3 = NULL;
  JsonObject *kiosk;
  JsonArray *missing;
  char *token;

  g_assert_cmpint (test_run_collect (&out, &err, "token", "--db", f->db, "--name", "Ann Analyst", NULL), ==, 0);
  token = g_strstrip (out);
  g_assert_cmpuint (strlen (token), >=, 43);
  g_assert_nonnull (strstr (err, "only once"));
  g_assert_false (test_file_contains (f->db, token));

  g_assert_cmpuint (upload (f, b1, &r1), ==, SOUP_STATUS_CREATED);
  g_assert_cmpuint (upload (f, b3, &r3), ==, SOUP_STATUS_CREATED);

  g_assert_cmpuint (get_status (f, NULL, &none), ==, SOUP_STATUS_UNAUTHORIZED);
  g_assert_cmpuint (get_status (f, "not-a-token", &wrong), ==, SOUP_STATUS_UNAUTHORIZED);
  g_assert_cmpuint (get_status (f, token, &good), ==, SOUP_STATUS_OK);
  kiosk = json_array_get_object_element (json_object_get_array_member (good, "kiosks"), 0);
  g_assert_cmpstr (json_object_get_string_member (kiosk, "site"), ==, SITE);
  g_assert_cmpint (json_object_get_int_member (kiosk, "bundles"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (kiosk, "responses"), ==, 6);
  missing = json_object_get_array_member (kiosk, "missing");
  g_assert_cmpuint (json_array_get_length (missing), ==, 1);
  g_assert_cmpint (json_array_get_int_element (missing, 0), ==, 2);

  g_assert_cmpint (test_run_collect (&revoked, NULL, "token", "--db", f->db, "--name", "Ann Analyst", "--revoke", NULL), ==, 0);
  g_assert_nonnull (strstr (revoked, "Revoked 1 token"));
  g_assert_cmpuint (get_status (f, token, &after), ==, SOUP_STATUS_UNAUTHORIZED);
  g_assert_nonnull (strstr (json_object_get_string_member (after, "error"), "revoked"));
  g_assert_false (json_object_has_member (after, "kiosks"));
}

/* A backup made while the service runs opens with the same bundles, and
 * the copy is its owner's only; it never replaces a file. */
static void
test_backup (Collect       *f,
             gconstpointer  data)
{
  g_autofree char *b1 = make_bundle (f, f->store, 2);
  g_autofree char *b2 = make_bundle (f, f->store, 3);
  g_autofree char *copy = g_build_filename (f->dir, "copy.db", NULL);
  g_autofree char *original = NULL, *copied = NULL, *err = NULL;
  g_autoptr(JsonObject) r1 = NULL, r2 = NULL;
  struct stat st;

  g_assert_cmpuint (upload (f, b1, &r1), ==, SOUP_STATUS_CREATED);
  g_assert_cmpuint (upload (f, b2, &r2), ==, SOUP_STATUS_CREATED);
  g_assert_cmpint (test_run_collect (NULL, NULL, "backup", "--db", f->db, "--to", copy, NULL), ==, 0);
  g_assert_cmpint (g_stat (copy, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  original = stored (f->db);
  copied = stored (copy);
  g_assert_cmpuint (lines_in (original), ==, 2);
  g_assert_cmpstr (copied, ==, original);

  g_assert_cmpint (test_run_collect (NULL, &err, "backup", "--db", f->db, "--to", copy, NULL), ==, 1);
  g_assert_nonnull (strstr (err, "already there"));
  g_clear_pointer (&copied, g_free);
  copied = stored (copy);
  g_assert_cmpstr (copied, ==, original);
}

static GSocket *
connect_raw (Collect *f)
{
  g_autoptr(GUri) uri = g_uri_parse (f->url, G_URI_FLAGS_NONE, NULL);
  g_autoptr(GInetAddress) address = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) where = g_inet_socket_address_new (address, (guint16) g_uri_get_port (uri));
  g_autoptr(GError) error = NULL;
  GSocket *socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);

  g_assert_no_error (error);
  g_assert_true (g_socket_connect (socket, where, NULL, &error));
  return socket;
}

static void
send_all (GSocket    *socket,
          const void *data,
          gsize       len)
{
  g_autoptr(GError) error = NULL;

  while (len > 0)
    {
      gssize n = g_socket_send (socket, data, len, NULL, &error);
      g_assert_no_error (error);
      data = (const char *) data + n;
      len -= n;
    }
}

static gboolean
incoming_is_empty (Collect *f)
{
  g_autofree char *incoming = g_strconcat (f->db, ".incoming", NULL);
  g_autoptr(GDir) dir = g_dir_open (incoming, 0, NULL);

  g_assert_nonnull (dir);
  return g_dir_read_name (dir) == NULL;
}

/* Until the service's folder of uploads under way is @empty, or is not; a
 * minute before calling it stuck. */
static void
wait_incoming (Collect  *f,
               gboolean  empty)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  while (incoming_is_empty (f) != empty && g_get_monotonic_time () < deadline)
    g_usleep (G_USEC_PER_SEC / 20);
}

/* A client that sends a byte a second loses its connection at the deadline
 * (SHORT_TIMEOUT here), and holds nothing meanwhile: a whole upload sent while it
 * dawdles is answered at once (the control). One that sends nothing at all
 * is closed too. */
static void
test_slow_client (Collect       *f,
                  gconstpointer  data)
{
  g_autofree char *bundle = make_bundle (f, f->store, 1);
  g_autoptr(GSocket) slow = connect_raw (f);
  g_autoptr(GSocket) silent = connect_raw (f);
  g_autoptr(JsonObject) reply = NULL;
  const char head[] = "POST /bundles HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100000\r\n\r\nSAYSOBN1";
  gint64 start = g_get_monotonic_time ();
  gboolean closed = FALSE;

  send_all (slow, head, strlen (head));
  for (guint i = 0; i < 2 * SHORT_TIMEOUT && !closed; i++)
    {
      g_autoptr(GError) error = NULL;

      if (i == 1)
        {
          gint64 before = g_get_monotonic_time ();
          g_assert_cmpuint (upload (f, bundle, &reply), ==, SOUP_STATUS_CREATED);
          /* Well before the slow one's deadline, on a loaded machine too. */
          g_assert_cmpint (g_get_monotonic_time () - before, <, (SHORT_TIMEOUT - 3) * G_USEC_PER_SEC);
        }
      /* A byte, then a second's wait to see whether the service hung up. */
      if (g_socket_send (slow, "x", 1, NULL, &error) < 0)
        {
          closed = TRUE;
          break;
        }
      if (g_socket_condition_timed_wait (slow, G_IO_IN | G_IO_HUP | G_IO_ERR, G_USEC_PER_SEC, NULL, NULL))
        {
          char buf[512];
          gssize n = g_socket_receive (slow, buf, sizeof buf, NULL, NULL);
          closed = n <= 0 || (n >= 12 && g_str_has_prefix (buf, "HTTP/1.1 "));
        }
    }
  g_assert_true (closed);
  g_test_message ("the slow client was cut off after %.1f s", (g_get_monotonic_time () - start) / 1e6);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, (SHORT_TIMEOUT - 1) * G_USEC_PER_SEC);
  g_assert_cmpint (g_get_monotonic_time () - start, <, (SHORT_TIMEOUT + 5) * G_USEC_PER_SEC);
  /* Its half upload goes once the server has seen the connection end. */
  wait_incoming (f, TRUE);
  g_assert_true (incoming_is_empty (f));

  /* A connection that never sends a byte is closed as well. */
  {
    char buf[16];
    g_assert_true (g_socket_condition_timed_wait (silent, G_IO_IN | G_IO_HUP | G_IO_ERR,
                                                  (SHORT_TIMEOUT + 5) * G_USEC_PER_SEC, NULL, NULL));
    g_assert_cmpint (g_socket_receive (silent, buf, sizeof buf, NULL, NULL), <=, 0);
  }
}

/* The server killed while a bundle is half uploaded keeps no part of it;
 * started again, it takes the retry. */
static void
test_killed_mid_upload (Collect       *f,
                        gconstpointer  data)
{
  g_autofree char *bundle = make_bundle (f, f->store, 5);
  g_autofree char *contents = NULL;
  g_autofree char *head = NULL;
  g_autofree char *list = NULL;
  g_autoptr(GSocket) socket = connect_raw (f);
  g_autoptr(JsonObject) reply = NULL;
  g_autoptr(GError) error = NULL;
  gsize len = 0;

  g_assert_true (g_file_get_contents (bundle, &contents, &len, NULL));
  head = g_strdup_printf ("POST /bundles HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: %" G_GSIZE_FORMAT "\r\n\r\n", len);
  send_all (socket, head, strlen (head));
  send_all (socket, contents, len / 2);
  /* Until the server has written some of it down. */
  wait_incoming (f, FALSE);
  g_assert_false (incoming_is_empty (f));

  g_subprocess_force_exit (f->server);
  g_assert_true (g_subprocess_wait (f->server, NULL, &error));
  g_assert_false (g_subprocess_get_if_exited (f->server));
  g_clear_object (&f->server);
  list = stored (f->db);
  g_assert_cmpstr (list, ==, "");

  start_server (f, data);
  g_assert_true (incoming_is_empty (f));
  g_assert_cmpuint (upload (f, bundle, &reply), ==, SOUP_STATUS_CREATED);
  g_clear_pointer (&list, g_free);
  list = stored (f->db);
  g_assert_cmpuint (lines_in (list), ==, 1);
  g_assert_nonnull (strstr (list, "\tbundle 1\t5 responses\t"));
}

typedef struct
{
  GMainLoop *loop;
  guint      pending;
  guint      created[25];
  guint      again[25];
  guint      other;
} Crowd;

typedef struct
{
  Crowd       *crowd;
  SoupMessage *msg;
  guint        bundle;
} CrowdUpload;

static void
crowd_done (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  CrowdUpload *one = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) answer = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  guint status = soup_message_get_status (one->msg);

  if (error != NULL || (status != SOUP_STATUS_CREATED && status != SOUP_STATUS_OK))
    g_test_message ("an upload failed: %s, status %u", error ? error->message : "no error", status);

  if (answer != NULL && status == SOUP_STATUS_CREATED)
    one->crowd->created[one->bundle]++;
  else if (answer != NULL && status == SOUP_STATUS_OK)
    one->crowd->again[one->bundle]++;
  else
    one->crowd->other++;
  if (--one->crowd->pending == 0)
    g_main_loop_quit (one->crowd->loop);
  g_object_unref (one->msg);
  g_free (one);
}

/* 100 uploads at once, each of 25 bundles sent four times: every one is
 * answered, each bundle is received once and "already received" three
 * times, and 25 are stored. */
static void
test_concurrent (Collect       *f,
                 gconstpointer  data)
{
  g_autoptr(GPtrArray) bundles = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr(SoupSession) session = soup_session_new_with_options ("max-conns", 128, "max-conns-per-host", 128, NULL);
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autofree char *url = g_strconcat (f->url, "bundles", NULL);
  g_autofree char *list = NULL;
  Crowd crowd = { loop, 0 };

  for (guint i = 0; i < G_N_ELEMENTS (crowd.created); i++)
    {
      g_autofree char *path = make_bundle (f, f->store, 1);
      g_autofree char *contents = NULL;
      gsize len = 0;

      g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
      g_ptr_array_add (bundles, g_bytes_new_take (g_steal_pointer (&contents), len));
    }

  for (guint copy = 0; copy < 4; copy++)
    for (guint i = 0; i < bundles->len; i++)
      {
        CrowdUpload *one = g_new0 (CrowdUpload, 1);

        one->crowd = &crowd;
        one->bundle = i;
        one->msg = soup_message_new ("POST", url);
        soup_message_set_request_body_from_bytes (one->msg, "application/octet-stream", g_ptr_array_index (bundles, i));
        crowd.pending++;
        soup_session_send_and_read_async (session, one->msg, G_PRIORITY_DEFAULT, NULL, crowd_done, one);
      }
  g_main_loop_run (loop);

  g_assert_cmpuint (crowd.other, ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (crowd.created); i++)
    {
      g_assert_cmpuint (crowd.created[i], ==, 1);
      g_assert_cmpuint (crowd.again[i], ==, 3);
    }
  list = stored (f->db);
  g_assert_cmpuint (lines_in (list), ==, 25);
}

static guint
send_form (Collect    *f,
           char      **page,
           ...)
{
  g_autoptr(SoupMultipart) form = soup_multipart_new (SOUP_FORM_MIME_TYPE_MULTIPART);
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(GError) error = NULL;
  const char *path;
  va_list args;

  va_start (args, page);
  while ((path = va_arg (args, const char *)))
    {
      g_autofree char *contents = NULL;
      g_autofree char *name = g_path_get_basename (path);
      g_autoptr(GBytes) bytes = NULL;
      gsize len = 0;

      g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
      bytes = g_bytes_new_take (g_steal_pointer (&contents), len);
      soup_multipart_append_form_file (form, "bundles", name, "application/octet-stream", bytes);
    }
  va_end (args);

  msg = soup_message_new_from_multipart (f->url, form);
  answer = soup_session_send_and_read (f->session, msg, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (soup_message_headers_get_content_type (soup_message_get_response_headers (msg), NULL), ==, "text/html");
  *page = g_strndup (g_bytes_get_data (answer, NULL), g_bytes_get_size (answer));
  return soup_message_get_status (msg);
}

/* The upload page: a plain form that needs no script; sent two files, one
 * good and one changed, it says of each what became of it, in words. */
static void
test_upload_page (Collect       *f,
                  gconstpointer  data)
{
  g_autofree char *good = make_bundle (f, f->store, 2);
  g_autofree char *bad = copy_with (f, good, "changed.sayso", G_MAXSIZE, 100);
  g_autofree char *received = g_strdup (".sayso</span>Received: " SITE ", kiosk 1, bundle 1, 2 responses");
  g_autofree char *page = NULL, *both = NULL, *alone = NULL, *list = NULL;
  g_autofree char *url = g_strdup (f->url);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(GError) error = NULL;

  answer = soup_session_send_and_read (f->session, msg, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, SOUP_STATUS_OK);
  page = g_strndup (g_bytes_get_data (answer, NULL), g_bytes_get_size (answer));
  g_assert_nonnull (strstr (page, "<form method=\"post\" action=\"/\" enctype=\"multipart/form-data\">"));
  g_assert_nonnull (strstr (page, "<input type=\"file\" id=\"bundles\" name=\"bundles\" multiple"));
  g_assert_nonnull (strstr (page, "<button type=\"submit\">"));
  g_assert_null (strstr (page, "<script"));

  /* The control: the changed file alone is refused, and nothing kept. */
  g_assert_cmpuint (send_form (f, &alone, bad, NULL), ==, SOUP_STATUS_UNPROCESSABLE_ENTITY);
  g_assert_nonnull (strstr (alone, "<span class=\"file\">changed.sayso</span>Not received."));
  g_assert_null (strstr (alone, ".sayso</span>:"));
  g_assert_null (strstr (alone, "eceived: "));
  list = stored (f->db);
  g_assert_cmpstr (list, ==, "");

  g_assert_cmpuint (send_form (f, &both, good, bad, NULL), ==, SOUP_STATUS_UNPROCESSABLE_ENTITY);
  g_assert_nonnull (strstr (both, received));
  g_assert_nonnull (strstr (both, "<span class=\"file\">changed.sayso</span>Not received. This file was changed or damaged after it was made"));
  g_assert_null (strstr (both, MARKER));
  g_clear_pointer (&list, g_free);
  list = stored (f->db);
  g_assert_cmpuint (lines_in (list), ==, 1);
  g_assert_true (incoming_is_empty (f));
}

/* The command line refuses what would lose or confuse something, and says
 * why: init over a file, a wrong kind of key, an address that is not one. */
static void
test_command_line (Collect       *f,
                   gconstpointer  data)
{
  g_autofree char *recipient = g_build_filename (f->dir, "keys", "recipient.pub", NULL);
  g_autofree char *err1 = NULL, *err2 = NULL, *err3 = NULL, *err4 = NULL, *err5 = NULL;
  g_autofree char *before = NULL, *after = NULL;
  gsize before_len = 0, after_len = 0;

  g_assert_true (g_file_get_contents (f->db, &before, &before_len, NULL));
  g_assert_cmpint (test_run_collect (NULL, &err1, "init", "--db", f->db, NULL), ==, 1);
  g_assert_nonnull (strstr (err1, "already there; nothing was changed"));
  g_assert_true (g_file_get_contents (f->db, &after, &after_len, NULL));
  g_assert_cmpmem (before, before_len, after, after_len);

  g_assert_cmpint (test_run_collect (NULL, &err2, "enroll", "--db", f->db, "--site", SITE, recipient, NULL), ==, 2);
  g_assert_nonnull (strstr (err2, "this is a sayso-recipient-public-key, not a sayso-kiosk-public-key"));

  g_assert_cmpint (test_run_collect (NULL, &err3, "serve", "--db", f->db, "--listen", "nowhere", NULL), ==, 2);
  g_assert_nonnull (strstr (err3, "give an IP address and a port"));

  g_assert_cmpint (test_run_collect (NULL, &err4, "token", "--db", f->db, "--name", "Nobody", "--revoke", NULL), ==, 2);
  g_assert_nonnull (strstr (err4, "no token named “Nobody”"));

  g_assert_cmpint (test_run_collect (NULL, &err5, "list", "--db", "/nonexistent/collect.db", NULL), ==, 1);
  g_assert_nonnull (strstr (err5, "sayso-collect init"));
}

/* The database holds the service's secret key, and is only ever itself: at
 * --db, a symbolic link (to the service's own database, to someone's file,
 * or to nothing) or a folder is refused by every command, naming the path,
 * and what a link points at is left as it was; init makes nothing through
 * a dangling link. The control: the same commands with the plain path (the
 * fixture's server was started with it). */
static void
test_db_only_plain_file (Collect       *f,
                         gconstpointer  data)
{
  g_autofree char *to_db = g_build_filename (f->dir, "to-db.db", NULL);
  g_autofree char *someone = g_build_filename (f->dir, "someone-else.txt", NULL);
  g_autofree char *to_someone = g_build_filename (f->dir, "to-someone.db", NULL);
  g_autofree char *nowhere = g_build_filename (f->dir, "nowhere.db", NULL);
  g_autofree char *dangling = g_build_filename (f->dir, "dangling.db", NULL);
  g_autofree char *folder = g_build_filename (f->dir, "folder.db", NULL);
  g_autofree char *copy = g_build_filename (f->dir, "copy.db", NULL);
  g_autofree char *bundle = make_bundle (f, f->store, 1);
  g_autofree char *contents = NULL, *before = NULL, *list = NULL;
  g_autofree char *out = NULL, *err = NULL;
  g_autoptr(JsonObject) reply = NULL;
  const char *paths[] = { to_db, to_someone, dangling, folder };
  struct stat st;

  /* A bundle stored, so that the list shows its kiosk's site: an enrolment
   * through a link that went through would rename it. */
  g_assert_cmpuint (upload (f, bundle, &reply), ==, SOUP_STATUS_CREATED);

  g_assert_true (g_file_set_contents (someone, "x", 1, NULL));
  g_assert_cmpint (g_chmod (someone, 0644), ==, 0);
  g_assert_cmpint (symlink (f->db, to_db), ==, 0);
  g_assert_cmpint (symlink (someone, to_someone), ==, 0);
  g_assert_cmpint (symlink (nowhere, dangling), ==, 0);
  g_assert_cmpint (g_mkdir (folder, 0700), ==, 0);
  before = stored (f->db);
  g_assert_cmpuint (lines_in (before), ==, 1);
  g_assert_nonnull (strstr (before, SITE));

  for (gsize i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      const char *kind = i == G_N_ELEMENTS (paths) - 1 ? "but a folder" : "but a symbolic link";
      g_autofree char *err1 = NULL, *err2 = NULL, *err3 = NULL, *err4 = NULL;

      g_test_message ("--db %s", paths[i]);
      g_assert_cmpint (test_run_collect (NULL, &err1, "list", "--db", paths[i], NULL), ==, 1);
      g_assert_cmpint (test_run_collect (NULL, &err2, "enroll", "--db", paths[i], "--site", "Elsewhere", f->kiosk_pub, NULL), ==, 1);
      g_assert_cmpint (test_run_collect (NULL, &err3, "backup", "--db", paths[i], "--to", copy, NULL), ==, 1);
      /* Last: a service that did start would not return. */
      g_assert_cmpint (test_run_collect (NULL, &err4, "serve", "--db", paths[i], "--listen", "127.0.0.1:0", NULL), ==, 1);
      for (const char **e = (const char *[]) { err1, err2, err3, err4, NULL }; *e; e++)
        {
          g_assert_nonnull (strstr (*e, paths[i]));
          g_assert_nonnull (strstr (*e, kind));
          g_assert_nonnull (strstr (*e, "give the database file itself"));
        }
      g_assert_false (g_file_test (copy, G_FILE_TEST_EXISTS));
    }

  /* init never makes a database through a link. */
  g_assert_cmpint (test_run_collect (NULL, &err, "init", "--db", dangling, NULL), ==, 1);
  g_assert_nonnull (strstr (err, dangling));
  g_assert_nonnull (strstr (err, "already there; nothing was changed"));
  g_assert_false (g_file_test (nowhere, G_FILE_TEST_EXISTS));

  g_assert_true (g_file_get_contents (someone, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "x");
  g_assert_cmpint (g_stat (someone, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0644);
  list = stored (f->db);
  g_assert_cmpstr (list, ==, before);

  /* The control: the plain paths work, with the commands that refused the links. */
  g_assert_cmpint (test_run_collect (&out, NULL, "init", "--db", nowhere, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "# Sayso collection service"));
  g_assert_cmpint (test_run_collect (NULL, NULL, "enroll", "--db", f->db, "--site", SITE, f->kiosk_pub, NULL), ==, 0);
  g_assert_cmpint (test_run_collect (NULL, NULL, "backup", "--db", f->db, "--to", copy, NULL), ==, 0);
  g_assert_cmpint (g_lstat (copy, &st), ==, 0);
  g_assert_true (S_ISREG (st.st_mode));
  g_clear_pointer (&list, g_free);
  list = stored (copy);
  g_assert_cmpstr (list, ==, before);
  /* serve's: the fixture's, started with the plain path, still receives. */
  g_clear_pointer (&reply, json_object_unref);
  g_assert_cmpuint (upload (f, bundle, &reply), ==, SOUP_STATUS_OK);
}

/* The service's disk fills up: an upload is refused saying so, nothing of
 * it is kept and what was stored stays; once there is room the same file
 * is received. On a real tmpfs where this machine lets the test mount one,
 * else on a server that may not grow a file past 256 KiB. */
static void
test_full_disk (Collect       *f,
                gconstpointer  data)
{
  TestFullDisk *disk = test_full_disk_new (8 * 1024 * 1024);
  g_autofree char *first = make_bundle (f, f->store, 2);
  g_autofree char *second = make_bundle (f, f->store, 30);
  g_autofree char *list = NULL;
  g_autoptr(JsonObject) a = NULL, b = NULL, c = NULL, d = NULL;
  guint status;

  stop_server (f);
  g_free (f->db);
  f->db = g_build_filename (test_full_disk_get_dir (disk), "collect.db", NULL);
  g_assert_cmpint (test_run_collect (NULL, NULL, "init", "--db", f->db, NULL), ==, 0);
  g_assert_cmpint (test_run_collect (NULL, NULL, "enroll", "--db", f->db, "--site", SITE, f->kiosk_pub, NULL), ==, 0);
  start_server (f, data);
  g_assert_cmpuint (upload (f, first, &a), ==, SOUP_STATUS_CREATED);

  if (test_full_disk_is_real (disk))
    test_full_disk_fill (disk);
  else
    {
      g_test_message ("no tmpfs to fill: the server may not grow a file past 256 KiB instead");
      stop_server (f);
      f->small_files = TRUE;
      start_server (f, data);
    }
  status = upload (f, second, &b);
  assert_refused (status, test_full_disk_is_real (disk) ? SOUP_STATUS_INSUFFICIENT_STORAGE : SOUP_STATUS_SERVICE_UNAVAILABLE,
                  &b, test_full_disk_is_real (disk) ? "disk is full" : "could not");
  g_assert_true (incoming_is_empty (f));

  if (test_full_disk_is_real (disk))
    test_full_disk_make_room (disk);
  else
    {
      stop_server (f);
      f->small_files = FALSE;
      start_server (f, data);
    }
  list = stored (f->db);
  g_assert_cmpuint (lines_in (list), ==, 1);
  g_assert_nonnull (strstr (list, "\tbundle 1\t2 responses\t"));
  g_assert_cmpuint (upload (f, second, &c), ==, SOUP_STATUS_CREATED);
  g_assert_cmpuint (upload (f, first, &d), ==, SOUP_STATUS_OK);
  g_clear_pointer (&list, g_free);
  list = stored (f->db);
  g_assert_cmpuint (lines_in (list), ==, 2);

  stop_server (f);
  test_full_disk_free (disk);
}

/* What a browser is shown at @path, GET, or POST of @form (urlencoded). */
static guint
get_page (Collect     *f,
          const char  *path,
          const char  *form,
          const char  *bearer,
          char       **page,
          SoupMessage **sent)
{
  g_autofree char *url = g_strconcat (f->url, path + 1, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (form ? "POST" : "GET", url);
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(GError) error = NULL;

  if (form)
    {
      g_autoptr(GBytes) body = g_bytes_new (form, strlen (form));
      soup_message_set_request_body_from_bytes (msg, "application/x-www-form-urlencoded", body);
    }
  if (bearer)
    {
      g_autofree char *value = g_strconcat ("Bearer ", bearer, NULL);
      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", value);
    }
  answer = soup_session_send_and_read (f->session, msg, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (soup_message_headers_get_content_type (soup_message_get_response_headers (msg), NULL), ==, "text/html");
  *page = g_strndup (g_bytes_get_data (answer, NULL), g_bytes_get_size (answer));
  if (sent)
    *sent = g_object_ref (msg);
  return soup_message_get_status (msg);
}

static void
assert_contains (const char *text,
                 const char *words)
{
  if (strstr (text, words) == NULL)
    g_error ("“%s” is not in:\n%s", words, text);
}

/* The day a kiosk's bundles arrived, moved @days back: what time does. */
static void
age_bundles (Collect      *f,
             const guint8 *kiosk_pk,
             int           days)
{
  g_autofree char *sql = g_strdup_printf ("UPDATE bundles SET received = date('now', 'localtime', '-%d days') WHERE kiosk = ?1", days);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_open (f->db, &db), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_blob (stmt, 1, kiosk_pk, SAYSO_SIGN_PUBLIC_KEY_SIZE, SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
  g_assert_cmpint (sqlite3_changes (db), >=, 1);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
}

static JsonObject *
kiosk_in (JsonObject *status,
          const char *site)
{
  JsonArray *kiosks = json_object_get_array_member (status, "kiosks");

  for (guint i = 0; i < json_array_get_length (kiosks); i++)
    {
      JsonObject *kiosk = json_array_get_object_element (kiosks, i);
      if (g_str_equal (json_object_get_string_member (kiosk, "site"), site))
        return kiosk;
    }
  g_error ("no kiosk of %s in the status", site);
  return NULL;
}

/* The inspection team's page, in a browser with no script: a form takes
 * the token (POST, never the address) and answers with each site's
 * kiosks, the bundle that never came ("bundle 2 never arrived: a lost
 * stick?") and the kiosk silent for 12 days, which /status marks silent
 * too. The controls: a wrong token, or the right one in the address, shows
 * nothing of them, and with --silent-days 20 the kiosk is not silent. */
static void
test_inspection_page (Collect       *f,
                      gconstpointer  data)
{
  g_autofree char *store = g_build_filename (f->dir, "wrexham.db", NULL);
  g_autofree char *pub = g_build_filename (f->dir, "wrexham.pub", NULL);
  g_autofree char *out = NULL, *form = NULL, *wrong_form = NULL, *in_address = NULL;
  g_autofree char *blank = NULL, *page = NULL, *wrong = NULL, *addressed = NULL, *by_header = NULL, *later = NULL;
  g_autofree char *b1 = make_bundle (f, f->store, 2);
  g_autofree char *b2 G_GNUC_UNUSED = make_bundle (f, f->store, 1);   /* exported, never sent: the gap */
  g_autofree char *b3 = make_bundle (f, f->store, 4);
  g_autofree char *w1 = NULL;
  g_autoptr(JsonObject) r1 = NULL, r3 = NULL, rw = NULL, status = NULL, status_later = NULL;
  g_autoptr(SoupMessage) sent = NULL;
  guint8 pk[SAYSO_SIGN_PUBLIC_KEY_SIZE];
  char *token;

  make_kiosk (f, store, pub, pk);
  w1 = make_bundle (f, store, 3);
  g_assert_cmpint (test_run_collect (NULL, NULL, "enroll", "--db", f->db, "--site", "Wrexham", pub, NULL), ==, 0);
  g_assert_cmpint (test_run_collect (&out, NULL, "token", "--db", f->db, "--name", "Inspection team", NULL), ==, 0);
  token = g_strstrip (out);
  g_assert_cmpuint (upload (f, b1, &r1), ==, SOUP_STATUS_CREATED);
  g_assert_cmpuint (upload (f, b3, &r3), ==, SOUP_STATUS_CREATED);
  g_assert_cmpuint (upload (f, w1, &rw), ==, SOUP_STATUS_CREATED);
  age_bundles (f, pk, 12);

  g_assert_cmpuint (get_status (f, token, &status), ==, SOUP_STATUS_OK);
  g_assert_cmpint (json_object_get_int_member (status, "silent_after_days"), ==, 7);
  g_assert_false (json_object_get_boolean_member (kiosk_in (status, SITE), "silent"));
  g_assert_cmpint (json_object_get_int_member (kiosk_in (status, SITE), "days_silent"), ==, 0);
  g_assert_true (json_object_get_boolean_member (kiosk_in (status, "Wrexham"), "silent"));
  g_assert_cmpint (json_object_get_int_member (kiosk_in (status, "Wrexham"), "days_silent"), ==, 12);

  /* The form: no script, the token in a password box, sent by POST. */
  g_assert_cmpuint (get_page (f, "/inspection", NULL, NULL, &blank, NULL), ==, SOUP_STATUS_OK);
  assert_contains (blank, "<form method=\"post\" action=\"/inspection\">");
  assert_contains (blank, "<input type=\"password\" id=\"token\" name=\"token\"");
  g_assert_null (strstr (blank, "<script"));
  g_assert_null (strstr (blank, SITE));

  form = g_strconcat ("token=", token, NULL);
  g_assert_cmpuint (get_page (f, "/inspection", form, NULL, &page, &sent), ==, SOUP_STATUS_OK);
  assert_contains (page, "<td>" SITE "</td>");
  assert_contains (page, "<td>Wrexham</td>");
  /* Each kiosk by its number in its site, its key's fingerprint for IT. */
  {
    g_autofree char *fingerprint = sayso_key_fingerprint (pk);
    g_autofree char *cell = g_strdup_printf ("<td>Wrexham</td><td>kiosk 1<span class=\"key\">key %s</span></td>", fingerprint);
    g_autoptr(GDateTime) now = g_date_time_new_now_local ();
    g_autoptr(GDateTime) twelve = g_date_time_add_days (now, -12);
    g_autofree char *day = g_date_time_format (twelve, "%Y-%m-%d");
    g_autofree char *in_words = g_date_time_format (twelve, "%-d %B");
    g_autofree char *words = g_strconcat ("<td>", in_words, NULL);

    assert_contains (page, cell);
    /* The day in words, as GOV.UK writes one, not as a database keeps it. */
    g_assert_null (strstr (page, day));
    assert_contains (page, words);
  }
  assert_contains (page, "<td class=\"number\">2</td><td class=\"number\">6</td>");
  assert_contains (page, "bundle 2 never arrived: a lost stick?");
  assert_contains (page, "silent for 12 days");
  g_assert_cmpuint (strstr (page, "silent for") - page, >, strstr (page, "Wrexham") - page);
  g_assert_null (strstr (page, "bundle 1 never arrived"));
  g_assert_null (strstr (page, MARKER));
  g_assert_null (strstr (page, token));
  g_assert_null (strstr (page, "<script"));
  g_assert_cmpstr (soup_message_headers_get_one (soup_message_get_response_headers (sent), "Cache-Control"), ==, "no-store");

  /* The controls: a wrong token, and the right one in the address. */
  wrong_form = g_strconcat ("token=x", token, NULL);
  g_assert_cmpuint (get_page (f, "/inspection", wrong_form, NULL, &wrong, NULL), ==, SOUP_STATUS_UNAUTHORIZED);
  assert_contains (wrong, "not valid here");
  g_assert_null (strstr (wrong, SITE));
  g_assert_null (strstr (wrong, "never arrived"));
  in_address = g_strconcat ("/inspection?token=", token, NULL);
  g_assert_cmpuint (get_page (f, in_address, NULL, NULL, &addressed, NULL), ==, SOUP_STATUS_BAD_REQUEST);
  assert_contains (addressed, "Do not put the access token in the page&apos;s address");
  g_assert_null (strstr (addressed, SITE));

  /* A program may send the header instead of the form. */
  g_assert_cmpuint (get_page (f, "/inspection", NULL, token, &by_header, NULL), ==, SOUP_STATUS_OK);
  assert_contains (by_header, "bundle 2 never arrived: a lost stick?");

  /* Silent is more than --silent-days: 12 is not more than 20. */
  stop_server (f);
  start_server (f, &patient);
  g_assert_cmpuint (get_page (f, "/inspection", form, NULL, &later, NULL), ==, SOUP_STATUS_OK);
  assert_contains (later, "<td>Wrexham</td>");
  g_assert_null (strstr (later, "silent for"));
  g_assert_cmpuint (get_status (f, token, &status_later), ==, SOUP_STATUS_OK);
  g_assert_false (json_object_get_boolean_member (kiosk_in (status_later, "Wrexham"), "silent"));
  g_assert_cmpint (json_object_get_int_member (status_later, "silent_after_days"), ==, 20);
}

/* A stand-in for the service between it and the analysts: it passes the
 * pull on, or changes one byte of a bundle on the way, or sends half a
 * bundle and dies with the service. It runs in a thread of its own, as the
 * test waits for `sayso import`. */
typedef enum
{
  FAKE_PASS,
  FAKE_ALTER,
  FAKE_DIE_AT_SECOND,
  FAKE_NESTED_LISTING,   /* the listing: 100,000 '[' */
  FAKE_HUGE_LISTING,     /* the listing: 8 MiB of one JSON string */
} FakeMode;

typedef struct
{
  Collect      *f;
  GMutex        lock;
  GCond         ready;
  char         *upstream;   /* the service's address, under lock */
  FakeMode      mode;       /* under lock */
  guint         served;     /* bundles answered */
  char         *url;
  GThread      *thread;
  GMainContext *context;
  GMainLoop    *loop;
} Fake;

static void
cut_off (SoupServerMessage *msg,
         gpointer           user_data)
{
  GSocket *socket = soup_server_message_get_socket (msg);

  if (socket)
    g_socket_shutdown (socket, TRUE, TRUE, NULL);
}

static void
fake_handler (SoupServer        *server,
              SoupServerMessage *msg,
              const char        *path,
              GHashTable        *query,
              gpointer           user_data)
{
  Fake *fake = user_data;
  GUri *uri = soup_server_message_get_uri (msg);
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupMessage) forward = NULL;
  g_autoptr(GBytes) answer = NULL;
  g_autofree char *target = NULL;
  g_autofree guint8 *bytes = NULL;
  const char *authorization;
  gboolean bundle = g_str_has_prefix (path, "/bundles/");
  FakeMode mode;
  gsize len = 0;

  g_mutex_lock (&fake->lock);
  target = g_strconcat (fake->upstream, path + 1, g_uri_get_query (uri) ? "?" : "", g_uri_get_query (uri) ? g_uri_get_query (uri) : "", NULL);
  mode = fake->mode;
  g_mutex_unlock (&fake->lock);

  if (!bundle && (mode == FAKE_NESTED_LISTING || mode == FAKE_HUGE_LISTING))
    {
      gsize n = mode == FAKE_NESTED_LISTING ? 100000 : 8 * 1024 * 1024;
      g_autofree char *hostile = g_malloc (n);

      memset (hostile, mode == FAKE_NESTED_LISTING ? '[' : 'a', n);
      if (mode == FAKE_HUGE_LISTING)
        hostile[0] = hostile[n - 1] = '"';
      soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, hostile, n);
      return;
    }

  forward = soup_message_new ("GET", target);
  authorization = soup_message_headers_get_one (soup_server_message_get_request_headers (msg), "Authorization");
  if (authorization)
    soup_message_headers_replace (soup_message_get_request_headers (forward), "Authorization", authorization);
  answer = soup_session_send_and_read (session, forward, NULL, NULL);
  g_assert_nonnull (answer);
  bytes = g_bytes_unref_to_data (g_steal_pointer (&answer), &len);

  if (bundle && soup_message_get_status (forward) == SOUP_STATUS_OK)
    {
      fake->served++;
      if (mode == FAKE_ALTER)
        bytes[len / 2] ^= 0x01;
      if (mode == FAKE_DIE_AT_SECOND && fake->served == 2)
        {
          SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
          SoupMessageBody *body = soup_server_message_get_response_body (msg);

          /* Half the bundle under the whole one's length, and the service dies. */
          g_subprocess_force_exit (fake->f->server);
          soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
          soup_message_headers_set_content_type (headers, "application/octet-stream", NULL);
          soup_message_headers_set_content_length (headers, (goffset) len);
          soup_message_body_set_accumulate (body, FALSE);
          soup_message_body_append (body, SOUP_MEMORY_COPY, bytes, len / 2);
          g_signal_connect (msg, "wrote-chunk", G_CALLBACK (cut_off), NULL);
          return;
        }
    }
  soup_server_message_set_status (msg, soup_message_get_status (forward), NULL);
  soup_server_message_set_response (msg, soup_message_headers_get_content_type (soup_message_get_response_headers (forward), NULL),
                                    SOUP_MEMORY_COPY, (const char *) bytes, len);
}

static gpointer
fake_thread (gpointer data)
{
  Fake *fake = data;
  g_autoptr(SoupServer) server = NULL;
  g_autoptr(GError) error = NULL;
  GSList *uris;

  g_main_context_push_thread_default (fake->context);
  server = soup_server_new (NULL, NULL);
  soup_server_add_handler (server, "/", fake_handler, fake, NULL);
  g_assert_true (soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  g_assert_no_error (error);
  uris = soup_server_get_uris (server);
  g_mutex_lock (&fake->lock);
  fake->url = g_uri_to_string (uris->data);
  g_cond_signal (&fake->ready);
  g_mutex_unlock (&fake->lock);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  g_main_loop_run (fake->loop);
  soup_server_disconnect (server);
  g_main_context_pop_thread_default (fake->context);
  return NULL;
}

static Fake *
fake_new (Collect  *f,
          FakeMode  mode)
{
  Fake *fake = g_new0 (Fake, 1);

  fake->f = f;
  fake->mode = mode;
  fake->upstream = g_strdup (f->url);
  g_mutex_init (&fake->lock);
  g_cond_init (&fake->ready);
  fake->context = g_main_context_new ();
  fake->loop = g_main_loop_new (fake->context, FALSE);
  g_mutex_lock (&fake->lock);
  fake->thread = g_thread_new ("fake-service", fake_thread, fake);
  while (fake->url == NULL)
    g_cond_wait (&fake->ready, &fake->lock);
  g_mutex_unlock (&fake->lock);
  return fake;
}

static void
fake_set (Fake     *fake,
          FakeMode  mode)
{
  g_mutex_lock (&fake->lock);
  fake->mode = mode;
  g_free (fake->upstream);
  fake->upstream = g_strdup (fake->f->url);
  g_mutex_unlock (&fake->lock);
}

static void
fake_free (Fake *fake)
{
  g_main_loop_quit (fake->loop);
  g_main_context_wakeup (fake->context);
  g_thread_join (fake->thread);
  g_main_loop_unref (fake->loop);
  g_main_context_unref (fake->context);
  g_mutex_clear (&fake->lock);
  g_cond_clear (&fake->ready);
  g_free (fake->upstream);
  g_free (fake->url);
  g_free (fake);
}

/* An analysis database that trusts the fixture's kiosk; its path. */
static char *
analysis_db (Collect    *f,
             const char *name)
{
  char *db = g_build_filename (f->dir, name, NULL);

  g_assert_cmpint (test_run_sayso (NULL, NULL, NULL, "enroll", "--db", db, "--site", SITE, f->kiosk_pub, NULL), ==, 0);
  return db;
}

static char *
new_token (Collect *f)
{
  char *out = NULL;

  g_assert_cmpint (test_run_collect (&out, NULL, "token", "--db", f->db, "--name", "Ann Analyst", NULL), ==, 0);
  return g_strstrip (out);
}

static int
pull (Collect     *f,
      const char  *db,
      const char  *url,
      const char  *token,
      char       **out,
      char       **err)
{
  g_autofree char *key = g_build_filename (f->dir, "keys", "recipient.key", NULL);

  return test_run_sayso (NULL, out, err, "import", "--db", db, "--key", key, "--from", url, "--token", token, NULL);
}

/* What import says of a bundle, after its name: "2 new responses from …". */
static const char *
after_name (const char *out,
            const char *name)
{
  const char *at = strstr (out, name);

  g_assert_nonnull (at);
  return at + strlen (name);
}

static char *
line_after_name (const char *out,
                 const char *name)
{
  const char *rest = after_name (out, name);

  return g_strndup (rest, strcspn (rest, "\n"));
}

/* The analysts' pull: every bundle received, imported with the words an
 * import from the stick says; pulled again, nothing is fetched or added;
 * a bundle received since is the only one the next pull fetches (the
 * control: a pull that can add something does). */
static void
test_pull (Collect       *f,
           gconstpointer  data)
{
  g_autofree char *b1 = make_bundle (f, f->store, 2);
  g_autofree char *b2 = make_bundle (f, f->store, 1);
  g_autofree char *b3 = make_bundle (f, f->store, 3);
  g_autofree char *b4 = NULL;
  g_autofree char *db = analysis_db (f, "analysis.db");
  g_autofree char *by_stick = analysis_db (f, "by-stick.db");
  g_autofree char *key = g_build_filename (f->dir, "keys", "recipient.key", NULL);
  g_autofree char *token = new_token (f);
  g_autofree char *first = NULL, *second = NULL, *third = NULL, *stick = NULL, *err = NULL;
  g_autofree char *b1_label = g_strconcat (f->url, "bundles/1", NULL);
  g_autofree char *b4_label = g_strconcat (f->url, "bundles/4", NULL);
  g_autoptr(JsonObject) r1 = NULL, r2 = NULL, r3 = NULL, r4 = NULL;

  g_assert_cmpuint (upload (f, b1, &r1), ==, SOUP_STATUS_CREATED);
  g_assert_cmpuint (upload (f, b2, &r2), ==, SOUP_STATUS_CREATED);
  g_assert_cmpuint (upload (f, b3, &r3), ==, SOUP_STATUS_CREATED);

  g_assert_cmpint (pull (f, db, f->url, token, &first, &err), ==, 0);
  g_test_message ("%s", first);
  g_assert_cmpstr (err, ==, "");
  g_assert_nonnull (strstr (first, "3 bundles fetched"));
  g_assert_nonnull (strstr (first, "bundles/2: 1 new response from"));
  g_assert_nonnull (strstr (first, "bundles/3: 3 new responses from"));
  g_assert_null (strstr (first, MARKER));
  /* The same words as from the stick. */
  g_assert_cmpint (test_run_sayso (NULL, &stick, NULL, "import", "--db", by_stick, "--key", key, b1, NULL), ==, 0);
  {
    g_autofree char *pulled = line_after_name (first, b1_label);
    g_autofree char *from_stick = line_after_name (stick, b1);

    g_assert_cmpstr (pulled, ==, from_stick);
    g_assert_true (g_str_has_prefix (pulled, ": 2 new responses from"));
  }
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (pull (f, db, f->url, token, &second, &err), ==, 0);
  g_assert_nonnull (strstr (second, "nothing new since the last pull"));
  g_assert_null (strstr (second, "new response"));
  g_assert_null (strstr (second, "fetched"));
  g_clear_pointer (&err, g_free);

  b4 = make_bundle (f, f->store, 4);
  g_assert_cmpuint (upload (f, b4, &r4), ==, SOUP_STATUS_CREATED);
  g_assert_cmpint (pull (f, db, f->url, token, &third, &err), ==, 0);
  g_assert_nonnull (strstr (third, "1 bundle fetched"));
  g_assert_nonnull (strstr (after_name (third, b4_label), ": 4 new responses from"));
  g_assert_null (strstr (third, "bundles/1:"));

  /* The listing names each bundle by its hash, in order. */
  {
    g_autofree char *url = g_strconcat (f->url, "bundles?after=2", NULL);
    g_autofree char *value = g_strconcat ("Bearer ", token, NULL);
    g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
    g_autoptr(GBytes) answer = NULL;
    g_autoptr(JsonObject) list = NULL;
    g_autoptr(GError) error = NULL;
    guint8 hash[SAYSO_RECEIPT_HASH_SIZE];
    g_autofree char *hex = NULL;
    JsonArray *bundles;

    soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", value);
    answer = soup_session_send_and_read (f->session, msg, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (soup_message_get_status (msg), ==, SOUP_STATUS_OK);
    list = parse_object (answer);
    bundles = json_object_get_array_member (list, "bundles");
    g_assert_cmpuint (json_array_get_length (bundles), ==, 2);
    g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (bundles, 0), "id"), ==, 3);
    g_assert_true (sayso_receipt_hash_file (b3, hash, &error));
    hex = sayso_hex (hash, sizeof hash);
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (bundles, 0), "hash"), ==, hex);
    g_assert_false (json_object_get_boolean_member (list, "more"));
  }
}

/* A wrong token: 401 and the service's reason, exit 2, nothing imported;
 * without a token the listing and a bundle are refused too. The control:
 * the right token imports. */
static void
test_pull_wrong_token (Collect       *f,
                       gconstpointer  data)
{
  g_autofree char *b1 = make_bundle (f, f->store, 2);
  g_autofree char *db = analysis_db (f, "analysis.db");
  g_autofree char *token = new_token (f);
  g_autofree char *wrong = g_strconcat (token, "x", NULL);
  g_autofree char *out = NULL, *err = NULL, *out2 = NULL;
  g_autoptr(JsonObject) r1 = NULL, none = NULL;

  g_assert_cmpuint (upload (f, b1, &r1), ==, SOUP_STATUS_CREATED);
  g_assert_cmpint (pull (f, db, f->url, wrong, &out, &err), ==, 2);
  g_assert_nonnull (strstr (err, "refused the token (401)"));
  g_assert_nonnull (strstr (err, "not valid here"));
  g_assert_null (strstr (out, "new response"));
  g_assert_null (strstr (err, wrong));

  g_assert_cmpuint (get_status (f, NULL, &none), ==, SOUP_STATUS_UNAUTHORIZED);
  {
    g_autofree char *url = g_strconcat (f->url, "bundles/1", NULL);
    g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
    g_autoptr(GBytes) answer = soup_session_send_and_read (f->session, msg, NULL, NULL);

    g_assert_cmpuint (soup_message_get_status (msg), ==, SOUP_STATUS_UNAUTHORIZED);
    g_assert_null (memmem (g_bytes_get_data (answer, NULL), g_bytes_get_size (answer), "SAYSOBN1", 8));
  }

  g_assert_cmpint (pull (f, db, f->url, token, &out2, NULL), ==, 0);
  g_assert_nonnull (strstr (out2, "bundles/1: 2 new responses from"));
}

/* A pulled bundle the import refuses (its kiosk is not enrolled in the
 * analysis database) is named as the service serves it, URL/bundles/ID, never
 * by the temporary file it was fetched into; the control: enrolled, the same
 * pull imports it under the same name. */
static void
test_pull_refused_named (Collect       *f,
                         gconstpointer  data)
{
  g_autofree char *b1 = make_bundle (f, f->store, 2);
  g_autofree char *db = g_build_filename (f->dir, "unenrolled.db", NULL);
  g_autofree char *token = new_token (f);
  g_autofree char *named = g_strconcat ("REFUSED ", f->url, "bundles/1: ", NULL);
  g_autofree char *out = NULL, *err = NULL, *out2 = NULL;
  g_autoptr(JsonObject) r1 = NULL;

  g_assert_cmpuint (upload (f, b1, &r1), ==, SOUP_STATUS_CREATED);
  g_assert_cmpint (pull (f, db, f->url, token, &out, &err), ==, 2);
  g_assert_nonnull (strstr (err, named));
  g_assert_nonnull (strstr (err, "not enrolled"));
  g_assert_null (strstr (err, "sayso-pull-"));

  g_assert_cmpint (test_run_sayso (NULL, NULL, NULL, "enroll", "--db", db, "--site", SITE, f->kiosk_pub, NULL), ==, 0);
  g_assert_cmpint (pull (f, db, f->url, token, &out2, NULL), ==, 0);
  g_assert_nonnull (strstr (out2, "bundles/1: 2 new responses from"));
}

/* A hostile listing (100,000 brackets; 8 MiB of one string) is refused by
 * its limits with a message naming it, nothing imported and nothing
 * crashed; the same pull through an honest stand-in then imports (the
 * control). */
static void
test_pull_hostile_listing (Collect       *f,
                           gconstpointer  data)
{
  g_autofree char *b1 = make_bundle (f, f->store, 2);
  g_autofree char *db = analysis_db (f, "analysis.db");
  g_autofree char *token = new_token (f);
  g_autoptr(JsonObject) r1 = NULL;
  const FakeMode modes[] = { FAKE_NESTED_LISTING, FAKE_HUGE_LISTING };
  Fake *fake;

  g_assert_cmpuint (upload (f, b1, &r1), ==, SOUP_STATUS_CREATED);
  fake = fake_new (f, FAKE_NESTED_LISTING);
  for (guint i = 0; i < G_N_ELEMENTS (modes); i++)
    {
      g_autofree char *out = NULL, *err = NULL;
      int code;

      fake_set (fake, modes[i]);
      code = pull (f, db, fake->url, token, &out, &err);
      g_assert_cmpint (code, >, 0);
      g_assert_cmpint (code, <, 128);
      g_assert_nonnull (strstr (err, "listing of bundles"));
      g_assert_null (strstr (out, "new response"));
    }

  fake_set (fake, FAKE_PASS);
  {
    g_autofree char *out = NULL;

    g_assert_cmpint (pull (f, db, fake->url, token, &out, NULL), ==, 0);
    g_assert_nonnull (strstr (out, "bundles/1: 2 new responses from"));
  }
  fake_free (fake);
}

/* A bundle changed by one byte on the way: refused by its hash against the
 * listing, nothing of it imported, and the pull does not move past it; the
 * same pull unchanged then imports it (the control). */
static void
test_pull_altered (Collect       *f,
                   gconstpointer  data)
{
  g_autofree char *b1 = make_bundle (f, f->store, 2);
  g_autofree char *db = analysis_db (f, "analysis.db");
  g_autofree char *token = new_token (f);
  g_autofree char *out = NULL, *err = NULL, *out2 = NULL;
  g_autoptr(JsonObject) r1 = NULL;
  Fake *fake;

  g_assert_cmpuint (upload (f, b1, &r1), ==, SOUP_STATUS_CREATED);
  fake = fake_new (f, FAKE_ALTER);
  g_assert_cmpint (pull (f, db, fake->url, token, &out, &err), ==, 2);
  g_assert_nonnull (strstr (err, "REFUSED bundle 1 of " SITE ", kiosk 1 ("));
  g_assert_nonnull (strstr (err, "not the ones the service listed"));
  g_assert_null (strstr (out, "new response"));
  g_assert_nonnull (strstr (out, "the next pull starts after bundle id 0"));

  fake_set (fake, FAKE_PASS);
  g_assert_cmpint (pull (f, db, fake->url, token, &out2, NULL), ==, 0);
  g_assert_nonnull (strstr (out2, "bundles/1: 2 new responses from"));
  fake_free (fake);
}

/* The service dies half way through the second of three bundles: the first
 * is imported, the pull says it was cut off (exit 1) and keeps nothing of
 * the second; with the service back, the same command fetches the second
 * and the third and not the first again. */
static void
test_pull_cut_off (Collect       *f,
                   gconstpointer  data)
{
  g_autofree char *b1 = make_bundle (f, f->store, 2);
  g_autofree char *b2 = make_bundle (f, f->store, 30);
  g_autofree char *b3 = make_bundle (f, f->store, 1);
  g_autofree char *db = analysis_db (f, "analysis.db");
  g_autofree char *token = new_token (f);
  g_autofree char *out = NULL, *err = NULL, *out2 = NULL, *err2 = NULL;
  g_autoptr(JsonObject) r1 = NULL, r2 = NULL, r3 = NULL;
  g_autoptr(GError) error = NULL;
  Fake *fake;

  g_assert_cmpuint (upload (f, b1, &r1), ==, SOUP_STATUS_CREATED);
  g_assert_cmpuint (upload (f, b2, &r2), ==, SOUP_STATUS_CREATED);
  g_assert_cmpuint (upload (f, b3, &r3), ==, SOUP_STATUS_CREATED);
  fake = fake_new (f, FAKE_DIE_AT_SECOND);

  g_assert_cmpint (pull (f, db, fake->url, token, &out, &err), ==, 1);
  g_test_message ("%s%s", out, err);
  g_assert_nonnull (strstr (out, "bundles/1: 2 new responses from"));
  g_assert_nonnull (strstr (err, "cut off after"));
  g_assert_nonnull (strstr (err, "Run the same command again"));
  g_assert_null (strstr (out, "bundles/2:"));
  g_assert_null (strstr (out, "bundles/3:"));

  g_assert_true (g_subprocess_wait (f->server, NULL, &error));
  g_assert_false (g_subprocess_get_if_exited (f->server));
  g_clear_object (&f->server);
  start_server (f, data);
  fake_set (fake, FAKE_PASS);

  g_assert_cmpint (pull (f, db, fake->url, token, &out2, &err2), ==, 0);
  g_assert_cmpstr (err2, ==, "");
  g_assert_null (strstr (out2, "bundles/1:"));
  g_assert_nonnull (strstr (out2, "bundles/2: 30 new responses from"));
  g_assert_nonnull (strstr (out2, "bundles/3: 1 new response from"));
  g_assert_nonnull (strstr (out2, "2 bundles fetched"));
  fake_free (fake);
}

/* With --tls-cert and --tls-key it speaks HTTPS: a client that trusts the
 * certificate uploads and gets a receipt that verifies. The controls: plain
 * HTTP to the same port gets no answer, and a client with only the system's
 * authorities refuses the certificate. */
static void
test_tls (Collect       *f,
          gconstpointer  data)
{
  g_autofree char *bundle = make_bundle (f, f->store, 2);
  g_autofree char *plain = g_strconcat ("http://", f->url + strlen ("https://"), "status", NULL);
  g_autofree char *url = g_strconcat (f->url, "bundles", NULL);
  g_autoptr(JsonObject) reply = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(SaysoReceipt) receipt = { 0 };
  const char *text, *signature;

  g_assert_cmpuint (upload (f, bundle, &reply), ==, SOUP_STATUS_CREATED);
  text = json_object_get_string_member (reply, "receipt");
  signature = json_object_get_string_member (reply, "signature");
  g_assert_true (sayso_receipt_verify (text, strlen (text), signature, f->service_pk, &receipt, &error));
  g_assert_no_error (error);
  g_assert_cmpint (receipt.record_count, ==, 2);

  {
    g_autoptr(SoupMessage) msg = soup_message_new ("GET", plain);
    g_autoptr(GBytes) answer G_GNUC_UNUSED = soup_session_send_and_read (f->session, msg, NULL, &error);

    g_assert_nonnull (error);
    g_test_message ("plain HTTP to the TLS port: %s", error->message);
    g_assert_cmpuint (soup_message_get_status (msg), ==, SOUP_STATUS_NONE);
    g_clear_error (&error);
  }
  {
    g_autoptr(SoupSession) stranger = soup_session_new ();
    g_autoptr(SoupMessage) msg = soup_message_new ("POST", url);
    g_autoptr(GBytes) body = g_bytes_new_static ("SAYSOBN1", 8);
    g_autoptr(GBytes) answer = NULL;

    soup_message_set_request_body_from_bytes (msg, "application/octet-stream", body);
    answer = soup_session_send_and_read (stranger, msg, NULL, &error);
    g_assert_error (error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE);
    g_assert_cmpuint (soup_message_get_status (msg), ==, SOUP_STATUS_NONE);
  }
}

/* A key that is not the certificate's, a missing file, or one of the two
 * alone: the service does not start, and says which and why. The control is
 * the right pair, which /collect/tls starts. */
static void
test_tls_bad_key (Collect       *f,
                  gconstpointer  data)
{
  g_autofree char *cert = tls_file ("service.crt");
  g_autofree char *other_key = tls_file ("other.key");
  g_autofree char *missing = g_build_filename (f->dir, "nowhere.key", NULL);
  g_autofree char *err1 = NULL, *err2 = NULL, *err3 = NULL;

  g_assert_cmpint (test_run_collect (NULL, &err1, "serve", "--db", f->db, "--listen", "127.0.0.1:0",
                            "--tls-cert", cert, "--tls-key", other_key, NULL), ==, 2);
  g_assert_nonnull (strstr (err1, "other.key is not the private key of the certificate"));
  g_assert_cmpint (test_run_collect (NULL, &err2, "serve", "--db", f->db, "--listen", "127.0.0.1:0",
                            "--tls-cert", cert, "--tls-key", missing, NULL), ==, 2);
  g_assert_nonnull (strstr (err2, "nowhere.key: no such file"));
  g_assert_cmpint (test_run_collect (NULL, &err3, "serve", "--db", f->db, "--listen", "127.0.0.1:0",
                            "--tls-cert", cert, NULL), ==, 2);
  g_assert_nonnull (strstr (err3, "--tls-cert and --tls-key together"));
}

/* Started, its first line read, stopped at once: how a unit or a test
 * meets it. @argv's process is sent SIGTERM the moment its first line is
 * read; whether it exited 0 (not died by the signal). */
static gboolean
stops_cleanly_after_first_line (const char * const *argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) process = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error);
  g_autoptr(GDataInputStream) lines = NULL;
  g_autofree char *line = NULL;

  g_assert_no_error (error);
  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));
  line = g_data_input_stream_read_line (lines, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  g_subprocess_send_signal (process, SIGTERM);
  g_assert_true (g_subprocess_wait (process, NULL, &error));
  g_assert_no_error (error);
  return g_subprocess_get_if_exited (process) && g_subprocess_get_exit_status (process) == 0;
}

/* SIGTERM just after "listening on" is an orderly stop, every time (the
 * handler is in place before the line is printed): exit 0, the database
 * whole and the incoming folder empty. The control: the same look at a
 * process that keeps the default disposition sees it die by the signal. */
static void
test_sigterm_at_once (Collect       *f,
                      gconstpointer  data)
{
  const char * const serve[] = { test_collect_binary (), "serve", "--db", f->db, "--listen", "127.0.0.1:0", NULL };
  const char * const plain[] = { "/bin/sh", "-c", "echo listening; exec sleep 30", NULL };
  g_autofree char *list = NULL;
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  for (int i = 0; i < 20; i++)
    if (!stops_cleanly_after_first_line (serve))
      g_error ("try %d: sayso-collect serve did not exit 0 on a SIGTERM just after its first line", i + 1);

  g_assert_cmpint (test_run_collect (&list, NULL, "list", "--db", f->db, NULL), ==, 0);
  g_assert_true (incoming_is_empty (f));
  g_assert_cmpint (sqlite3_open (f->db, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA integrity_check", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, "ok");
  sqlite3_finalize (stmt);
  sqlite3_close (db);

  g_assert_false (stops_cleanly_after_first_line (plain));
}

/* The token kept out of the command line: from a file's first line, or
 * one line of standard input (--token -), and never echoed, whether the
 * pull works or the token is refused. The control: the same look finds
 * the token where it was put (the file), and an empty file or an empty
 * standard input is refused with a message that names where. */
static void
test_pull_token_hidden (Collect       *f,
                        gconstpointer  data)
{
  g_autofree char *b1 = make_bundle (f, f->store, 2);
  g_autofree char *db = analysis_db (f, "analysis.db");
  g_autofree char *again = analysis_db (f, "again.db");
  g_autofree char *key = g_build_filename (f->dir, "keys", "recipient.key", NULL);
  g_autofree char *token = new_token (f);
  g_autofree char *file = g_build_filename (f->dir, "token.txt", NULL);
  g_autofree char *empty = g_build_filename (f->dir, "empty.txt", NULL);
  g_autofree char *line = g_strconcat (token, "\n", NULL);
  g_autofree char *out1 = NULL, *err1 = NULL, *out2 = NULL, *err2 = NULL, *out3 = NULL, *err3 = NULL;
  g_autofree char *err4 = NULL, *err5 = NULL, *kept = NULL;
  g_autoptr(JsonObject) r1 = NULL;

  g_assert_cmpuint (upload (f, b1, &r1), ==, SOUP_STATUS_CREATED);
  g_assert_true (g_file_set_contents (file, line, -1, NULL));
  g_assert_true (g_file_set_contents (empty, "\n", -1, NULL));

  g_assert_cmpint (test_run_sayso (NULL, &out1, &err1, "import", "--db", db, "--key", key, "--from", f->url,
                                   "--token-file", file, NULL), ==, 0);
  assert_contains (out1, "bundles/1: 2 new responses from");
  g_assert_cmpint (test_run_sayso (line, &out2, &err2, "import", "--db", again, "--key", key, "--from", f->url,
                                   "--token", "-", NULL), ==, 0);
  assert_contains (out2, "bundles/1: 2 new responses from");

  /* Refused: the message says so, and still not what the token is. */
  g_assert_cmpint (test_run_collect (NULL, NULL, "token", "--db", f->db, "--name", "Ann Analyst", "--revoke", NULL), ==, 0);
  g_assert_cmpint (test_run_sayso (line, &out3, &err3, "import", "--db", again, "--key", key, "--from", f->url,
                                   "--token", "-", NULL), !=, 0);
  assert_contains (err3, "refused the token (401)");
  g_assert_null (strstr (out1, token));
  g_assert_null (strstr (err1, token));
  g_assert_null (strstr (out2, token));
  g_assert_null (strstr (err2, token));
  g_assert_null (strstr (out3, token));
  g_assert_null (strstr (err3, token));
  g_assert_true (g_file_get_contents (file, &kept, NULL, NULL));
  g_assert_nonnull (strstr (kept, token));

  g_assert_cmpint (test_run_sayso (NULL, NULL, &err4, "import", "--db", db, "--key", key, "--from", f->url,
                                   "--token-file", empty, NULL), ==, 2);
  assert_contains (err4, "--token-file ");
  assert_contains (err4, "empty.txt: no token on its first line");
  g_assert_cmpint (test_run_sayso ("", NULL, &err5, "import", "--db", db, "--key", key, "--from", f->url,
                                   "--token", "-", NULL), ==, 2);
  assert_contains (err5, "--token - reads the token from standard input; none came");
}

/* A service with its own self-signed certificate: trusted for one pull by
 * --ca-file, which imports. The control: without it, the pull fails with a
 * message that names the certificate and says how to give it, and nothing
 * is imported. */
static void
test_pull_ca_file (Collect       *f,
                   gconstpointer  data)
{
  g_autofree char *b1 = make_bundle (f, f->store, 2);
  g_autofree char *db = analysis_db (f, "analysis.db");
  g_autofree char *key = g_build_filename (f->dir, "keys", "recipient.key", NULL);
  g_autofree char *cert = tls_file ("service.crt");
  g_autofree char *token = new_token (f);
  g_autofree char *file = g_build_filename (f->dir, "token.txt", NULL);
  g_autofree char *out1 = NULL, *err1 = NULL, *out2 = NULL, *err2 = NULL;
  g_autoptr(JsonObject) r1 = NULL;

  g_assert_true (g_str_has_prefix (f->url, "https://"));
  g_assert_cmpuint (upload (f, b1, &r1), ==, SOUP_STATUS_CREATED);
  g_assert_true (g_file_set_contents (file, token, -1, NULL));

  g_assert_cmpint (test_run_sayso (NULL, &out1, &err1, "import", "--db", db, "--key", key, "--from", f->url,
                                   "--token-file", file, NULL), ==, 2);
  assert_contains (err1, "the service's certificate");
  assert_contains (err1, "is not one this computer trusts");
  assert_contains (err1, "--ca-file CERT.pem");
  g_assert_null (strstr (out1, "new response"));

  g_assert_cmpint (test_run_sayso (NULL, &out2, &err2, "import", "--db", db, "--key", key, "--from", f->url,
                                   "--token-file", file, "--ca-file", cert, NULL), ==, 0);
  assert_contains (out2, "bundles/1: 2 new responses from");
  g_assert_cmpstr (err2, ==, "");
}

/* A kiosk put back from a backup sent a second, different bundle 1: the
 * service kept it aside, and the pull imports neither version, says which
 * bundle and where to look, imports the rest (bundle 2) and exits 1. The
 * control: the same pull before the second bundle 1 came exits 0. */
static void
test_pull_conflict (Collect       *f,
                    gconstpointer  data)
{
  g_autofree char *restored = g_build_filename (f->dir, "restored.db", NULL);
  g_autofree char *contents = NULL;
  g_autofree char *before = analysis_db (f, "before.db");
  g_autofree char *db = analysis_db (f, "analysis.db");
  g_autofree char *token = new_token (f);
  g_autofree char *b1 = NULL, *other = NULL, *b2 = NULL;
  g_autofree char *out1 = NULL, *err1 = NULL, *out2 = NULL, *err2 = NULL;
  g_autoptr(JsonObject) r1 = NULL, r2 = NULL, r3 = NULL;
  gsize len = 0;

  g_assert_true (g_file_get_contents (f->store, &contents, &len, NULL));
  g_assert_true (g_file_set_contents (restored, contents, len, NULL));
  b1 = make_bundle (f, f->store, 2);
  b2 = make_bundle (f, f->store, 3);
  other = make_bundle (f, restored, 1);

  g_assert_cmpuint (upload (f, b1, &r1), ==, SOUP_STATUS_CREATED);
  g_assert_cmpuint (upload (f, b2, &r2), ==, SOUP_STATUS_CREATED);
  g_assert_cmpint (pull (f, before, f->url, token, &out1, &err1), ==, 0);
  g_assert_null (strstr (err1, "CONFLICT"));
  assert_contains (out1, "2 bundles fetched");

  g_assert_cmpuint (upload (f, other, &r3), ==, SOUP_STATUS_CONFLICT);
  g_assert_cmpint (pull (f, db, f->url, token, &out2, &err2), ==, 1);
  assert_contains (err2, "CONFLICT bundle 1 of " SITE ", kiosk 1 has two different versions at the service: "
                         "both kept aside, neither imported; see the inspection page");
  g_assert_null (strstr (out2, "bundles/1:"));
  assert_contains (out2, "bundles/2: 3 new responses from");
  assert_contains (out2, "1 bundle fetched");
  g_assert_null (strstr (out2, MARKER));
  g_assert_null (strstr (err2, MARKER));
}

/* Kiosks are named as people name them: numbered within their site in the
 * order enrolled, by enrol, list, the answer to an upload and /status (which
 * keeps the key and its fingerprint for IT). Enrolled again for its site a
 * kiosk keeps its number; the control: enrolled for another site, it takes
 * that site's next number, so the numbers are the site's and not a count. */
static void
test_kiosk_numbers (Collect       *f,
                    gconstpointer  data)
{
  g_autofree char *store2 = g_build_filename (f->dir, "second.db", NULL);
  g_autofree char *pub2 = g_build_filename (f->dir, "second.pub", NULL);
  g_autofree char *store3 = g_build_filename (f->dir, "third.db", NULL);
  g_autofree char *pub3 = g_build_filename (f->dir, "third.pub", NULL);
  g_autofree char *out2 = NULL, *out3 = NULL, *again = NULL, *moved = NULL, *list = NULL, *token_out = NULL;
  g_autofree char *expected2 = NULL, *expected3 = NULL, *fingerprint2 = NULL, *bundle = NULL;
  g_autoptr(JsonObject) reply = NULL, status = NULL;
  JsonArray *kiosks;
  guint8 pk2[SAYSO_SIGN_PUBLIC_KEY_SIZE], pk3[SAYSO_SIGN_PUBLIC_KEY_SIZE];
  gboolean seen = FALSE;
  char *token;

  make_kiosk (f, store2, pub2, pk2);
  make_kiosk (f, store3, pub3, pk3);
  fingerprint2 = sayso_key_fingerprint (pk2);
  {
    g_autofree char *fingerprint3 = sayso_key_fingerprint (pk3);
    expected2 = g_strdup_printf ("Enrolled " SITE ", kiosk 2 (key %s).\n", fingerprint2);
    expected3 = g_strdup_printf ("Enrolled Wrexham, kiosk 1 (key %s).\n", fingerprint3);
  }
  g_assert_cmpint (test_run_collect (&out2, NULL, "enroll", "--db", f->db, "--site", SITE, pub2, NULL), ==, 0);
  g_assert_cmpstr (out2, ==, expected2);
  g_assert_cmpint (test_run_collect (&out3, NULL, "enroll", "--db", f->db, "--site", "Wrexham", pub3, NULL), ==, 0);
  g_assert_cmpstr (out3, ==, expected3);
  g_assert_cmpint (test_run_collect (&again, NULL, "enroll", "--db", f->db, "--site", SITE, pub2, NULL), ==, 0);
  g_assert_cmpstr (again, ==, expected2);

  bundle = make_bundle (f, store2, 2);
  g_assert_cmpuint (upload (f, bundle, &reply), ==, SOUP_STATUS_CREATED);
  g_assert_cmpstr (json_object_get_string_member (reply, "message"), ==, "received: " SITE ", kiosk 2, bundle 1, 2 responses");

  g_assert_cmpint (test_run_collect (&list, NULL, "list", "--db", f->db, NULL), ==, 0);
  assert_contains (list, SITE "\tkiosk 2\tbundle 1\t2 responses\t");
  assert_contains (list, fingerprint2);

  g_assert_cmpint (test_run_collect (&token_out, NULL, "token", "--db", f->db, "--name", "Ann Analyst", NULL), ==, 0);
  token = g_strstrip (token_out);
  g_assert_cmpuint (get_status (f, token, &status), ==, SOUP_STATUS_OK);
  kiosks = json_object_get_array_member (status, "kiosks");
  g_assert_cmpuint (json_array_get_length (kiosks), ==, 3);
  for (guint i = 0; i < json_array_get_length (kiosks); i++)
    {
      JsonObject *kiosk = json_array_get_object_element (kiosks, i);
      g_autofree char *key = NULL;

      if (json_object_get_int_member (kiosk, "number") != 2)
        continue;
      key = g_base64_encode (pk2, sizeof pk2);
      g_assert_cmpstr (json_object_get_string_member (kiosk, "site"), ==, SITE);
      g_assert_cmpstr (json_object_get_string_member (kiosk, "name"), ==, SITE ", kiosk 2");
      g_assert_cmpstr (json_object_get_string_member (kiosk, "kiosk"), ==, key);
      g_assert_cmpstr (json_object_get_string_member (kiosk, "fingerprint"), ==, fingerprint2);
      g_assert_cmpint (json_object_get_int_member (kiosk, "bundles"), ==, 1);
      seen = TRUE;
    }
  g_assert_true (seen);

  /* The control: moved to Wrexham, it is Wrexham's second. */
  g_assert_cmpint (test_run_collect (&moved, NULL, "enroll", "--db", f->db, "--site", "Wrexham", pub2, NULL), ==, 0);
  assert_contains (moved, "Enrolled Wrexham, kiosk 2 (key ");
}

/* A database from before kiosks were numbered (schema 1) is numbered when
 * the service next opens it: each site's kiosks 1, 2 in the order they were
 * enrolled, its bundles kept. The control: a schema the service does not
 * know (4) is refused, and left as it was. */
static void
test_numbers_migrated (Collect       *f,
                       gconstpointer  data)
{
  g_autofree char *store2 = g_build_filename (f->dir, "second.db", NULL);
  g_autofree char *pub2 = g_build_filename (f->dir, "second.pub", NULL);
  g_autofree char *bundle = make_bundle (f, f->store, 3);
  g_autofree char *list = NULL, *err = NULL;
  g_autoptr(JsonObject) reply = NULL;
  guint8 pk2[SAYSO_SIGN_PUBLIC_KEY_SIZE];
  sqlite3 *db = NULL;

  make_kiosk (f, store2, pub2, pk2);
  g_assert_cmpint (test_run_collect (NULL, NULL, "enroll", "--db", f->db, "--site", SITE, pub2, NULL), ==, 0);
  g_assert_cmpuint (upload (f, bundle, &reply), ==, SOUP_STATUS_CREATED);
  stop_server (f);

  /* Made as schema 1 made it: the fixture's kiosk enrolled a day later. */
  g_assert_cmpint (sqlite3_open (f->db, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db,
                                 "PRAGMA foreign_keys = OFF; BEGIN;"
                                 "CREATE TABLE old (pk BLOB PRIMARY KEY CHECK (length(pk) = 32), site TEXT NOT NULL,"
                                 "  enrolled TEXT NOT NULL) WITHOUT ROWID;"
                                 "INSERT INTO old SELECT pk, site, CASE number WHEN 1 THEN '2026-11-02' ELSE '2026-11-01' END"
                                 "  FROM kiosks;"
                                 "DROP TABLE kiosks; ALTER TABLE old RENAME TO kiosks; DROP TABLE site_numbers;"
                                 "PRAGMA user_version = 1; COMMIT;", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  g_assert_cmpint (test_run_collect (&list, NULL, "list", "--db", f->db, NULL), ==, 0);
  /* Enrolled first, the second kiosk is now 1; the fixture's, with the bundle, 2. */
  assert_contains (list, SITE "\tkiosk 2\tbundle 1\t3 responses\t");
  g_assert_cmpint (test_run_collect (NULL, NULL, "enroll", "--db", f->db, "--site", SITE, pub2, NULL), ==, 0);
  {
    g_autofree char *third = g_build_filename (f->dir, "third.db", NULL);
    g_autofree char *pub3 = g_build_filename (f->dir, "third.pub", NULL);
    g_autofree char *out = NULL;
    guint8 pk3[SAYSO_SIGN_PUBLIC_KEY_SIZE];

    make_kiosk (f, third, pub3, pk3);
    g_assert_cmpint (test_run_collect (&out, NULL, "enroll", "--db", f->db, "--site", SITE, pub3, NULL), ==, 0);
    assert_contains (out, "Enrolled " SITE ", kiosk 3 (key ");
  }

  g_assert_cmpint (sqlite3_open (f->db, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "PRAGMA user_version = 4", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  g_assert_cmpint (test_run_collect (NULL, &err, "list", "--db", f->db, NULL), ==, 1);
  assert_contains (err, "schema 4");
}

/* `sayso-collect enroll` for @pub at @site: the number it says. */
static gint64
enrolled_as (Collect    *f,
             const char *site,
             const char *pub)
{
  g_autofree char *out = NULL;
  g_autofree char *prefix = g_strdup_printf ("Enrolled %s, kiosk ", site);
  const char *number;

  g_assert_cmpint (test_run_collect (&out, NULL, "enroll", "--db", f->db, "--site", site, pub, NULL), ==, 0);
  assert_contains (out, prefix);
  number = strstr (out, prefix) + strlen (prefix);
  return g_ascii_strtoll (number, NULL, 10);
}

/* A site's highest-numbered kiosk enrolled again for another site leaves
 * its number behind, never given again: the site's next kiosk is 3, not 2
 * again, and the list and the status name 1 and 3 at the site, 1 at the
 * other, each once. So too in a schema-2 database, once opened (migrated
 * to schema 3: each site's highest number is kept). The control: a kiosk
 * enrolled again for its own site keeps its number. */
static void
test_numbers_never_reused (Collect       *f,
                           gconstpointer  data)
{
  char *pub[5] = { NULL };
  g_autofree char *token_out = NULL;
  g_autoptr(JsonObject) status = NULL;
  g_autoptr(GHashTable) names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  JsonArray *kiosks;
  sqlite3 *db = NULL;
  char *token;

  for (guint i = 1; i < G_N_ELEMENTS (pub); i++)
    {
      g_autofree char *name = g_strdup_printf ("kiosk-%u.db", i);
      g_autofree char *store = g_build_filename (f->dir, name, NULL);
      guint8 pk[SAYSO_SIGN_PUBLIC_KEY_SIZE];

      pub[i] = g_strdup_printf ("%s/kiosk-%u.pub", f->dir, i);
      make_kiosk (f, store, pub[i], pk);
    }

  g_assert_cmpint (enrolled_as (f, SITE, pub[1]), ==, 2);
  g_assert_cmpint (enrolled_as (f, "Wrexham", pub[1]), ==, 1);
  g_assert_cmpint (enrolled_as (f, SITE, pub[2]), ==, 3);
  /* The control. */
  g_assert_cmpint (enrolled_as (f, SITE, pub[2]), ==, 3);

  g_assert_cmpint (test_run_collect (&token_out, NULL, "token", "--db", f->db, "--name", "Ann Analyst", NULL), ==, 0);
  token = g_strstrip (token_out);
  g_assert_cmpuint (get_status (f, token, &status), ==, SOUP_STATUS_OK);
  kiosks = json_object_get_array_member (status, "kiosks");
  g_assert_cmpuint (json_array_get_length (kiosks), ==, 3);
  for (guint i = 0; i < json_array_get_length (kiosks); i++)
    {
      const char *name = json_object_get_string_member (json_array_get_object_element (kiosks, i), "name");

      g_assert_false (g_hash_table_contains (names, name));
      g_hash_table_add (names, g_strdup (name));
    }
  g_assert_true (g_hash_table_contains (names, SITE ", kiosk 1"));
  g_assert_true (g_hash_table_contains (names, SITE ", kiosk 3"));
  g_assert_true (g_hash_table_contains (names, "Wrexham, kiosk 1"));
  stop_server (f);

  /* A schema-2 database: no record of what its sites gave out. */
  g_assert_cmpint (sqlite3_open (f->db, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "DROP TABLE site_numbers; PRAGMA user_version = 2;", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  g_assert_cmpint (enrolled_as (f, "Wrexham", pub[2]), ==, 2);
  g_assert_cmpint (enrolled_as (f, SITE, pub[3]), ==, 4);
  g_assert_cmpint (enrolled_as (f, "Wrexham", pub[3]), ==, 3);
  g_assert_cmpint (enrolled_as (f, SITE, pub[4]), ==, 5);
  g_assert_cmpint (sqlite3_open (f->db, &db), ==, SQLITE_OK);
  {
    sqlite3_stmt *stmt = NULL;

    g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT user_version FROM pragma_user_version", -1, &stmt, NULL), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, 3);
    sqlite3_finalize (stmt);
  }
  sqlite3_close (db);
  for (guint i = 0; i < G_N_ELEMENTS (pub); i++)
    g_free (pub[i]);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(name, func, options) \
  g_test_add (name, Collect, options, collect_setup, func, collect_teardown)
  ADD ("/collect/good-upload", test_good_upload, &defaults);
  ADD ("/collect/tampered", test_tampered, &defaults);
  ADD ("/collect/truncated-and-garbage", test_truncated_and_garbage, &defaults);
  ADD ("/collect/unknown-kiosk", test_unknown_kiosk, &defaults);
  ADD ("/collect/replayed-sequence", test_replayed_sequence, &defaults);
  ADD ("/collect/over-size", test_over_size, &small_limit);
  ADD ("/collect/token-and-status", test_token_and_status, &defaults);
  ADD ("/collect/backup", test_backup, &defaults);
  ADD ("/collect/slow-client", test_slow_client, &short_timeout);
  ADD ("/collect/killed-mid-upload", test_killed_mid_upload, &defaults);
  ADD ("/collect/concurrent", test_concurrent, &defaults);
  ADD ("/collect/upload-page", test_upload_page, &defaults);
  ADD ("/collect/command-line", test_command_line, &defaults);
  ADD ("/collect/db-only-plain-file", test_db_only_plain_file, &defaults);
  ADD ("/collect/full-disk", test_full_disk, &defaults);
  ADD ("/collect/tls", test_tls, &with_tls);
  ADD ("/collect/inspection-page", test_inspection_page, &defaults);
  ADD ("/collect/pull", test_pull, &defaults);
  ADD ("/collect/pull-wrong-token", test_pull_wrong_token, &defaults);
  ADD ("/collect/pull-refused-named", test_pull_refused_named, &defaults);
  ADD ("/collect/pull-hostile-listing", test_pull_hostile_listing, &defaults);
  ADD ("/collect/pull-altered", test_pull_altered, &defaults);
  ADD ("/collect/pull-cut-off", test_pull_cut_off, &defaults);
  ADD ("/collect/tls-bad-key", test_tls_bad_key, &defaults);
  ADD ("/collect/kiosk-numbers", test_kiosk_numbers, &defaults);
  ADD ("/collect/sigterm-at-once", test_sigterm_at_once, &defaults);
  ADD ("/collect/pull-token-hidden", test_pull_token_hidden, &defaults);
  ADD ("/collect/pull-ca-file", test_pull_ca_file, &with_tls);
  ADD ("/collect/pull-conflict", test_pull_conflict, &defaults);
  ADD ("/collect/numbers-migrated", test_numbers_migrated, &defaults);
  ADD ("/collect/numbers-never-reused", test_numbers_never_reused, &defaults);
#undef ADD

  return g_test_run ();
}
