/* sayso-staff-view.c: staff mode.
 *
 * Behind the PIN: start a staff-assisted or paper survey, see counts (never
 * answers), export to a USB stick, change settings and the PIN. Staff mode
 * closes itself after two minutes without a touch, so that a kiosk left in
 * staff mode does not stay open to the next person in the queue.
 *
 * The export runs on a thread with its own connection to the store, so the
 * screen stays alive while a slow stick is written.
 */
#define G_LOG_DOMAIN "sayso-staff-view"

#include <glib/gi18n.h>
#include <sodium.h>

#include "sayso-config.h"
#include "sayso-export.h"
#include "sayso-staff-view.h"
#include "sayso-submit-queue.h"

typedef enum
{
  PIN_UNLOCK,
  PIN_NEW,
  PIN_NEW_AGAIN,
} PinMode;

struct _SaysoStaffView
{
  GtkWidget        parent_instance;

  GtkStack        *stack;
  GtkLabel        *pin_title;
  GtkLabel        *pin_dots;
  GtkLabel        *pin_message;
  GtkLabel        *counts;
  GtkLabel        *fingerprint;
  GtkLabel        *menu_message;
  GtkWidget       *retry_button;
  GtkLabel        *export_message;
  GtkSpinner      *export_spinner;
  GtkBox          *targets;
  GtkCheckButton  *export_again;
  GtkSwitch       *welsh_first;
  GtkSwitch       *bilingual;
  GtkSpinButton   *idle_timeout;
  GtkSwitch       *keep_partial;
  GtkSpinButton   *keep_days;
  GtkLabel        *settings_message;

  SaysoStore      *store;
  SaysoSubmitQueue *queue;
  SaysoPinGate  *gate;
  SaysoClockFunc   clock;
  GVolumeMonitor  *monitor;
  gboolean         is_open;   /* between open() and close(): the idle clock runs */
  char            *settings_file;
  char            *export_folder;
  char            *last_error;
  char            *pin;        /* locked memory */
  char            *new_pin;    /* locked memory */
  PinMode          pin_mode;
  gboolean         may_set_first_pin;
  guint            submitted_today;
  guint            idle_seconds;
  guint            idle_source;
  guint            wait_source;
  gboolean         exporting;
};

G_DEFINE_FINAL_TYPE (SaysoStaffView, sayso_staff_view, GTK_TYPE_WIDGET)

enum { SIGNAL_CLOSED, SIGNAL_START_SURVEY, SIGNAL_SETTINGS_CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

#define PIN_BUFFER (SAYSO_PIN_MAX_DIGITS + 1)

static void update_actions (SaysoStaffView *self);
static void refresh_targets (SaysoStaffView *self);

static void
clear_pin (char *pin)
{
  sodium_memzero (pin, PIN_BUFFER);
}

static void
show_pin_dots (SaysoStaffView *self)
{
  g_autoptr(GString) dots = g_string_new (NULL);

  for (gsize i = 0; i < strlen (self->pin); i++)
    g_string_append (dots, "● ");
  gtk_label_set_label (self->pin_dots, dots->len ? dots->str : " ");
}

static void
set_message (GtkLabel   *label,
             const char *message)
{
  gtk_label_set_label (label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (label), message != NULL && *message);
}

static void
show_page (SaysoStaffView *self,
           const char     *page)
{
  gtk_stack_set_visible_child_name (self->stack, page);
  update_actions (self);
}

/* The key this kiosk seals to, as read from the store when it started: a
 * key swapped on the disk shows here, for staff to compare with the
 * fingerprint the analysts gave them. */
static void
update_fingerprint (SaysoStaffView *self)
{
  g_autofree char *fingerprint = NULL;
  g_autofree char *text = NULL;

  if (self->store == NULL)
    return;
  fingerprint = sayso_key_fingerprint (sayso_store_get_recipient_key (self->store));
  text = g_strdup_printf (_("Answers are sealed to the analysts' key %s. It should be the one the analysts gave you."),
                          fingerprint);
  gtk_label_set_label (self->fingerprint, text);
}

static void
update_counts (SaysoStaffView *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  gint64 total = 0, awaiting = 0, damaged = 0;
  guint n_pending = self->queue ? sayso_submit_queue_get_n_pending (self->queue) : 0;
  guint n_refused = self->queue ? sayso_submit_queue_get_n_refused (self->queue) : 0;

  if (self->store == NULL || !sayso_store_count (self->store, &total, &awaiting, &error) ||
      !sayso_store_count_damaged (self->store, &damaged, &error))
    {
      set_message (self->counts, error ? error->message : NULL);
      return;
    }

  /* Counts only: staff never see what anyone answered. */
  text = g_strdup_printf (_("Sent today on this screen: %u\nWaiting to be exported: %" G_GINT64_FORMAT),
                          self->submitted_today, awaiting);
  /* Answer sheets only in memory: a restart now would lose them. */
  if (n_pending > 0)
    {
      g_autofree char *counts = g_steal_pointer (&text);
      text = g_strdup_printf (g_dngettext (NULL, "%s\n%u answer sheet is waiting to be saved: do not restart the "
                                                 "kiosk until it is saved",
                                           "%s\n%u answer sheets are waiting to be saved: do not restart the "
                                           "kiosk until they are saved", n_pending),
                              counts, n_pending);
    }
  if (n_refused > 0)
    {
      g_autofree char *counts = g_steal_pointer (&text);
      text = g_strdup_printf (g_dngettext (NULL, "%s\n%u answer sheet could not be saved and was deleted "
                                                 "(please tell the inspection team)",
                                           "%s\n%u answer sheets could not be saved and were deleted "
                                           "(please tell the inspection team)", n_refused),
                              counts, n_refused);
    }
  /* However they came to be set aside, and whatever became of that export. */
  if (damaged > 0)
    {
      g_autofree char *counts = g_steal_pointer (&text);
      text = g_strdup_printf (g_dngettext (NULL, "%s\nDamaged by the disk, never to be exported: %" G_GINT64_FORMAT
                                                 " answer sheet (please tell the inspection team)",
                                           "%s\nDamaged by the disk, never to be exported: %" G_GINT64_FORMAT
                                           " answer sheets (please tell the inspection team)", damaged),
                              counts, damaged);
    }
  gtk_label_set_label (self->counts, text);
  gtk_widget_set_visible (self->retry_button, n_pending > 0);
  set_message (self->menu_message, self->queue ? sayso_submit_queue_get_last_error (self->queue) : self->last_error);
  update_fingerprint (self);
}

static void touch (SaysoStaffView *self);

static gboolean
idle_timeout_cb (gpointer data)
{
  SaysoStaffView *self = data;

  self->idle_source = 0;
  /* Never in the middle of an export: staff would not see when the stick
   * can come out. */
  if (self->exporting)
    {
      touch (self);
      return G_SOURCE_REMOVE;
    }
  g_message ("Staff mode closed after %u seconds without a touch", self->idle_seconds);
  sayso_staff_view_close (self);
  return G_SOURCE_REMOVE;
}

static void
touch (SaysoStaffView *self)
{
  g_clear_handle_id (&self->idle_source, g_source_remove);
  if (self->is_open)
    self->idle_source = g_timeout_add_seconds (self->idle_seconds, idle_timeout_cb, self);
}

static gboolean
wait_over_cb (gpointer data)
{
  SaysoStaffView *self = data;

  self->wait_source = 0;
  set_message (self->pin_message, NULL);
  update_actions (self);
  return G_SOURCE_REMOVE;
}

static void
start_wait (SaysoStaffView *self)
{
  gint64 wait = sayso_pin_gate_get_wait (self->gate);

  g_clear_handle_id (&self->wait_source, g_source_remove);
  if (wait > 0)
    self->wait_source = g_timeout_add ((guint) (wait / 1000) + 1, wait_over_cb, self);
}

static void
update_actions (SaysoStaffView *self)
{
  const char *page = gtk_stack_get_visible_child_name (self->stack);
  gboolean on_pin = g_strcmp0 (page, "pin") == 0;
  gsize len = strlen (self->pin);

  /* The pad stays alive while a wrong PIN's wait runs: the gate refuses
   * early tries and says how long is left, rather than a pad that looks broken. */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "staff.digit", on_pin && len < SAYSO_PIN_MAX_DIGITS);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "staff.erase", on_pin && len > 0);
  /* A PIN set before new ones needed six digits still opens staff mode. */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "staff.enter",
                                 on_pin && len >= (self->pin_mode == PIN_UNLOCK ? SAYSO_PIN_MIN_DIGITS_STORED
                                                                                : SAYSO_PIN_MIN_DIGITS));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "staff.start-survey", g_strcmp0 (page, "menu") == 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "staff.show-export", g_strcmp0 (page, "menu") == 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "staff.show-settings", g_strcmp0 (page, "menu") == 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "staff.show-new-pin", g_strcmp0 (page, "menu") == 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "staff.retry", g_strcmp0 (page, "menu") == 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "staff.show-menu",
                                 !on_pin && g_strcmp0 (page, "not-set-up") != 0 && !self->exporting);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "staff.export-to", g_strcmp0 (page, "export") == 0 && !self->exporting);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "staff.save-settings", g_strcmp0 (page, "settings") == 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "staff.close", !self->exporting);
}

static void
set_pin_mode (SaysoStaffView *self,
              PinMode         mode)
{
  static const char * const titles[] = {
    N_("Staff PIN"),
    N_("Choose a new staff PIN (6 to 12 digits)"),
    N_("Type the new PIN again"),
  };

  self->pin_mode = mode;
  clear_pin (self->pin);
  show_pin_dots (self);
  gtk_label_set_label (self->pin_title, _(titles[mode]));
  show_page (self, "pin");
}

static void
digit_cb (GtkWidget  *widget,
          const char *action_name,
          GVariant   *parameter)
{
  SaysoStaffView *self = SAYSO_STAFF_VIEW (widget);
  const char *digit = g_variant_get_string (parameter, NULL);
  gsize len = strlen (self->pin);

  touch (self);
  if (len < SAYSO_PIN_MAX_DIGITS && g_ascii_isdigit (digit[0]))
    {
      self->pin[len] = digit[0];
      self->pin[len + 1] = '\0';
    }
  show_pin_dots (self);
  update_actions (self);
}

static void
erase_cb (GtkWidget  *widget,
          const char *action_name,
          GVariant   *parameter)
{
  SaysoStaffView *self = SAYSO_STAFF_VIEW (widget);
  gsize len = strlen (self->pin);

  touch (self);
  if (len > 0)
    self->pin[len - 1] = '\0';
  show_pin_dots (self);
  update_actions (self);
}

static void
enter_unlock (SaysoStaffView *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  SaysoPinResult result = sayso_pin_gate_try (self->gate, self->pin, &error);
  int seconds;

  clear_pin (self->pin);
  show_pin_dots (self);

  switch (result)
    {
    case SAYSO_PIN_ACCEPTED:
      set_message (self->pin_message, NULL);
      update_counts (self);
      show_page (self, "menu");
      return;
    case SAYSO_PIN_NOT_SET:
      if (self->may_set_first_pin)
        set_pin_mode (self, PIN_NEW);
      else
        show_page (self, "not-set-up");
      return;
    case SAYSO_PIN_LOCKED:
      message = g_strdup_printf (_("Five wrong PINs. Staff mode is locked for %d minutes."), SAYSO_PIN_LOCKOUT_SECONDS / 60);
      break;
    case SAYSO_PIN_WAIT:
      seconds = (int) ((sayso_pin_gate_get_wait (self->gate) + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC);
      message = g_strdup_printf (ngettext ("Please wait %d more second before trying again.",
                                           "Please wait %d more seconds before trying again.", seconds), seconds);
      break;
    case SAYSO_PIN_WRONG:
    default:
      seconds = (int) ((sayso_pin_gate_get_wait (self->gate) + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC);
      message = error ? g_strdup (error->message)
                      : g_strdup_printf (ngettext ("That PIN is not right. Wait %d second and try again.",
                                                   "That PIN is not right. Wait %d seconds and try again.", seconds),
                                         seconds);
      break;
    }

  set_message (self->pin_message, message);
  start_wait (self);
  update_actions (self);
}

static void
enter_new (SaysoStaffView *self)
{
  g_autoptr(GError) error = NULL;

  if (self->pin_mode == PIN_NEW)
    {
      if (!sayso_pin_is_well_formed (self->pin, &error))
        {
          set_message (self->pin_message, error->message);
          clear_pin (self->pin);
          show_pin_dots (self);
          return;
        }
      memcpy (self->new_pin, self->pin, PIN_BUFFER);
      set_message (self->pin_message, NULL);
      set_pin_mode (self, PIN_NEW_AGAIN);
      return;
    }

  if (strcmp (self->pin, self->new_pin) != 0)
    {
      clear_pin (self->new_pin);
      set_pin_mode (self, PIN_NEW);
      set_message (self->pin_message, _("The two PINs were not the same. Please start again."));
      return;
    }

  if (!sayso_store_set_pin (self->store, self->new_pin, &error))
    {
      set_message (self->pin_message, error->message);
      clear_pin (self->new_pin);
      set_pin_mode (self, PIN_NEW);
      return;
    }

  clear_pin (self->new_pin);
  clear_pin (self->pin);
  self->pin_mode = PIN_UNLOCK;
  update_counts (self);
  set_message (self->menu_message, _("The new staff PIN is set."));
  show_page (self, "menu");
}

static void
enter_cb (GtkWidget  *widget,
          const char *action_name,
          GVariant   *parameter)
{
  SaysoStaffView *self = SAYSO_STAFF_VIEW (widget);

  touch (self);
  if (self->pin_mode == PIN_UNLOCK)
    enter_unlock (self);
  else
    enter_new (self);
}

static void
start_survey_cb (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  SaysoStaffView *self = SAYSO_STAFF_VIEW (widget);
  SaysoMode mode = SAYSO_MODE_STAFF;

  sayso_mode_from_string (g_variant_get_string (parameter, NULL), &mode);
  sayso_staff_view_close (self);
  g_signal_emit (self, signals[SIGNAL_START_SURVEY], 0, (int) mode);
}

static void
show_menu_cb (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  SaysoStaffView *self = SAYSO_STAFF_VIEW (widget);

  touch (self);
  update_counts (self);
  show_page (self, "menu");
}

static void
show_new_pin_cb (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  SaysoStaffView *self = SAYSO_STAFF_VIEW (widget);

  touch (self);
  set_message (self->pin_message, NULL);
  set_pin_mode (self, PIN_NEW);
}

static void
retry_cb (GtkWidget  *widget,
          const char *action_name,
          GVariant   *parameter)
{
  SaysoStaffView *self = SAYSO_STAFF_VIEW (widget);

  touch (self);
  if (self->queue == NULL)
    return;
  /* The counts and the message follow through the queue's notifications. */
  sayso_submit_queue_retry_now (self->queue);
  update_counts (self);
}

static void
queue_changed (SaysoStaffView *self)
{
  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "menu") == 0)
    update_counts (self);
}

static void
show_export_cb (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  SaysoStaffView *self = SAYSO_STAFF_VIEW (widget);

  touch (self);
  set_message (self->export_message, _("Put the USB stick in, then choose it below."));
  refresh_targets (self);
  show_page (self, "export");
}

/* Export */

typedef struct
{
  char             *store_path;
  char             *folder;
  SaysoExportFlags  flags;
  GMount           *mount;
} ExportJob;

static void
export_job_free (ExportJob *job)
{
  g_free (job->store_path);
  g_free (job->folder);
  g_clear_object (&job->mount);
  g_free (job);
}

static void
export_thread (GTask        *task,
               gpointer      source,
               gpointer      data,
               GCancellable *cancellable)
{
  ExportJob *job = data;
  g_autoptr(SaysoStore) store = NULL;
  g_autoptr(GError) error = NULL;
  SaysoExportResult *result = g_new0 (SaysoExportResult, 1);

  if (!(store = sayso_store_open (job->store_path, &error)) ||
      !sayso_store_export (store, job->folder, job->flags, result, &error))
    {
      sayso_export_result_clear (result);
      g_free (result);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_task_return_pointer (task, result, (GDestroyNotify) sayso_export_result_clear);
}

static void
unmount_done (GObject      *object,
              GAsyncResult *result,
              gpointer      data)
{
  g_autoptr(SaysoStaffView) self = data;
  g_autoptr(GError) error = NULL;

  if (g_mount_unmount_with_operation_finish (G_MOUNT (object), result, &error) && self->stack != NULL)
    set_message (self->export_message, _("Done. You can take the stick out now."));
}

static void
export_done (GObject      *object,
             GAsyncResult *result,
             gpointer      data)
{
  g_autoptr(SaysoStaffView) self = data;
  g_autoptr(GError) error = NULL;
  ExportJob *job = g_task_get_task_data (G_TASK (result));
  SaysoExportResult *exported = g_task_propagate_pointer (G_TASK (result), &error);
  g_autofree char *message = NULL;

  self->exporting = FALSE;
  /* The export holds a reference: the view may have been disposed (its
   * window closed) while the thread wrote. The result is freed all the same. */
  if (self->stack == NULL)
    {
      if (exported)
        {
          sayso_export_result_clear (exported);
          g_free (exported);
        }
      return;
    }
  gtk_spinner_stop (self->export_spinner);
  touch (self);

  if (exported == NULL)
    message = g_strdup_printf (_("The export did not work: %s"), error->message);
  else if (exported->path == NULL && exported->damaged == 0)
    message = g_strdup (_("There is nothing waiting to be exported."));
  else if (exported->path == NULL)
    message = g_strdup (_("Nothing was exported: what was waiting was damaged by the disk."));
  else
    {
      g_autofree char *name = g_path_get_basename (exported->path);
      message = g_strdup_printf (g_dngettext (NULL, "%" G_GINT64_FORMAT " answer sheet was saved in the file %s, "
                                                    "and checked. Wait a moment before taking the stick out.",
                                              "%" G_GINT64_FORMAT " answer sheets were saved in the file %s, "
                                              "and checked. Wait a moment before taking the stick out.",
                                              exported->records),
                                 exported->records, name);
      /* Flush and release the stick, so that pulling it out loses nothing. */
      if (job->mount != NULL && g_mount_can_unmount (job->mount))
        g_mount_unmount_with_operation (job->mount, G_MOUNT_UNMOUNT_NONE, NULL, NULL,
                                        unmount_done, g_object_ref (self));
    }
  if (exported != NULL && exported->damaged > 0)
    {
      g_autofree char *done = g_steal_pointer (&message);
      message = g_strdup_printf (g_dngettext (NULL, "%s\n%" G_GINT64_FORMAT " answer sheet on this screen was "
                                                    "damaged by the disk and cannot be exported: please tell the "
                                                    "inspection team.",
                                              "%s\n%" G_GINT64_FORMAT " answer sheets on this screen were "
                                              "damaged by the disk and cannot be exported: please tell the "
                                              "inspection team.",
                                              exported->damaged),
                                 done, exported->damaged);
    }

  set_message (self->export_message, message);
  if (exported)
    {
      sayso_export_result_clear (exported);
      g_free (exported);
    }
  update_actions (self);
}

static void
export_to_cb (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  SaysoStaffView *self = SAYSO_STAFF_VIEW (widget);
  g_autoptr(GTask) task = NULL;
  ExportJob *job;
  const char *folder = g_variant_get_string (parameter, NULL);

  touch (self);
  if (self->store == NULL || self->exporting)
    return;

  job = g_new0 (ExportJob, 1);
  job->store_path = g_strdup (sayso_store_get_path (self->store));
  job->folder = g_strdup (folder);
  job->flags = gtk_check_button_get_active (self->export_again) ? SAYSO_EXPORT_AGAIN : SAYSO_EXPORT_DEFAULT;

  if (self->monitor != NULL)
    {
      GList *mounts = g_volume_monitor_get_mounts (self->monitor);
      for (GList *l = mounts; l; l = l->next)
        {
          g_autoptr(GFile) root = g_mount_get_root (l->data);
          g_autofree char *path = g_file_get_path (root);
          if (g_strcmp0 (path, folder) == 0)
            job->mount = g_object_ref (l->data);
        }
      g_list_free_full (mounts, g_object_unref);
    }

  self->exporting = TRUE;
  gtk_spinner_start (self->export_spinner);
  set_message (self->export_message, _("Saving the answers to the stick. Do not take it out."));
  update_actions (self);

  task = g_task_new (NULL, NULL, export_done, g_object_ref (self));
  g_task_set_task_data (task, job, (GDestroyNotify) export_job_free);
  g_task_run_in_thread (task, export_thread);
}

static void
add_target (SaysoStaffView *self,
            const char     *label,
            const char     *path)
{
  g_autofree char *text = label ? g_strdup_printf (_("Export to “%s”"), label) : g_strdup (_("Export to the USB stick"));
  GtkWidget *button = gtk_button_new_with_label (text);

  gtk_widget_add_css_class (button, "staff-button");
  gtk_widget_add_css_class (button, "suggested-action");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "staff.export-to");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", path);
  gtk_box_append (self->targets, button);
}

static void
refresh_targets (SaysoStaffView *self)
{
  GtkWidget *child;
  guint n = 0;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->targets))))
    gtk_box_remove (self->targets, child);

  /* Removable drives, as the desktop's volume monitor sees them. */
  if (self->monitor != NULL)
    {
      GList *mounts = g_volume_monitor_get_mounts (self->monitor);

      for (GList *l = mounts; l; l = l->next)
        {
          GMount *mount = l->data;
          g_autoptr(GDrive) drive = g_mount_get_drive (mount);
          g_autoptr(GFile) root = g_mount_get_root (mount);
          g_autofree char *path = g_file_get_path (root);
          g_autofree char *name = g_mount_get_name (mount);

          if (path == NULL || g_mount_is_shadowed (mount))
            continue;
          if (drive != NULL && !g_drive_is_removable (drive) && !g_drive_is_media_removable (drive))
            continue;
          if (drive == NULL && !g_mount_can_unmount (mount))
            continue;
          add_target (self, name, path);
          n++;
        }
      g_list_free_full (mounts, g_object_unref);
    }

  /* The kiosk session's own mount point for sticks (export-folder in kiosk.ini). */
  if (self->export_folder != NULL)
    {
      add_target (self, NULL, self->export_folder);
      n++;
    }

  if (n == 0)
    set_message (self->export_message, _("No USB stick found. Put one in; it will show up here."));
  update_actions (self);
}

static void
mounts_changed (SaysoStaffView *self)
{
  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "export") == 0 && !self->exporting)
    {
      set_message (self->export_message, _("Put the USB stick in, then choose it below."));
      refresh_targets (self);
    }
}

/* Settings */

static void
load_settings (SaysoStaffView *self)
{
  g_autoptr(SaysoKioskConfig) config = NULL;
  g_autoptr(GError) error = NULL;
  gint64 keep = SAYSO_DEFAULT_KEEP_DAYS;

  if (self->settings_file == NULL)
    config = sayso_kiosk_config_new ();
  else if (!(config = sayso_kiosk_config_load (self->settings_file, &error)))
    {
      g_autofree char *message = g_strdup_printf (_("The settings could not be read, so saving will not change them. %s"),
                                                  error->message);

      set_message (self->settings_message, message);
      g_clear_error (&error);
      config = sayso_kiosk_config_new ();
    }

  gtk_switch_set_active (self->welsh_first, sayso_kiosk_config_get_welsh_first (config));
  gtk_switch_set_active (self->bilingual, config->bilingual);
  gtk_switch_set_active (self->keep_partial, config->keep_partial);
  gtk_spin_button_set_value (self->idle_timeout, config->idle_timeout);
  if (self->store != NULL && sayso_store_get_keep_days (self->store, &keep, &error))
    gtk_spin_button_set_value (self->keep_days, keep);
}

static void
show_settings_cb (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  SaysoStaffView *self = SAYSO_STAFF_VIEW (widget);

  touch (self);
  set_message (self->settings_message, NULL);
  load_settings (self);
  show_page (self, "settings");
}

static void
save_settings_cb (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  SaysoStaffView *self = SAYSO_STAFF_VIEW (widget);
  g_autoptr(GError) error = NULL;

  touch (self);
  if (self->settings_file != NULL)
    {
      g_autoptr(SaysoKioskConfig) config = sayso_kiosk_config_load (self->settings_file, &error);

      if (config != NULL)
        {
          sayso_kiosk_config_set_welsh_first (config, gtk_switch_get_active (self->welsh_first));
          config->bilingual = gtk_switch_get_active (self->bilingual);
          config->keep_partial = gtk_switch_get_active (self->keep_partial);
          config->idle_timeout = gtk_spin_button_get_value_as_int (self->idle_timeout);
        }

      if (config == NULL || !sayso_kiosk_config_save (config, self->settings_file, &error))
        {
          g_autofree char *message = g_strdup_printf (_("Settings not saved. %s"), error->message);

          set_message (self->settings_message, message);
          return;
        }
    }

  if (self->store != NULL &&
      !sayso_store_set_keep_days (self->store, gtk_spin_button_get_value_as_int (self->keep_days), &error))
    {
      set_message (self->settings_message, error->message);
      return;
    }

  g_signal_emit (self, signals[SIGNAL_SETTINGS_CHANGED], 0);
  update_counts (self);
  set_message (self->menu_message, _("Settings saved."));
  show_page (self, "menu");
}

static void
close_cb (GtkWidget  *widget,
          const char *action_name,
          GVariant   *parameter)
{
  sayso_staff_view_close (SAYSO_STAFF_VIEW (widget));
}

static void
any_touch (GtkEventController *controller,
           gpointer            data)
{
  touch (SAYSO_STAFF_VIEW (data));
}

static gboolean
any_key (GtkEventControllerKey *controller,
         guint                  keyval,
         guint                  keycode,
         GdkModifierType        state,
         gpointer               data)
{
  SaysoStaffView *self = data;

  touch (self);
  /* A keyboard (or switch) can type the PIN too. */
  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "pin") == 0)
    {
      guint32 c = gdk_keyval_to_unicode (keyval);
      if (c >= '0' && c <= '9')
        {
          char digit[2] = { (char) c, 0 };
          gtk_widget_activate_action (GTK_WIDGET (self), "staff.digit", "s", digit);
          return TRUE;
        }
      if (keyval == GDK_KEY_BackSpace)
        return gtk_widget_activate_action (GTK_WIDGET (self), "staff.erase", NULL);
      if (keyval == GDK_KEY_Return || keyval == GDK_KEY_KP_Enter)
        return gtk_widget_activate_action (GTK_WIDGET (self), "staff.enter", NULL);
    }
  return FALSE;
}

static void
sayso_staff_view_dispose (GObject *object)
{
  SaysoStaffView *self = (SaysoStaffView *)object;

  g_clear_handle_id (&self->idle_source, g_source_remove);
  g_clear_handle_id (&self->wait_source, g_source_remove);
  if (self->monitor)
    g_signal_handlers_disconnect_by_data (self->monitor, self);
  g_clear_object (&self->monitor);
  g_clear_object (&self->gate);
  if (self->queue)
    g_signal_handlers_disconnect_by_data (self->queue, self);
  g_clear_object (&self->queue);
  g_clear_object (&self->store);
  g_clear_pointer (&self->settings_file, g_free);
  g_clear_pointer (&self->export_folder, g_free);
  g_clear_pointer (&self->last_error, g_free);
  g_clear_pointer (&self->pin, sodium_free);
  g_clear_pointer (&self->new_pin, sodium_free);
  gtk_widget_dispose_template (GTK_WIDGET (self), SAYSO_TYPE_STAFF_VIEW);

  G_OBJECT_CLASS (sayso_staff_view_parent_class)->dispose (object);
}

static void
sayso_staff_view_class_init (SaysoStaffViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sayso_staff_view_dispose;

  signals[SIGNAL_CLOSED] = g_signal_new ("closed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                         0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[SIGNAL_START_SURVEY] = g_signal_new ("start-survey", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                               0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT);
  signals[SIGNAL_SETTINGS_CHANGED] = g_signal_new ("settings-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/sayso/Kiosk/sayso-staff-view.ui");
  gtk_widget_class_bind_template_child (widget_class, SaysoStaffView, stack);
  gtk_widget_class_bind_template_child (widget_class, SaysoStaffView, pin_title);
  gtk_widget_class_bind_template_child (widget_class, SaysoStaffView, pin_dots);
  gtk_widget_class_bind_template_child (widget_class, SaysoStaffView, pin_message);
  gtk_widget_class_bind_template_child (widget_class, SaysoStaffView, fingerprint);
  gtk_widget_class_bind_template_child (widget_class, SaysoStaffView, counts);
  gtk_widget_class_bind_template_child (widget_class, SaysoStaffView, menu_message);
  gtk_widget_class_bind_template_child (widget_class, SaysoStaffView, retry_button);
  gtk_widget_class_bind_template_child (widget_class, SaysoStaffView, export_message);
  gtk_widget_class_bind_template_child (widget_class, SaysoStaffView, export_spinner);
  gtk_widget_class_bind_template_child (widget_class, SaysoStaffView, targets);
  gtk_widget_class_bind_template_child (widget_class, SaysoStaffView, export_again);
  gtk_widget_class_bind_template_child (widget_class, SaysoStaffView, welsh_first);
  gtk_widget_class_bind_template_child (widget_class, SaysoStaffView, bilingual);
  gtk_widget_class_bind_template_child (widget_class, SaysoStaffView, idle_timeout);
  gtk_widget_class_bind_template_child (widget_class, SaysoStaffView, keep_partial);
  gtk_widget_class_bind_template_child (widget_class, SaysoStaffView, keep_days);
  gtk_widget_class_bind_template_child (widget_class, SaysoStaffView, settings_message);

  gtk_widget_class_install_action (widget_class, "staff.digit", "s", digit_cb);
  gtk_widget_class_install_action (widget_class, "staff.erase", NULL, erase_cb);
  gtk_widget_class_install_action (widget_class, "staff.enter", NULL, enter_cb);
  gtk_widget_class_install_action (widget_class, "staff.start-survey", "s", start_survey_cb);
  gtk_widget_class_install_action (widget_class, "staff.show-menu", NULL, show_menu_cb);
  gtk_widget_class_install_action (widget_class, "staff.show-export", NULL, show_export_cb);
  gtk_widget_class_install_action (widget_class, "staff.show-settings", NULL, show_settings_cb);
  gtk_widget_class_install_action (widget_class, "staff.show-new-pin", NULL, show_new_pin_cb);
  gtk_widget_class_install_action (widget_class, "staff.retry", NULL, retry_cb);
  gtk_widget_class_install_action (widget_class, "staff.export-to", "s", export_to_cb);
  gtk_widget_class_install_action (widget_class, "staff.save-settings", NULL, save_settings_cb);
  gtk_widget_class_install_action (widget_class, "staff.close", NULL, close_cb);

  gtk_widget_class_set_css_name (widget_class, "staffview");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
sayso_staff_view_init (SaysoStaffView *self)
{
  GtkEventController *key;
  GtkGesture *click;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->pin = sodium_malloc (PIN_BUFFER);
  self->new_pin = sodium_malloc (PIN_BUFFER);
  clear_pin (self->pin);
  clear_pin (self->new_pin);
  self->idle_seconds = SAYSO_STAFF_IDLE_SECONDS;
  self->clock = g_get_monotonic_time;

  self->monitor = g_volume_monitor_get ();
  g_signal_connect_swapped (self->monitor, "mount-added", G_CALLBACK (mounts_changed), self);
  g_signal_connect_swapped (self->monitor, "mount-removed", G_CALLBACK (mounts_changed), self);

  key = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (key, GTK_PHASE_CAPTURE);
  g_signal_connect (key, "key-pressed", G_CALLBACK (any_key), self);
  gtk_widget_add_controller (GTK_WIDGET (self), key);

  click = gtk_gesture_click_new ();
  gtk_event_controller_set_propagation_phase (GTK_EVENT_CONTROLLER (click), GTK_PHASE_CAPTURE);
  g_signal_connect (click, "pressed", G_CALLBACK (any_touch), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));

  set_message (self->pin_message, NULL);
  set_message (self->menu_message, NULL);
  set_message (self->settings_message, NULL);
  update_actions (self);
}

SaysoStaffView *
sayso_staff_view_new (void)
{
  return g_object_new (SAYSO_TYPE_STAFF_VIEW, NULL);
}

void
sayso_staff_view_set_store (SaysoStaffView *self,
                            SaysoStore     *store)
{
  g_return_if_fail (SAYSO_IS_STAFF_VIEW (self));
  g_return_if_fail (SAYSO_IS_STORE (store));

  g_set_object (&self->store, store);
  g_clear_object (&self->gate);
  self->gate = sayso_pin_gate_new (store);
  sayso_pin_gate_set_clock (self->gate, self->clock);
}

/* The kiosk's answer sheets waiting in memory: the menu counts them and
 * offers to try again once staff have freed space. */
void
sayso_staff_view_set_queue (SaysoStaffView   *self,
                            SaysoSubmitQueue *queue)
{
  g_return_if_fail (SAYSO_IS_STAFF_VIEW (self));
  g_return_if_fail (queue == NULL || SAYSO_IS_SUBMIT_QUEUE (queue));

  if (self->queue)
    g_signal_handlers_disconnect_by_data (self->queue, self);
  g_set_object (&self->queue, queue);
  if (queue)
    {
      g_signal_connect_swapped (queue, "notify::n-pending", G_CALLBACK (queue_changed), self);
      g_signal_connect_swapped (queue, "notify::last-error", G_CALLBACK (queue_changed), self);
    }
}

void
sayso_staff_view_set_may_set_first_pin (SaysoStaffView *self,
                                        gboolean        may)
{
  g_return_if_fail (SAYSO_IS_STAFF_VIEW (self));
  self->may_set_first_pin = !!may;
}

void
sayso_staff_view_set_clock (SaysoStaffView *self,
                            SaysoClockFunc  clock)
{
  g_return_if_fail (SAYSO_IS_STAFF_VIEW (self));
  self->clock = clock ? clock : g_get_monotonic_time;
  if (self->gate)
    sayso_pin_gate_set_clock (self->gate, self->clock);
}

void
sayso_staff_view_set_settings_file (SaysoStaffView *self,
                                    const char     *path)
{
  g_return_if_fail (SAYSO_IS_STAFF_VIEW (self));
  g_free (self->settings_file);
  self->settings_file = g_strdup (path);
}

void
sayso_staff_view_set_export_folder (SaysoStaffView *self,
                                    const char     *path)
{
  g_return_if_fail (SAYSO_IS_STAFF_VIEW (self));
  g_free (self->export_folder);
  self->export_folder = g_strdup (path);
}

void
sayso_staff_view_set_submitted_today (SaysoStaffView *self,
                                      guint           count)
{
  g_return_if_fail (SAYSO_IS_STAFF_VIEW (self));
  self->submitted_today = count;
}

void
sayso_staff_view_set_last_error (SaysoStaffView *self,
                                 const char     *message)
{
  g_return_if_fail (SAYSO_IS_STAFF_VIEW (self));
  g_free (self->last_error);
  self->last_error = g_strdup (message);
}

void
sayso_staff_view_set_idle_seconds (SaysoStaffView *self,
                                   guint           seconds)
{
  g_return_if_fail (SAYSO_IS_STAFF_VIEW (self));
  self->idle_seconds = MAX (1, seconds);
}

void
sayso_staff_view_open (SaysoStaffView *self)
{
  g_return_if_fail (SAYSO_IS_STAFF_VIEW (self));
  g_return_if_fail (self->store != NULL);

  set_message (self->pin_message, NULL);
  set_message (self->menu_message, NULL);
  self->is_open = TRUE;
  if (!sayso_store_has_pin (self->store))
    {
      /* On a real kiosk the first person to hold the corner must not be the
       * one who chooses the PIN: that is done with sayso setup. */
      if (!self->may_set_first_pin)
        {
          self->pin_mode = PIN_UNLOCK;
          clear_pin (self->pin);
          show_page (self, "not-set-up");
          touch (self);
          return;
        }
      set_pin_mode (self, PIN_NEW);
      touch (self);
      return;
    }

  set_pin_mode (self, PIN_UNLOCK);
  if (sayso_pin_gate_is_locked (self->gate))
    {
      g_autofree char *message = g_strdup_printf (_("Five wrong PINs. Staff mode is locked for %d minutes."),
                                                  SAYSO_PIN_LOCKOUT_SECONDS / 60);
      set_message (self->pin_message, message);
      start_wait (self);
    }
  else if (sayso_pin_gate_get_wait (self->gate) > 0)
    {
      set_message (self->pin_message, _("Staff mode is locked for a while after wrong PINs."));
      start_wait (self);
    }
  touch (self);
}

void
sayso_staff_view_close (SaysoStaffView *self)
{
  g_return_if_fail (SAYSO_IS_STAFF_VIEW (self));

  self->is_open = FALSE;
  g_clear_handle_id (&self->idle_source, g_source_remove);
  clear_pin (self->pin);
  clear_pin (self->new_pin);
  show_pin_dots (self);
  self->pin_mode = PIN_UNLOCK;
  gtk_stack_set_visible_child_name (self->stack, "pin");
  update_actions (self);
  g_signal_emit (self, signals[SIGNAL_CLOSED], 0);
}

const char *
sayso_staff_view_get_page (SaysoStaffView *self)
{
  g_return_val_if_fail (SAYSO_IS_STAFF_VIEW (self), NULL);
  return gtk_stack_get_visible_child_name (self->stack);
}

const char *
sayso_staff_view_get_message (SaysoStaffView *self)
{
  const char *page;

  g_return_val_if_fail (SAYSO_IS_STAFF_VIEW (self), NULL);

  page = gtk_stack_get_visible_child_name (self->stack);
  if (g_strcmp0 (page, "pin") == 0)
    return gtk_label_get_label (self->pin_message);
  if (g_strcmp0 (page, "export") == 0)
    return gtk_label_get_label (self->export_message);
  if (g_strcmp0 (page, "settings") == 0)
    return gtk_label_get_label (self->settings_message);
  return gtk_label_get_label (self->menu_message);
}
