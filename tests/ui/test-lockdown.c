/* test-lockdown: a kiosk that cannot be closed, left or inspected, and the
 * staff's way in. */
#define G_LOG_DOMAIN "test-lockdown"

#include <stdlib.h>
#include <string.h>

#include "ui-test-utils.h"

static void
test_close_refused (KioskFixture  *fixture,
                    gconstpointer  data)
{
  SaysoWindow *window = kiosk_fixture_open (fixture, TRUE);
  GtkWidget *weak = GTK_WIDGET (window);

  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &weak);
  g_assert_true (sayso_window_get_kiosk_mode (window));
  g_assert_false (gtk_window_get_decorated (GTK_WINDOW (window)));
  g_assert_false (gtk_window_get_deletable (GTK_WINDOW (window)));

  gtk_window_close (GTK_WINDOW (window));
  ui_iterate ();
  g_assert_nonnull (weak);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (window)));

  /* The window's own close action (what Alt+F4 asks of a window manager). */
  gtk_widget_activate_action (GTK_WIDGET (window), "window.close", NULL);
  ui_iterate ();
  g_assert_nonnull (weak);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (window)));

  g_object_remove_weak_pointer (G_OBJECT (window), (gpointer *) &weak);
}

static void
test_windowed_closes (KioskFixture  *fixture,
                      gconstpointer  data)
{
  SaysoWindow *window = kiosk_fixture_open (fixture, FALSE);
  GtkWidget *weak = GTK_WIDGET (window);

  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &weak);
  g_assert_false (sayso_window_get_kiosk_mode (window));
  gtk_window_close (GTK_WINDOW (window));
  ui_iterate ();
  g_assert_null (weak);
  fixture->window = NULL;
}

static void
test_keys_swallowed (KioskFixture  *fixture,
                     gconstpointer  data)
{
  SaysoWindow *window = kiosk_fixture_open (fixture, TRUE);
  const struct { guint keyval; GdkModifierType mods; gboolean swallowed; } keys[] = {
    { GDK_KEY_Escape, 0, TRUE },
    { GDK_KEY_F4, GDK_ALT_MASK, TRUE },
    { GDK_KEY_q, GDK_CONTROL_MASK, TRUE },
    { GDK_KEY_w, GDK_CONTROL_MASK, TRUE },
    { GDK_KEY_F10, 0, TRUE },
    { GDK_KEY_I, GDK_CONTROL_MASK | GDK_SHIFT_MASK, TRUE },
    { GDK_KEY_D, GDK_CONTROL_MASK | GDK_SHIFT_MASK, TRUE },
    /* What keyboard and switch users need still works. */
    { GDK_KEY_Tab, 0, FALSE },
    { GDK_KEY_Tab, GDK_SHIFT_MASK, FALSE },
    { GDK_KEY_Return, 0, FALSE },
    { GDK_KEY_space, 0, FALSE },
    { GDK_KEY_Left, 0, FALSE },
    { GDK_KEY_Down, 0, FALSE },
    { GDK_KEY_q, 0, FALSE },
    { GDK_KEY_F4, 0, FALSE },
  };
  gboolean handled = TRUE;

  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    g_assert_cmpint (_sayso_window_filter_key (window, keys[i].keyval, keys[i].mods), ==, keys[i].swallowed);

  /* No inspector, whichever way it is asked for. */
  g_signal_emit_by_name (window, "enable-debugging", TRUE, &handled);
  g_assert_false (handled);
  ui_iterate ();
  g_assert_cmpuint (g_list_model_get_n_items (gtk_window_get_toplevels ()), ==, 1);
}

static void
test_keys_windowed (KioskFixture  *fixture,
                    gconstpointer  data)
{
  SaysoWindow *window = kiosk_fixture_open (fixture, FALSE);

  g_assert_false (_sayso_window_filter_key (window, GDK_KEY_Escape, 0));
  g_assert_false (_sayso_window_filter_key (window, GDK_KEY_q, GDK_CONTROL_MASK));
}

static void
count_staff (SaysoWindow *window,
             guint       *count)
{
  (*count)++;
}

static void
test_staff_action (KioskFixture  *fixture,
                   gconstpointer  data)
{
  SaysoWindow *window = kiosk_fixture_open (fixture, TRUE);
  GtkWidget *logo = ui_find (GTK_WIDGET (window), "logo-area");
  guint count = 0;

  g_signal_connect (window, "staff-requested", G_CALLBACK (count_staff), &count);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.staff", NULL));
  g_assert_cmpuint (count, ==, 1);

  /* The gesture: the top-left corner has a press controller, and nothing
   * there can take the focus (a respondent's Tab never lands on it). */
  g_assert_nonnull (logo);
  g_assert_false (gtk_widget_get_focusable (logo));
  {
    GListModel *controllers = gtk_widget_observe_controllers (logo);
    gboolean has_click = FALSE;
    for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
      {
        g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);
        has_click |= GTK_IS_GESTURE_CLICK (controller);
      }
    g_object_unref (controllers);
    g_assert_true (has_click);
  }
}

/* The top-left corner's own press gesture. */
static GtkGesture *
logo_gesture (SaysoWindow *window)
{
  GtkWidget *logo = ui_find (GTK_WIDGET (window), "logo-area");
  GListModel *controllers = gtk_widget_observe_controllers (logo);
  GtkGesture *gesture = NULL;

  for (guint i = 0; i < g_list_model_get_n_items (controllers) && gesture == NULL; i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);
      if (GTK_IS_GESTURE_CLICK (controller))
        gesture = GTK_GESTURE (controller);   /* the corner keeps it */
    }
  g_object_unref (controllers);
  g_assert_nonnull (gesture);
  return gesture;
}

/* What a finger on the corner does: the gesture says pressed, then released. */
static void
press_logo (SaysoWindow *window,
            gboolean     down)
{
  g_signal_emit_by_name (logo_gesture (window), down ? "pressed" : "released", 1, 0.0, 0.0);
}

static gboolean
requested_once (gpointer count)
{
  return *(guint *) count == 1;
}

static gboolean
held (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Runs the main loop for @msec, and returns as soon as they are up, before
 * anything else due by then runs: a test stopped for seconds by a loaded
 * machine would otherwise find the kiosk's own 3 s timer due in the same
 * turn of the loop, and a 1 s hold become a 3 s one. */
static void
hold_for (guint msec)
{
  gboolean done = FALSE;

  g_timeout_add_full (G_PRIORITY_HIGH, msec, held, &done, NULL);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

/* A long press is three seconds: shorter does nothing. */
static void
test_staff_hold (KioskFixture  *fixture,
                 gconstpointer  data)
{
  SaysoWindow *window = kiosk_fixture_open (fixture, TRUE);
  guint count = 0;

  g_signal_connect (window, "staff-requested", G_CALLBACK (count_staff), &count);
  press_logo (window, TRUE);
  hold_for (1000);
  press_logo (window, FALSE);
  ui_wait (2500);
  g_assert_cmpuint (count, ==, 0);

  /* A press the compositor takes back (a second finger, a swipe) is no hold. */
  press_logo (window, TRUE);
  g_signal_emit_by_name (logo_gesture (window), "cancel", NULL);
  ui_wait (3500);
  g_assert_cmpuint (count, ==, 0);

  press_logo (window, TRUE);
  g_assert_true (ui_wait_for (requested_once, &count, 30000));
  press_logo (window, FALSE);
}

/* GTK_DEBUG=interactive opens the inspector with the first window; the
 * kiosk starts GTK without it. (Windowed, for development, it still works,
 * which shows the check below can see an inspector.) */
static guint
windows_at_first_frame (const char *store_path,
                        gboolean    windowed)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) env = g_get_environ ();
  g_autofree char *out = NULL;
  const char *argv[] = { g_getenv ("SAYSO_KIOSK_BIN"), "--store", store_path, windowed ? "--windowed" : NULL, NULL };
  const char *line;
  int status;

  g_assert_nonnull (argv[0]);
  env = g_environ_setenv (env, "GTK_DEBUG", "interactive", TRUE);
  env = g_environ_setenv (env, "SAYSO_KIOSK_EXIT_AFTER_FIRST_FRAME", "1", TRUE);
  env = g_environ_unsetenv (env, "G_DEBUG");
  /* Under AddressSanitizer, the inspector this opens in the windowed run
   * leaks at exit inside GTK; the exit status is what is checked here. */
  env = g_environ_setenv (env, "ASAN_OPTIONS", "detect_leaks=0", TRUE);
  g_assert_true (g_spawn_sync (NULL, (char **) argv, env, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
                               &out, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  line = strstr (out, "windows: ");
  g_assert_nonnull (line);
  return atoi (line + strlen ("windows: "));
}

static void
test_no_inspector (KioskFixture  *fixture,
                   gconstpointer  data)
{
  g_assert_cmpuint (windows_at_first_frame (fixture->store.path, FALSE), ==, 1);
  g_assert_cmpuint (windows_at_first_frame (fixture->store.path, TRUE), ==, 2);
}

int
main (int    argc,
      char **argv)
{
  g_setenv ("SAYSO_SPEECH", "none", TRUE);
  ui_test_init (&argc, &argv);

  g_test_add ("/kiosk/lockdown/close-refused", KioskFixture, NULL, kiosk_fixture_setup, test_close_refused, kiosk_fixture_teardown);
  g_test_add ("/kiosk/lockdown/windowed-closes", KioskFixture, NULL, kiosk_fixture_setup, test_windowed_closes, kiosk_fixture_teardown);
  g_test_add ("/kiosk/lockdown/keys", KioskFixture, NULL, kiosk_fixture_setup, test_keys_swallowed, kiosk_fixture_teardown);
  g_test_add ("/kiosk/lockdown/keys-windowed", KioskFixture, NULL, kiosk_fixture_setup, test_keys_windowed, kiosk_fixture_teardown);
  g_test_add ("/kiosk/lockdown/no-inspector", KioskFixture, NULL, kiosk_fixture_setup, test_no_inspector, kiosk_fixture_teardown);
  g_test_add ("/kiosk/lockdown/staff-action", KioskFixture, NULL, kiosk_fixture_setup, test_staff_action, kiosk_fixture_teardown);
  g_test_add ("/kiosk/lockdown/staff-hold", KioskFixture, NULL, kiosk_fixture_setup, test_staff_hold, kiosk_fixture_teardown);

  return g_test_run ();
}
