/* test-startup: the kiosk program starting. kiosk.ini is bounded: the kiosk
 * refuses to start on one larger than 64 KiB, naming it; on one just at the
 * bound, all comment, it starts (the control). (The bound itself, read by
 * sayso-config: tests/test-config.c /config/too-large.)
 *
 * The welcome screen is drawn without what only later screens need: no SVG
 * renderer (librsvg) is in the process once it has painted, and the pages
 * out of sight are not shown; the control goes on to the first question,
 * whose speaker controls do bring librsvg in. */
#define G_LOG_DOMAIN "test-startup"

#include <string.h>
#include <sys/wait.h>

#include "ui-test-utils.h"

static int
run_kiosk (const char  *store,
           const char  *config,
           char       **err)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) env = g_get_environ ();
  const char *argv[] = { g_getenv ("SAYSO_KIOSK_BIN"), "--windowed", "--store", store, "--config", config, NULL };
  int status;

  g_assert_nonnull (argv[0]);
  env = g_environ_setenv (env, "SAYSO_KIOSK_EXIT_AFTER_FIRST_FRAME", "1", TRUE);
  g_assert_true (g_spawn_sync (NULL, (char **) argv, env, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                               NULL, err, &status, &error));
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (status));
  return WEXITSTATUS (status);
}

static void
test_config_too_large (void)
{
  g_autofree char *dir = test_make_tmp_dir ();
  g_autofree char *big = g_build_filename (dir, "big.ini", NULL);
  g_autofree char *fits = g_build_filename (dir, "fits.ini", NULL);
  g_autofree char *store = g_build_filename (dir, "store.db", NULL);
  g_autofree char *padding = g_strnfill (64 * 1024 - strlen ("[kiosk]\n#\n"), 'x');
  g_autofree char *text = g_strconcat ("[kiosk]\n#", padding, "\n", NULL);
  g_autofree char *big_text = g_strconcat (text, "#\n", NULL);
  g_autofree char *err = NULL;
  g_autofree char *err2 = NULL;
  g_autofree char *expected = g_strdup_printf ("%s: 65538 bytes, more than the 65536 kiosk settings may take; not read", big);
  g_autoptr(GError) error = NULL;

  g_assert_cmpuint (strlen (text), ==, 64 * 1024);
  g_assert_true (g_file_set_contents (fits, text, -1, NULL));
  g_assert_true (g_file_set_contents (big, big_text, -1, NULL));
  {
    g_autoptr(SaysoStore) made = NULL;
    guint8 pk[SAYSO_BOX_PUBLIC_KEY_SIZE], sk[SAYSO_BOX_SECRET_KEY_SIZE];

    sayso_recipient_keypair_new (pk, sk);
    made = sayso_store_create (store, "Widgets", pk, &error);
    g_assert_no_error (error);
  }

  g_assert_cmpint (run_kiosk (store, big, &err), ==, 2);
  g_assert_nonnull (strstr (err, expected));
  g_assert_cmpint (run_kiosk (store, fits, &err2), ==, 0);
  g_assert_null (strstr (err2, "kiosk settings may take"));

  test_remove_tree (dir);
}

/* Whether a library whose file name holds @name is mapped in this process. */
static gboolean
library_mapped (const char *name)
{
  g_autofree char *maps = NULL;

  g_assert_true (g_file_get_contents ("/proc/self/maps", &maps, NULL, NULL));
  return strstr (maps, name) != NULL;
}

static gboolean
transition_done (gpointer stack)
{
  return !gtk_stack_get_transition_running (stack);
}

static void
welcome_only (KioskFixture  *fixture,
              gconstpointer  data)
{
  SaysoWindow *window;
  GtkStack *stack;
  guint n_visible = 0;

  /* In a process of its own: nothing drawn before may have loaded it. */
  if (!g_test_subprocess ())
    {
      g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_DEFAULT);
      g_test_trap_assert_passed ();
      return;
    }

  window = kiosk_fixture_open (fixture, FALSE);
  ui_settle (GTK_WIDGET (window));
  g_assert_cmpint (sayso_window_get_page (window), ==, SAYSO_PAGE_WELCOME);
  g_assert_false (library_mapped ("librsvg"));

  stack = GTK_STACK (gtk_widget_get_ancestor (ui_find (GTK_WIDGET (window), "language:en"), GTK_TYPE_STACK));
  for (GtkWidget *page = gtk_widget_get_first_child (GTK_WIDGET (stack)); page; page = gtk_widget_get_next_sibling (page))
    n_visible += gtk_widget_get_visible (page);
  g_assert_cmpuint (n_visible, ==, 1);
  g_assert_true (gtk_widget_get_visible (gtk_stack_get_child_by_name (stack, "welcome")));

  /* The control: the first question's speaker controls are drawn from the
   * icon theme's SVGs, so the same look finds librsvg there. */
  ui_press (GTK_WIDGET (window), "language:en");
  ui_press (GTK_WIDGET (window), "next");
  g_assert_nonnull (ui_current_question (window));
  ui_settle (GTK_WIDGET (window));
  g_assert_true (library_mapped ("librsvg"));
  g_assert_true (gtk_widget_get_visible (gtk_stack_get_child_by_name (stack, "question")));
  /* The page left goes once the crossfade has ended. */
  g_assert_true (ui_wait_for (transition_done, stack, 10000));
  g_assert_false (gtk_widget_get_visible (gtk_stack_get_child_by_name (stack, "welcome")));
}

int
main (int    argc,
      char **argv)
{
  ui_test_init (&argc, &argv);

  g_test_add_func ("/kiosk/startup/config-too-large", test_config_too_large);
  g_test_add ("/kiosk/startup/welcome-only", KioskFixture, NULL, kiosk_fixture_setup, welcome_only,
              kiosk_fixture_teardown);

  return g_test_run ();
}
