/* bench-kiosk: how fast the kiosk shows its welcome screen, and how much
 * memory it holds after one respondent and after two hundred.
 *
 * Targets: first frame < 400 ms from process start; < 80 MB resident;
 * < 2 MB growth over 200 respondents; start time and resident memory at
 * the first frame within 1.5x of a GTK 4 hello window's.
 *
 * Where the start went, and what was done about it (perf stat and perf
 * record, callgrind, LD_DEBUG=statistics, /proc/self/smaps; first the
 * kiosk 389 ms and 50.0 MB against the hello window's 180 ms and 29.2 MB):
 * - GTK styled every page of the window's stack at the first present, out
 *   of sight or not, and the question's speaker icons brought librsvg,
 *   libxml2 and ICU in: pages out of sight are hidden until reached.
 * - libadwaita: its settings (and the portal it asks), and its 264 KB
 *   stylesheet parsed over GTK's 141 KB one, cost some 80 ms of the 290
 *   to the first frame, for a look kiosk.css overrode almost everywhere.
 *   The kiosk now runs on GTK's empty theme, kiosk.css styling each kind
 *   of widget it shows (its base section), without libadwaita. The hello
 *   window parses GTK's own theme, as any GTK program does; printed below
 *   for reference, the hello window on the empty theme too.
 * - eSpeak NG and libsoup brought 35 of the 108 shared libraries loaded at
 *   every start: both are opened when first used (app/kiosk/
 *   sayso-lazy-lib.c), 72 libraries now (the hello window: 69).
 * - The question view with its on-screen keyboard and the staff view were
 *   built with the window: they are built when first needed (5% of the
 *   instructions to the first frame).
 * What the window still builds: its template, with the welcome page and
 * the small promise, send and thank-you pages (out of sight, unstyled
 * until reached), the built-in questionnaire (parsed in about 5 ms) and
 * the Welsh catalog (some 5 ms, nearly all of it the check of its plural
 * rule at every count up to 1000), which the welcome screen shows.
 * SQLite, libsodium and the store open in under 5 ms; the pictures load
 * with their question. (GTK 4.8 loads its GStreamer media module as it
 * starts, in both programs.)
 */
#define G_LOG_DOMAIN "bench-kiosk"

#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>

#include "sayso-submit-queue-private.h"
#include "ui-test-utils.h"

#define N_STARTS 10
#define N_RESPONDENTS 200

static guint n_respondents = N_RESPONDENTS;

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

static double
median (GArray *values)
{
  g_array_sort (values, compare_doubles);
  return g_array_index (values, double, values->len / 2);
}

/* One start of @program (argv) that prints its first frame: the time
 * from its process's start and its resident memory then. */
static void
start_once (const char * const *argv,
            char              **env,
            double             *ms,
            double             *rss_mb)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  const char *line, *rss;
  int status;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, env, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error));
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL) || !(line = strstr (out, "first-frame-ms: ")) ||
      !(rss = strstr (out, "rss-kb: ")))
    g_error ("%s did not report its first frame:\n%s\n%s", argv[0], out, err);
  *ms = g_ascii_strtod (line + strlen ("first-frame-ms: "), NULL);
  *rss_mb = g_ascii_strtoull (rss + strlen ("rss-kb: "), NULL, 10) / 1024.0;
}

/* The kiosk's first frame beside a GTK 4 hello window's (tests/ui/
 * hello-window.c), started in turn, so that both see the same machine. */
static void
bench_first_frame (KioskFixture *fixture)
{
  const char *kiosk = g_getenv ("SAYSO_KIOSK_BIN");
  const char *hello = g_getenv ("SAYSO_HELLO_BIN");
  g_autoptr(GArray) kiosk_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) kiosk_rss = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) hello_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) hello_rss = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) empty_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) empty_rss = g_array_new (FALSE, FALSE, sizeof (double));
  g_auto(GStrv) env = g_get_environ ();
  g_auto(GStrv) hello_env = NULL;
  g_auto(GStrv) empty_env = NULL;
  double k_ms, k_rss, h_ms, h_rss;

  g_assert_nonnull (kiosk);
  g_assert_nonnull (hello);
  env = g_environ_setenv (env, "SAYSO_KIOSK_EXIT_AFTER_FIRST_FRAME", "1", TRUE);
  env = g_environ_unsetenv (env, "G_DEBUG");
  /* Each chooses its own renderer. */
  env = g_environ_unsetenv (env, "GSK_RENDERER");
  env = g_environ_unsetenv (env, "GDK_DEBUG");
  /* The hello window draws as the kiosk chooses to (cairo, no OpenGL), so
   * that the ratio is the kiosk's own cost, not a renderer's. */
  hello_env = g_strdupv (env);
  hello_env = g_environ_setenv (hello_env, "GSK_RENDERER", "cairo", TRUE);
  hello_env = g_environ_setenv (hello_env, "GDK_DEBUG", "gl-disable", TRUE);
  /* For reference, not the target's baseline: the hello window on the
   * theme the kiosk runs on (GTK's empty one), without GTK's own. */
  empty_env = g_strdupv (hello_env);
  empty_env = g_environ_setenv (empty_env, "GTK_THEME", "Empty", TRUE);

  for (guint i = 0; i < N_STARTS + 1; i++)
    {
      const char *kiosk_argv[] = { kiosk, "--windowed", "--store", fixture->store.path, NULL };
      const char *hello_argv[] = { hello, NULL };
      double ms, rss;

      start_once (kiosk_argv, env, &ms, &rss);
      /* The first start of each warms the disk cache; it is not counted. */
      if (i > 0)
        {
          g_array_append_val (kiosk_ms, ms);
          g_array_append_val (kiosk_rss, rss);
        }
      start_once (hello_argv, hello_env, &ms, &rss);
      if (i > 0)
        {
          g_array_append_val (hello_ms, ms);
          g_array_append_val (hello_rss, rss);
        }
      start_once (hello_argv, empty_env, &ms, &rss);
      if (i > 0)
        {
          g_array_append_val (empty_ms, ms);
          g_array_append_val (empty_rss, rss);
        }
    }

  k_ms = median (kiosk_ms);
  h_ms = median (hello_ms);
  k_rss = median (kiosk_rss);
  h_rss = median (hello_rss);
  g_print ("first frame (process start -> first paint), median of %u starts each, taken in turn:\n", N_STARTS);
  g_print ("  sayso-kiosk, its welcome screen   %6.0f ms, %6.1f MB resident\n", k_ms, k_rss);
  g_print ("  a GTK 4 hello window (baseline, drawn as the kiosk draws: cairo)   %6.0f ms, %6.1f MB resident\n",
           h_ms, h_rss);
  g_print ("  ratio: start %.2fx, memory %.2fx (target: within 1.5x each; and < 400 ms)\n", k_ms / h_ms, k_rss / h_rss);
  g_print ("  for reference: the hello window on GTK's empty theme, as the kiosk runs   %6.0f ms, %6.1f MB resident"
           " (the kiosk %.2fx, %.2fx)\n", median (empty_ms), median (empty_rss), k_ms / median (empty_ms),
           k_rss / median (empty_rss));
}

static double
status_mb (const char *field)
{
  g_autofree char *status = NULL;
  const char *line;

  g_assert_true (g_file_get_contents ("/proc/self/status", &status, NULL, NULL));
  line = strstr (status, field);
  g_assert_nonnull (line);
  return g_ascii_strtoull (line + strlen (field), NULL, 10) / 1024.0;
}

/* Resident memory once freed heap has gone back to the system, so that
 * the figure follows what is live rather than how malloc happened to keep
 * its free lists. */
static double
resident_mb (void)
{
  malloc_trim (0);
  return status_mb ("VmRSS:");
}

/* One respondent: every kind of question, some typing, send, thank-you,
 * back to the welcome. */
static void
one_respondent (SaysoWindow *window,
                guint        i)
{
  GtkWidget *root = GTK_WIDGET (window);

  ui_press (root, i % 2 ? "language:cy" : "language:en");
  ui_press (root, "next");
  ui_answer (window, "contact_officer", "agree");
  ui_press (root, "next");
  ui_press (root, "next");
  while (g_strcmp0 (ui_current_question (window), "needed_services") != 0)
    ui_press (root, "next");
  ui_answer (window, "needed_services", i % 3 ? "yes" : "no");
  while (g_strcmp0 (ui_current_question (window), "what_good") != 0)
    ui_press (root, "next");
  ui_answer (window, "what_good", "reception");
  ui_answer (window, "what_good", "housing");
  while (g_strcmp0 (ui_current_question (window), "induction") != 0)
    ui_press (root, "next");
  ui_type (window, "Fine thanks");
  while (sayso_window_get_page (window) == SAYSO_PAGE_QUESTION)
    ui_press (root, "next");
  ui_press (root, "send");
  ui_thanks_timeout (window);
  /* Let the screen draw, as it would between real respondents. */
  ui_wait (1);
}

static guint n_stubbed;

/* Takes the response as stored without writing it, to tell the kiosk's own
 * memory from the store's (SQLite's page cache, the growing mapped file). */
static gboolean
stub_submit (SaysoStore     *store,
             SaysoResponse  *response,
             SaysoMode       mode,
             GError        **error)
{
  n_stubbed++;
  return TRUE;
}

static void
bench_memory (KioskFixture *fixture,
              gboolean      stub_store)
{
  SaysoWindow *window = kiosk_fixture_open (fixture, TRUE);
  double after_one, after_all;
  double private_one, private_all;
  gint64 total = 0;
  gint64 start;

  g_print ("%s\n", stub_store ? "The kiosk alone (store writes stubbed out):"
                              : "The kiosk with its store:");
  if (stub_store)
    _sayso_submit_queue_set_submit_func (_sayso_window_get_queue (window), stub_submit);

  one_respondent (window, 0);
  ui_wait (200);
  after_one = resident_mb ();
  private_one = status_mb ("RssAnon:");

  g_print ("  after   1: %.1f MB resident: %.1f MB private (heap), %.1f MB mapped files (libraries, fonts, the store)\n",
           after_one, status_mb ("RssAnon:"), status_mb ("RssFile:") + status_mb ("RssShmem:"));
  start = g_get_monotonic_time ();
  for (guint i = 1; i < n_respondents; i++)
    {
      one_respondent (window, i);
      if ((i + 1) % 50 == 0)
        {
          double rss = resident_mb ();
          g_print ("  after %3u: %.1f MB resident: %.1f MB private, %.1f MB mapped files\n", i + 1, rss,
                   status_mb ("RssAnon:"), status_mb ("RssFile:") + status_mb ("RssShmem:"));
        }
    }
  ui_wait (200);
  after_all = resident_mb ();
  private_all = status_mb ("RssAnon:");

  g_assert_true (sayso_store_count (fixture->store.store, &total, NULL, NULL));
  g_assert_cmpint (stub_store ? n_stubbed : (guint) total, ==, n_respondents);

  g_print ("resident memory after 1 respondent: %.1f MB (target < 80 MB)\n", after_one);
  g_print ("resident memory after %u respondents: %.1f MB\n", n_respondents, after_all);
  g_print ("growth over %u respondents: %+.2f MB (target < 2 MB): %+.2f MB private, %+.2f MB mapped files\n",
           n_respondents - 1, after_all - after_one, private_all - private_one,
           (after_all - private_all) - (after_one - private_one));
  g_print ("  (%u simulated respondents in %.1f s)\n", n_respondents - 1,
           (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC);
}

int
main (int    argc,
      char **argv)
{
  KioskFixture fixture = { 0 };

  g_setenv ("SAYSO_SPEECH", "none", TRUE);
  ui_test_init (&argc, &argv);
  if (g_getenv ("SAYSO_BENCH_RESPONDENTS"))
    n_respondents = MAX (2, atoi (g_getenv ("SAYSO_BENCH_RESPONDENTS")));

  kiosk_fixture_setup (&fixture, NULL);
  if (g_getenv ("SAYSO_BENCH_MEMORY_ONLY") == NULL)
    bench_first_frame (&fixture);
  bench_memory (&fixture, FALSE);
  kiosk_fixture_teardown (&fixture, NULL);

  memset (&fixture, 0, sizeof fixture);
  kiosk_fixture_setup (&fixture, NULL);
  bench_memory (&fixture, TRUE);
  kiosk_fixture_teardown (&fixture, NULL);
  return 0;
}
