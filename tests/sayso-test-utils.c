#define G_LOG_DOMAIN "sayso-test"

#include <glib/gstdio.h>
#include <string.h>

#include "sayso-bundle.h"
#include "sayso-process.h"
#include "sayso-store-private.h"
#include "sayso-test-utils.h"

#include <stdarg.h>

#include <signal.h>

char *
test_make_tmp_dir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("sayso-test-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

void
test_remove_tree (const char *path)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  if (path == NULL)
    return;

  if ((dir = g_dir_open (path, 0, NULL)))
    {
      while ((name = g_dir_read_name (dir)))
        {
          g_autofree char *child = g_build_filename (path, name, NULL);
          if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
            test_remove_tree (child);
          else
            g_unlink (child);
        }
    }
  g_rmdir (path);
}

void
test_store_setup (TestStore     *fixture,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  sayso_init ();
  fixture->dir = test_make_tmp_dir ();
  fixture->path = g_build_filename (fixture->dir, "store.db", NULL);
  sayso_recipient_keypair_new (fixture->pk, fixture->sk);
  fixture->store = sayso_store_create (fixture->path, "Test site", fixture->pk, &error);
  g_assert_no_error (error);
  g_assert_nonnull (fixture->store);
}

void
test_store_teardown (TestStore     *fixture,
                     gconstpointer  data)
{
  g_clear_object (&fixture->store);
  test_remove_tree (fixture->dir);
  g_clear_pointer (&fixture->dir, g_free);
  g_clear_pointer (&fixture->path, g_free);
}

gboolean
test_file_contains (const char *path,
                    const char *needle)
{
  g_autofree char *contents = NULL;
  gsize len = 0;

  if (!g_file_get_contents (path, &contents, &len, NULL))
    return FALSE;
  return memmem (contents, len, needle, strlen (needle)) != NULL;
}

typedef struct
{
  const guint8 *sk;
  GPtrArray    *records;
} OpenAll;

static gboolean
open_one (const SaysoDbRecord *stored,
          gpointer             user_data)
{
  OpenAll *all = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) sealed = g_bytes_new (stored->sealed, stored->sealed_size);
  g_autoptr(GBytes) plain = sayso_unseal (all->sk, sealed, &error);
  guint8 hash[SAYSO_BUNDLE_HASH_SIZE];
  SaysoRecord *record;

  /* Every record saved now carries the hash its bundle will list. */
  g_assert_nonnull (stored->hash);
  sayso_bundle_record_hash (stored->sealed, stored->sealed_size, hash);
  g_assert_cmpmem (stored->hash, SAYSO_BUNDLE_HASH_SIZE, hash, sizeof hash);

  g_assert_no_error (error);
  record = sayso_record_decode (plain, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (record->questionnaire, ==, stored->questionnaire);
  g_assert_cmpint (record->version, ==, stored->version);
  g_ptr_array_add (all->records, record);
  return TRUE;
}

GPtrArray *
test_open_all_records (SaysoDb      *db,
                       const guint8  sk[SAYSO_BOX_SECRET_KEY_SIZE])
{
  g_autoptr(GError) error = NULL;
  OpenAll all = { sk, g_ptr_array_new_with_free_func ((GDestroyNotify) sayso_record_free) };

  g_assert_true (sayso_db_foreach_response (db, open_one, &all, &error));
  g_assert_no_error (error);
  return all.records;
}

char *
test_answers_to_string (SaysoRecord *record)
{
  return json_to_string (record->answers, FALSE);
}

const char *
test_sayso_binary (void)
{
  const char *path = g_getenv ("SAYSO_BIN");

  g_assert_nonnull (path);
  return path;
}

const char *
test_collect_binary (void)
{
  const char *path = g_getenv ("SAYSO_COLLECT_BIN");

  g_assert_nonnull (path);
  return path;
}

/* Runs @binary with the NULL-terminated @args, @stdin_text on its standard
 * input; its output in *out and *err if asked for. Returns its exit status,
 * or -1 when it was killed. */
static int
run_program (const char  *binary,
             const char  *stdin_text,
             char       **out,
             char       **err,
             va_list      args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *stdout_text = NULL;
  g_autofree char *stderr_text = NULL;
  const char *arg;

  g_ptr_array_add (argv, (gpointer) binary);
  while ((arg = va_arg (args, const char *)))
    g_ptr_array_add (argv, (gpointer) arg);
  g_ptr_array_add (argv, NULL);

  proc = g_subprocess_newv ((const char * const *) argv->pdata,
                            G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                            &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (proc, stdin_text, NULL, &stdout_text, &stderr_text, &error);
  g_assert_no_error (error);
  if (out)
    *out = g_steal_pointer (&stdout_text);
  if (err)
    *err = g_steal_pointer (&stderr_text);
  return g_subprocess_get_if_exited (proc) ? g_subprocess_get_exit_status (proc) : -1;
}

int
test_run_sayso (const char  *stdin_text,
                char       **out,
                char       **err,
                ...)
{
  va_list args;
  int code;

  va_start (args, err);
  code = run_program (test_sayso_binary (), stdin_text, out, err, args);
  va_end (args);
  return code;
}

int
test_run_collect (char **out,
                  char **err,
                  ...)
{
  va_list args;
  int code;

  va_start (args, err);
  code = run_program (test_collect_binary (), NULL, out, err, args);
  va_end (args);
  return code;
}

/* @day, of something made since @before was sayso_today (): that day or
 * today, so that a run that crosses midnight holds as well. */
void
test_assert_day_since (const char *before,
                       const char *day)
{
  g_autofree char *now = sayso_today ();

  if (g_strcmp0 (day, before) != 0 && g_strcmp0 (day, now) != 0)
    g_error ("The day is %s, not %s%s%s", day ? day : "(none)", before,
             g_str_equal (before, now) ? "" : " nor ", g_str_equal (before, now) ? "" : now);
}

GSubprocess *
test_collect_serve (const char  *db,
                    const char  *listen,
                    const char  *log,
                    char       **url,
                    ...)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GDataInputStream) lines = NULL;
  g_autoptr(GError) error = NULL;
  GSubprocess *server;
  const char *arg;
  va_list args;

  g_ptr_array_add (argv, (gpointer) test_collect_binary ());
  g_ptr_array_add (argv, "serve");
  g_ptr_array_add (argv, (gpointer) "--db");
  g_ptr_array_add (argv, (gpointer) db);
  g_ptr_array_add (argv, (gpointer) "--listen");
  g_ptr_array_add (argv, (gpointer) listen);
  va_start (args, url);
  while ((arg = va_arg (args, const char *)))
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  g_subprocess_launcher_set_stderr_file_path (launcher, log);
  server = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  /* Its first line is where it listens. */
  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (server));
  *url = g_data_input_stream_read_line_utf8 (lines, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (*url);
  g_assert_true (g_str_has_prefix (*url, "http://127.0.0.1:"));
  return server;
}

void
test_collect_stop (GSubprocess **server)
{
  g_autoptr(GError) error = NULL;

  if (*server == NULL)
    return;
  g_subprocess_send_signal (*server, SIGTERM);
  g_assert_true (g_subprocess_wait (*server, NULL, &error));
  g_assert_no_error (error);
  g_clear_object (server);
}

/* A free port on the loopback, kept: bound but not listening, so that a
 * connection to it is refused (no service there) and no other program can
 * take it meanwhile; SO_REUSEADDR lets the service bind it too when the
 * test starts it there. Hold *@reservation until the test ends. */
guint16
test_free_port (GSocket **reservation)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_socket_bind (socket, any, TRUE, &error));
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  *reservation = g_steal_pointer (&socket);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}
