/* sayso-application.c: the sayso-kiosk program.
 *
 *   sayso-kiosk [--windowed] [--store PATH] [--config FILE]
 *
 * Without --windowed the kiosk is locked down: fullscreen, undecorated,
 * uncloseable, and without the GTK inspector even if GTK_DEBUG asks for it.
 *
 * SAYSO_KIOSK_EXIT_AFTER_FIRST_FRAME=1 prints how long the process took to
 * draw its first frame and quits; the start-up benchmark uses it.
 */
#define G_LOG_DOMAIN "sayso-application"

#include <glib-unix.h>
#include <signal.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "sayso-application.h"
#include "sayso-config.h"
#include "sayso-questionnaire.h"
#include "sayso-defaults.h"
#include "sayso-process.h"
#include "sayso-ui-resources.h"
#include "sayso-window.h"

struct _SaysoApplication
{
  GtkApplication      parent_instance;

  gboolean            windowed;
  char               *store_path;
  char               *config_path;
  SaysoStore         *store;
  SaysoKioskConfig   *config;
};

G_DEFINE_FINAL_TYPE (SaysoApplication, sayso_application, GTK_TYPE_APPLICATION)

void
sayso_kiosk_init (void)
{
  static gsize done;

  if (g_once_init_enter (&done))
    {
      /* One look at every site, whatever the machine's desktop prefers (a
       * dark style or another theme would put the kiosk's colours on the
       * wrong ground): kiosk.css styles every kind of widget the kiosk
       * shows, so GTK loads its empty theme and nothing to override. The
       * kiosk has its own high contrast for those who need it. Set before
       * GTK starts, which reads it once. */
      g_setenv ("GTK_THEME", "Empty", TRUE);
      sayso_init ();
      sayso_ui_register_resource ();
      g_once_init_leave (&done, 1);
    }
}

void
sayso_kiosk_load_style (GdkDisplay *display)
{
  g_autoptr(GtkCssProvider) provider = NULL;

  g_return_if_fail (GDK_IS_DISPLAY (display));

  if (g_object_get_data (G_OBJECT (display), "sayso-style"))
    return;

  provider = gtk_css_provider_new ();
  gtk_css_provider_load_from_resource (provider, "/org/sayso/Kiosk/kiosk.css");
  gtk_style_context_add_provider_for_display (display, GTK_STYLE_PROVIDER (provider),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  g_object_set_data_full (G_OBJECT (display), "sayso-style", g_steal_pointer (&provider), g_object_unref);
}

/* Milliseconds since the kernel started this process, from /proc. */
static double
ms_since_process_start (void)
{
  g_autofree char *stat = NULL;
  struct timespec now;
  const char *p;
  guint64 start_ticks = 0;

  if (!g_file_get_contents ("/proc/self/stat", &stat, NULL, NULL) || !(p = strrchr (stat, ')')))
    return -1;
  /* Field 22 (starttime); field 3 (state) follows the ')'. */
  for (int field = 2; field < 22 && p; field++)
    p = strchr (p + 1, ' ');
  if (p == NULL)
    return -1;
  start_ticks = g_ascii_strtoull (p + 1, NULL, 10);
  clock_gettime (CLOCK_BOOTTIME, &now);
  return (now.tv_sec * 1000.0 + now.tv_nsec / 1e6) - start_ticks * 1000.0 / sysconf (_SC_CLK_TCK);
}

/* Resident memory now, from /proc; 0 if it cannot be read. */
static guint64
resident_kb (void)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL) || !(line = strstr (status, "VmRSS:")))
    return 0;
  return g_ascii_strtoull (line + strlen ("VmRSS:"), NULL, 10);
}

static void
first_frame_painted (GdkFrameClock    *clock,
                     SaysoApplication *self)
{
  g_signal_handlers_disconnect_by_func (clock, first_frame_painted, self);
  /* The window count lets a test see that no inspector came up; the
   * resident memory is the start-up benchmark's other figure. */
  printf ("first-frame-ms: %.1f windows: %u rss-kb: %" G_GUINT64_FORMAT "\n", ms_since_process_start (),
          g_list_model_get_n_items (gtk_window_get_toplevels ()), resident_kb ());
  fflush (stdout);
  g_application_quit (G_APPLICATION (self));
}

static void
window_mapped (GtkWidget        *window,
               SaysoApplication *self)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (window);

  g_signal_connect (clock, "after-paint", G_CALLBACK (first_frame_painted), self);
}

/* Stopped by the system (shutdown, an update): a last try at storing what
 * waits, so that nothing is lost, then quit. */
static gboolean
on_terminate (gpointer user_data)
{
  GApplication *app = user_data;

  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l; l = l->next)
    if (SAYSO_IS_WINDOW (l->data))
      sayso_window_shutdown (l->data);
  g_application_quit (app);
  return G_SOURCE_CONTINUE;
}

static int
sayso_application_handle_local_options (GApplication *app,
                                        GVariantDict *options)
{
  SaysoApplication *self = SAYSO_APPLICATION (app);
  g_autoptr(GError) error = NULL;

  self->windowed = g_variant_dict_contains (options, "windowed");
  g_variant_dict_lookup (options, "store", "^ay", &self->store_path);
  g_variant_dict_lookup (options, "config", "^ay", &self->config_path);

  /* Before GTK starts, so that GTK_DEBUG=interactive cannot open the inspector. */
  if (!self->windowed)
    g_unsetenv ("GTK_DEBUG");

  /* The kiosk's screens are flat and still: software drawing is plenty, and
   * not starting OpenGL saves a third of the start-up time and, with Mesa's
   * software driver, some 60 MB. Whoever sets either variable decides. */
  if (g_getenv ("GSK_RENDERER") == NULL && g_getenv ("GDK_DEBUG") == NULL)
    {
      g_setenv ("GSK_RENDERER", "cairo", TRUE);
      g_setenv ("GDK_DEBUG", "gl-disable", TRUE);
    }

  if (!(self->config = sayso_kiosk_config_load (self->config_path, &error)))
    {
      g_printerr ("sayso-kiosk: %s\n", error->message);
      return 2;
    }

  if (!(self->store = sayso_store_open_default (self->store_path, &error)))
    {
      g_printerr ("sayso-kiosk: %s\n", error->message);
      return 1;
    }
  /* The thank-you comes as soon as the answers are safe; the WAL is emptied
   * of them a moment later, on the main loop's next idle. */
  sayso_store_settle_when_idle (self->store);

  return -1;
}

static void
sayso_application_startup (GApplication *app)
{
  G_APPLICATION_CLASS (sayso_application_parent_class)->startup (app);

  sayso_kiosk_load_style (gdk_display_get_default ());

  g_unix_signal_add (SIGTERM, on_terminate, app);
  g_unix_signal_add (SIGINT, on_terminate, app);
  g_unix_signal_add (SIGHUP, on_terminate, app);
}

static void
sayso_application_activate (GApplication *app)
{
  SaysoApplication *self = SAYSO_APPLICATION (app);
  g_autoptr(SaysoQuestionnaire) questionnaire = NULL;
  GtkWindow *window;

  if ((window = gtk_application_get_active_window (GTK_APPLICATION (app))))
    {
      gtk_window_present (window);
      return;
    }

  questionnaire = sayso_questionnaire_new_default ();
  window = GTK_WINDOW (sayso_window_new (GTK_APPLICATION (app), self->store, questionnaire,
                                         self->config, !self->windowed));
  {
    /* Staff mode saves its settings where they were read from. */
    g_autofree char *settings = self->config_path ? g_strdup (self->config_path) : sayso_kiosk_config_default_path ();
    sayso_window_set_settings_file (SAYSO_WINDOW (window), settings);
  }

  if (g_strcmp0 (g_getenv ("SAYSO_KIOSK_EXIT_AFTER_FIRST_FRAME"), "1") == 0)
    g_signal_connect (window, "map", G_CALLBACK (window_mapped), self);

  gtk_window_present (window);
}

static void
sayso_application_finalize (GObject *object)
{
  SaysoApplication *self = SAYSO_APPLICATION (object);

  g_clear_object (&self->store);
  g_clear_pointer (&self->config, sayso_kiosk_config_free);
  g_clear_pointer (&self->store_path, g_free);
  g_clear_pointer (&self->config_path, g_free);

  G_OBJECT_CLASS (sayso_application_parent_class)->finalize (object);
}

static void
sayso_application_class_init (SaysoApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = sayso_application_finalize;
  app_class->handle_local_options = sayso_application_handle_local_options;
  app_class->startup = sayso_application_startup;
  app_class->activate = sayso_application_activate;
}

static void
sayso_application_init (SaysoApplication *self)
{
  static const GOptionEntry entries[] = {
    { "windowed", 'w', 0, G_OPTION_ARG_NONE, NULL,
      "Run in a normal window, for development (no lockdown)", NULL },
    { "store", 's', 0, G_OPTION_ARG_FILENAME, NULL,
      "The store to keep responses in (default: the demo store)", "PATH" },
    { "config", 'c', 0, G_OPTION_ARG_FILENAME, NULL,
      "Kiosk settings (default: $XDG_CONFIG_HOME/sayso/kiosk.ini)", "FILE" },
    { NULL }
  };

  g_application_add_main_option_entries (G_APPLICATION (self), entries);
  g_application_set_option_context_summary (G_APPLICATION (self),
                                            "The Sayso survey kiosk for probation office receptions.");
}

SaysoApplication *
sayso_application_new (void)
{
  return g_object_new (SAYSO_TYPE_APPLICATION,
                       "application-id", SAYSO_KIOSK_APP_ID,
                       "flags", G_APPLICATION_NON_UNIQUE,
                       "resource-base-path", "/org/sayso/Kiosk",
                       NULL);
}
