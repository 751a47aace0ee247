/* hello-window: the start-up benchmark's baseline, the least a GTK 4
 * program does to show a window: a GtkApplication, one window of the
 * kiosk's size with one label, drawn once. Prints, as sayso-kiosk does
 * under SAYSO_KIOSK_EXIT_AFTER_FIRST_FRAME=1, the milliseconds from the
 * process's start to its first frame and its resident memory then, and
 * quits. */
#define G_LOG_DOMAIN "hello-window"

#include <gtk/gtk.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

/* The same measure as sayso-application.c's, so that the two compare. */
static double
ms_since_process_start (void)
{
  g_autofree char *stat = NULL;
  struct timespec now;
  const char *p;
  guint64 start_ticks;

  if (!g_file_get_contents ("/proc/self/stat", &stat, NULL, NULL) || !(p = strrchr (stat, ')')))
    return -1;
  for (int field = 2; field < 22 && p; field++)
    p = strchr (p + 1, ' ');
  if (p == NULL)
    return -1;
  start_ticks = g_ascii_strtoull (p + 1, NULL, 10);
  clock_gettime (CLOCK_BOOTTIME, &now);
  return (now.tv_sec * 1000.0 + now.tv_nsec / 1e6) - start_ticks * 1000.0 / sysconf (_SC_CLK_TCK);
}

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
painted (GdkFrameClock  *clock,
         GtkApplication *app)
{
  g_signal_handlers_disconnect_by_func (clock, painted, app);
  printf ("first-frame-ms: %.1f windows: %u rss-kb: %" G_GUINT64_FORMAT "\n", ms_since_process_start (),
          g_list_model_get_n_items (gtk_window_get_toplevels ()), resident_kb ());
  fflush (stdout);
  g_application_quit (G_APPLICATION (app));
}

static void
mapped (GtkWidget      *window,
        GtkApplication *app)
{
  g_signal_connect (gtk_widget_get_frame_clock (window), "after-paint", G_CALLBACK (painted), app);
}

static void
activate (GtkApplication *app)
{
  GtkWidget *window = gtk_application_window_new (app);

  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  gtk_window_set_child (GTK_WINDOW (window), gtk_label_new ("Hello, world"));
  g_signal_connect (window, "map", G_CALLBACK (mapped), app);
  gtk_window_present (GTK_WINDOW (window));
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GtkApplication) app = gtk_application_new ("org.sayso.HelloWindow", G_APPLICATION_NON_UNIQUE);

  g_signal_connect (app, "activate", G_CALLBACK (activate), NULL);
  return g_application_run (G_APPLICATION (app), argc, argv);
}
