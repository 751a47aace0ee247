/* Benchmark: the collection service receiving a day's bundle (30 records)
 * beside what it cannot do without, checking the bundle as `sayso verify`
 * does and one fsync of its bytes; and uploads a second with 16 clients.
 * Run with `meson test --benchmark`.
 *
 * Two baselines, each with one fsync of a copy of the bundle's bytes: the
 * `sayso verify` command itself, as the issue words it (a process started,
 * the bundle read and checked), and the floor beneath it, the same check
 * in this process with no process to start. The service is within 1.3x of
 * the first if it adds little to the check and the sync; the ratio to the
 * second says what HTTP and the receipt cost on top of the check itself.
 *
 * The real `sayso-collect serve` on 127.0.0.1, each upload a new bundle
 * (the same one again stores nothing). Bundles are written by the bundle
 * writer with a kiosk key the benchmark enrols, records of the built-in
 * survey's size (12,336 bytes) filled with random bytes: the service cannot
 * open a record, so it does the same work as for real ones. Each figure is
 * the median of SAYSO_BENCH_ROUNDS (21 by default) uploads. */
#include <fcntl.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sayso-bundle.h"
#include "sayso-crypto.h"
#include "sayso-process.h"
#include "sayso-test-utils.h"

#define RECORD_SIZE 12336
#define DAY_RECORDS 30
#define CLIENTS     16
#define CROWD       320

static gboolean
write_to_fd (gconstpointer   data,
             gsize           len,
             gpointer        user_data,
             GError        **error)
{
  int fd = GPOINTER_TO_INT (user_data);
  const char *p = data;

  while (len > 0)
    {
      gssize n = write (fd, p, len);
      g_assert_cmpint (n, >, 0);
      p += n;
      len -= n;
    }
  return TRUE;
}

static GBytes *
make_bundle (const char   *dir,
             const guint8  pk[SAYSO_SIGN_PUBLIC_KEY_SIZE],
             const guint8  sk[SAYSO_SIGN_SECRET_KEY_SIZE],
             gint64        sequence,
             char        **path_out)
{
  g_autofree char *path = g_strdup_printf ("%s/bundle-%04" G_GINT64_FORMAT ".sayso", dir, sequence);
  g_autofree guint8 *record = g_malloc (RECORD_SIZE);
  g_autoptr(SaysoBundleWriter) writer = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize len = 0;
  int fd = g_open (path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

  g_assert_cmpint (fd, >=, 0);
  writer = sayso_bundle_writer_new (write_to_fd, GINT_TO_POINTER (fd), pk, sk, "Liverpool North", sequence,
                                    "2026-12-01", &error);
  g_assert_no_error (error);
  for (guint i = 0; i < DAY_RECORDS; i++)
    {
      guint8 id[16];

      sayso_random_bytes (id, sizeof id);
      sayso_random_bytes (record, RECORD_SIZE);
      g_assert_true (sayso_bundle_writer_add (writer, id, "hmip-user-voice", 1, record, RECORD_SIZE, NULL, &error));
    }
  g_assert_true (sayso_bundle_writer_finish (writer, &error));
  close (fd);

  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  if (path_out)
    *path_out = g_steal_pointer (&path);
  return g_bytes_new_take (g_steal_pointer (&contents), len);
}

static int
compare_int64 (gconstpointer a,
               gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;
  return x < y ? -1 : x > y;
}

static gint64
median (GArray *values)
{
  g_array_sort (values, compare_int64);
  return g_array_index (values, gint64, values->len / 2);
}

/* The tenth slowest in a hundred, of a sorted array. */
static gint64
p90 (GArray *values)
{
  g_array_sort (values, compare_int64);
  return g_array_index (values, gint64, MIN (values->len - 1, values->len * 9 / 10));
}

/* What the service must do at the least: check the bundle as `sayso
 * verify` does, and make its bytes durable with one fsync. */
static gint64
verify_and_fsync (const char *path,
                  GBytes     *bytes,
                  const char *dir)
{
  g_autofree char *copy = g_build_filename (dir, "copy.sayso", NULL);
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();
  g_autoptr(SaysoBundle) bundle G_GNUC_UNUSED = sayso_bundle_open (path, NULL, &error);
  int fd;

  g_assert_no_error (error);
  fd = g_open (copy, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  g_assert_cmpint (fd, >=, 0);
  write_to_fd (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), GINT_TO_POINTER (fd), NULL);
  g_assert_cmpint (fsync (fd), ==, 0);
  close (fd);
  start = g_get_monotonic_time () - start;
  g_unlink (copy);
  return start;
}

/* The same with the command a person would run: `sayso verify FILE`. */
static gint64
command_verify_and_fsync (const char *path,
                          GBytes     *bytes,
                          const char *dir)
{
  g_autofree char *copy = g_build_filename (dir, "copy.sayso", NULL);
  const char *argv[] = { test_sayso_binary (), "verify", path, NULL };
  g_autoptr(GSubprocess) verify = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();
  int fd;

  verify = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_SILENCE, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_wait_check (verify, NULL, &error));
  fd = g_open (copy, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  g_assert_cmpint (fd, >=, 0);
  write_to_fd (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), GINT_TO_POINTER (fd), NULL);
  g_assert_cmpint (fsync (fd), ==, 0);
  close (fd);
  start = g_get_monotonic_time () - start;
  g_unlink (copy);
  return start;
}

static guint
post (SoupSession *session,
      const char  *url,
      GBytes      *body)
{
  g_autoptr(SoupMessage) msg = soup_message_new ("POST", url);
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(GError) error = NULL;

  soup_message_set_request_body_from_bytes (msg, "application/octet-stream", body);
  answer = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  return soup_message_get_status (msg);
}

typedef struct
{
  SoupSession *session;
  const char  *url;
  GPtrArray   *bodies;
  guint        next;
  guint        done;
  guint        failed;
  GMainLoop   *loop;
} Crowd;

static void crowd_send (Crowd *crowd);

static void
crowd_done (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  SoupMessage *msg = user_data;
  Crowd *crowd = g_object_get_data (G_OBJECT (msg), "crowd");
  g_autoptr(GBytes) answer = soup_session_send_and_read_finish (SOUP_SESSION (source), result, NULL);

  if (answer == NULL || soup_message_get_status (msg) != SOUP_STATUS_CREATED)
    crowd->failed++;
  g_object_unref (msg);
  if (++crowd->done == crowd->bodies->len)
    g_main_loop_quit (crowd->loop);
  else
    crowd_send (crowd);
}

/* Each client sends its next bundle as soon as the last one is answered. */
static void
crowd_send (Crowd *crowd)
{
  SoupMessage *msg;

  if (crowd->next >= crowd->bodies->len)
    return;
  msg = soup_message_new ("POST", crowd->url);
  g_object_set_data (G_OBJECT (msg), "crowd", crowd);
  soup_message_set_request_body_from_bytes (msg, "application/octet-stream", g_ptr_array_index (crowd->bodies, crowd->next++));
  soup_session_send_and_read_async (crowd->session, msg, G_PRIORITY_DEFAULT, NULL, crowd_done, msg);
}

int
main (int    argc,
      char **argv)
{
  const char *collect = g_getenv ("SAYSO_COLLECT_BIN");
  guint rounds = g_getenv ("SAYSO_BENCH_ROUNDS") ? (guint) atoi (g_getenv ("SAYSO_BENCH_ROUNDS")) : 21;
  g_autofree char *dir = NULL, *db = NULL, *pub = NULL, *key_text = NULL, *url = NULL, *bundles_url = NULL;
  g_autoptr(GArray) receive = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) baseline = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) command = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GPtrArray) bodies = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr(GSubprocess) server = NULL;
  g_autoptr(GDataInputStream) lines = NULL;
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(GError) error = NULL;
  guint8 pk[SAYSO_SIGN_PUBLIC_KEY_SIZE], sk[SAYSO_SIGN_SECRET_KEY_SIZE];
  gint64 sequence = 0, r, b, c, crowd_time;
  gsize bundle_size = 0;

  g_assert_nonnull (collect);
  rounds = MAX (rounds, 3u);
  sayso_init ();
  dir = test_make_tmp_dir ();
  db = g_build_filename (dir, "collect.db", NULL);
  pub = g_build_filename (dir, "kiosk.pub", NULL);

  sayso_sign_keypair_new (pk, sk);
  key_text = sayso_key_to_text (SAYSO_KEY_KIOSK_PUBLIC, pk);
  g_assert_true (g_file_set_contents (pub, key_text, -1, NULL));
  {
    const char *init[] = { collect, "init", "--db", db, NULL };
    const char *enroll[] = { collect, "enroll", "--db", db, "--site", "Liverpool North", pub, NULL };
    g_autoptr(GSubprocess) a = g_subprocess_newv (init, G_SUBPROCESS_FLAGS_STDOUT_SILENCE, &error);
    g_assert_true (g_subprocess_wait_check (a, NULL, &error));
    {
      g_autoptr(GSubprocess) e = g_subprocess_newv (enroll, G_SUBPROCESS_FLAGS_STDOUT_SILENCE, &error);
      g_assert_true (g_subprocess_wait_check (e, NULL, &error));
    }
  }
  {
    const char *serve[] = { collect, "serve", "--db", db, "--listen", "127.0.0.1:0", NULL };
    server = g_subprocess_newv (serve, G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error);
    g_assert_no_error (error);
    lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (server));
    url = g_data_input_stream_read_line_utf8 (lines, NULL, NULL, &error);
    g_assert_nonnull (url);
    bundles_url = g_strconcat (url, "bundles", NULL);
  }

  /* A warm-up upload, then each round: a new bundle received, and the
   * same bytes verified and synced. */
  {
    g_autoptr(GBytes) warm = make_bundle (dir, pk, sk, ++sequence, NULL);
    g_assert_cmpuint (post (session, bundles_url, warm), ==, SOUP_STATUS_CREATED);
  }
  for (guint i = 0; i < rounds; i++)
    {
      g_autofree char *path = NULL;
      g_autoptr(GBytes) body = make_bundle (dir, pk, sk, ++sequence, &path);
      gint64 start;

      bundle_size = g_bytes_get_size (body);
      sync ();
      start = g_get_monotonic_time ();
      g_assert_cmpuint (post (session, bundles_url, body), ==, SOUP_STATUS_CREATED);
      r = g_get_monotonic_time () - start;
      g_array_append_val (receive, r);
      sync ();
      b = verify_and_fsync (path, body, dir);
      g_array_append_val (baseline, b);
      sync ();
      c = command_verify_and_fsync (path, body, dir);
      g_array_append_val (command, c);
      g_unlink (path);
    }

  for (guint i = 0; i < CROWD; i++)
    {
      g_autofree char *path = NULL;
      g_ptr_array_add (bodies, make_bundle (dir, pk, sk, ++sequence, &path));
      g_unlink (path);
    }
  {
    g_autoptr(SoupSession) many = soup_session_new_with_options ("max-conns", CLIENTS, "max-conns-per-host", CLIENTS, NULL);
    g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
    Crowd crowd = { many, bundles_url, bodies, 0, 0, 0, loop };
    gint64 start;

    sync ();
    start = g_get_monotonic_time ();
    for (guint k = 0; k < CLIENTS; k++)
      crowd_send (&crowd);
    g_main_loop_run (loop);
    crowd_time = g_get_monotonic_time () - start;
    g_assert_cmpuint (crowd.failed, ==, 0);
  }

  r = median (receive);
  b = median (baseline);
  c = median (command);
  printf ("collect-receive: a day's bundle (%d records, %" G_GSIZE_FORMAT " bytes), median (p90) of %u\n",
          DAY_RECORDS, bundle_size, rounds);
  printf ("  upload to 201             %8" G_GINT64_FORMAT " us (%" G_GINT64_FORMAT ")   (HTTP on loopback, streamed to a file, checked, stored, synced, receipt)\n",
          r, p90 (receive));
  printf ("  sayso verify + fsync      %8" G_GINT64_FORMAT " us (%" G_GINT64_FORMAT ")   (the command, as the issue names it, then the bytes written and fsynced once)\n",
          c, p90 (command));
  printf ("  in-process check + fsync  %8" G_GINT64_FORMAT " us (%" G_GINT64_FORMAT ")   (the same check with no process to start: the floor)\n",
          b, p90 (baseline));
  printf ("  ratio to sayso verify + fsync    %6.2fx   (target: within 1.3x)\n", (double) r / (double) c);
  printf ("  ratio to the in-process floor    %6.2fx\n", (double) r / (double) b);
  printf ("  1 client          %8.1f uploads a second (one after another, from the median)\n", 1e6 / (double) r);
  printf ("  %d clients        %8.1f uploads a second (%d new bundles in %.2f s)\n",
          CLIENTS, CROWD / (crowd_time / 1e6), CROWD, crowd_time / 1e6);

  g_subprocess_send_signal (server, SIGTERM);
  g_assert_true (g_subprocess_wait_check (server, NULL, &error));
  test_remove_tree (dir);
  return 0;
}
