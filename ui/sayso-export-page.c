/* sayso-export-page.c: staff mode's export to a USB stick.
 *
 * Lists the removable drives the desktop sees, and the kiosk session's own
 * mount point for sticks (export-folder in kiosk.ini), each as a button for
 * the staff view's staff.export-to. The export runs on a thread with its own
 * connection to the store, so the screen stays alive while a slow stick is
 * written; "busy" is TRUE until it is done, and the page then says what was
 * saved, what was damaged, or why nothing was, and releases the stick.
 * A store with an upload address also keeps the bundle in its outbox
 * (in the same thread); "kept-for-sending" then tells the staff view,
 * which sends it and shows here what became of it.
 */
#define G_LOG_DOMAIN "sayso-export-page"

#include <glib/gi18n.h>

#include "sayso-export-page.h"
#include "sayso-export.h"
#include "sayso-outbox.h"
#include "sayso-staff-private.h"

struct _SaysoExportPage
{
  GtkWidget        parent_instance;

  /* Template widgets */
  GtkWidget       *box;
  GtkLabel        *message;
  GtkLabel        *upload_status;
  GtkSpinner      *spinner;
  GtkBox          *targets;
  GtkCheckButton  *again;

  /* Owned references */
  SaysoStore      *store;
  GVolumeMonitor  *monitor;
  char            *export_folder;

  gboolean         busy;
};

G_DEFINE_FINAL_TYPE (SaysoExportPage, sayso_export_page, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_BUSY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum { SIGNAL_KEPT_FOR_SENDING, N_SIGNALS };
static guint signals[N_SIGNALS];

typedef struct
{
  char             *store_path;
  char             *folder;
  SaysoExportFlags  flags;
  GMount           *mount;
  gboolean          kept;         /* in the outbox, to be sent */
  char             *keep_error;   /* exported, but not kept for sending: why */
} ExportJob;

static void
export_job_free (ExportJob *job)
{
  g_free (job->store_path);
  g_free (job->folder);
  g_free (job->keep_error);
  g_clear_object (&job->mount);
  g_free (job);
}

static void
set_busy (SaysoExportPage *self,
          gboolean         busy)
{
  if (self->busy == !!busy)
    return;
  self->busy = !!busy;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
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
      sayso_export_result_free (result);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  /* The stick's copy is made and checked whatever becomes of this. */
  if (!sayso_store_keep_for_upload (store, result, &job->kept, &error))
    job->keep_error = g_strdup (error->message);

  g_task_return_pointer (task, result, (GDestroyNotify) sayso_export_result_free);
}

static void
unmount_done (GObject      *object,
              GAsyncResult *result,
              gpointer      data)
{
  g_autoptr(SaysoExportPage) self = data;
  g_autoptr(GError) error = NULL;

  if (g_mount_unmount_with_operation_finish (G_MOUNT (object), result, &error) && self->message != NULL)
    _sayso_staff_show_message (self->message, _("Done. You can take the stick out now."));
}

static char *
describe (const SaysoExportResult *exported,
          const GError            *error)
{
  g_autofree char *message = NULL;

  if (exported == NULL)
    return g_strdup_printf (_("The export did not work: %s"), error->message);

  if (exported->path == NULL && exported->damaged == 0)
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
    }
  if (exported->damaged > 0)
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
  return g_steal_pointer (&message);
}

static void
export_done (GObject      *object,
             GAsyncResult *result,
             gpointer      data)
{
  g_autoptr(SaysoExportPage) self = data;
  g_autoptr(GError) error = NULL;
  ExportJob *job = g_task_get_task_data (G_TASK (result));
  SaysoExportResult *exported = g_task_propagate_pointer (G_TASK (result), &error);
  g_autofree char *message = NULL;

  /* The export holds a reference: the page may have been disposed (its
   * window closed) while the thread wrote. The result is freed all the same,
   * and nobody is told. */
  if (self->message == NULL)
    {
      self->busy = FALSE;
      g_clear_pointer (&exported, sayso_export_result_free);
      return;
    }
  gtk_spinner_stop (self->spinner);

  message = describe (exported, error);
  /* Flush and release the stick, so that pulling it out loses nothing. */
  if (exported != NULL && exported->path != NULL && job->mount != NULL && g_mount_can_unmount (job->mount))
    g_mount_unmount_with_operation (job->mount, G_MOUNT_UNMOUNT_NONE, NULL, NULL,
                                    unmount_done, g_object_ref (self));
  if (job->keep_error != NULL)
    {
      g_autofree char *done = g_steal_pointer (&message);
      message = g_strdup_printf (_("%s\nIt could not be kept for sending from this kiosk, so take the stick to "
                                   "the inspection team: %s"), done, job->keep_error);
    }

  _sayso_staff_show_message (self->message, message);
  g_clear_pointer (&exported, sayso_export_result_free);
  set_busy (self, FALSE);
  if (job->kept)
    g_signal_emit (self, signals[SIGNAL_KEPT_FOR_SENDING], 0);
}

static void
add_target (SaysoExportPage *self,
            const char      *label,
            const char      *path)
{
  g_autofree char *text = label ? g_strdup_printf (_("Export to “%s”"), label) : g_strdup (_("Export to the USB stick"));
  GtkWidget *button = gtk_button_new_with_label (text);

  gtk_widget_set_name (button, "export-target");
  gtk_widget_add_css_class (button, "staff-button");
  gtk_widget_add_css_class (button, "suggested-action");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "staff.export-to");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", path);
  gtk_box_append (self->targets, button);
}

static void
refresh_targets (SaysoExportPage *self)
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
    _sayso_staff_show_message (self->message, _("No USB stick found. Put one in; it will show up here."));
}

/* A stick put in or taken out shows at once on the page staff are looking
 * at; never during an export, whose words say when the stick can come out. */
static void
mounts_changed (SaysoExportPage *self)
{
  if (gtk_widget_get_mapped (GTK_WIDGET (self)) && !self->busy)
    sayso_export_page_refresh (self);
}

static void
sayso_export_page_dispose (GObject *object)
{
  SaysoExportPage *self = (SaysoExportPage *)object;

  if (self->monitor)
    g_signal_handlers_disconnect_by_data (self->monitor, self);
  g_clear_object (&self->monitor);
  g_clear_object (&self->store);
  g_clear_pointer (&self->export_folder, g_free);
  gtk_widget_dispose_template (GTK_WIDGET (self), SAYSO_TYPE_EXPORT_PAGE);

  G_OBJECT_CLASS (sayso_export_page_parent_class)->dispose (object);
}

static void
sayso_export_page_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  SaysoExportPage *self = SAYSO_EXPORT_PAGE (object);

  switch (prop_id)
    {
    case PROP_BUSY:
      g_value_set_boolean (value, self->busy);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sayso_export_page_class_init (SaysoExportPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sayso_export_page_dispose;
  object_class->get_property = sayso_export_page_get_property;

  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_KEPT_FOR_SENDING] = g_signal_new ("kept-for-sending", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/sayso/Kiosk/sayso-export-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SaysoExportPage, box);
  gtk_widget_class_bind_template_child (widget_class, SaysoExportPage, message);
  gtk_widget_class_bind_template_child (widget_class, SaysoExportPage, upload_status);
  gtk_widget_class_bind_template_child (widget_class, SaysoExportPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, SaysoExportPage, targets);
  gtk_widget_class_bind_template_child (widget_class, SaysoExportPage, again);

  gtk_widget_class_set_css_name (widget_class, "exportpage");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
sayso_export_page_init (SaysoExportPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->monitor = g_volume_monitor_get ();
  g_signal_connect_swapped (self->monitor, "mount-added", G_CALLBACK (mounts_changed), self);
  g_signal_connect_swapped (self->monitor, "mount-removed", G_CALLBACK (mounts_changed), self);
}

void
sayso_export_page_set_store (SaysoExportPage *self,
                             SaysoStore      *store)
{
  g_return_if_fail (SAYSO_IS_EXPORT_PAGE (self));
  g_return_if_fail (SAYSO_IS_STORE (store));

  g_set_object (&self->store, store);
}

void
sayso_export_page_set_export_folder (SaysoExportPage *self,
                                     const char      *path)
{
  g_return_if_fail (SAYSO_IS_EXPORT_PAGE (self));

  g_free (self->export_folder);
  self->export_folder = g_strdup (path);
}

/* The page as staff find it: the sticks there now, and what to do. */
void
sayso_export_page_refresh (SaysoExportPage *self)
{
  g_return_if_fail (SAYSO_IS_EXPORT_PAGE (self));

  _sayso_staff_show_message (self->message, _("Put the USB stick in, then choose it below."));
  refresh_targets (self);
}

void
sayso_export_page_export_to (SaysoExportPage *self,
                             const char      *folder)
{
  g_autoptr(GTask) task = NULL;
  ExportJob *job;

  g_return_if_fail (SAYSO_IS_EXPORT_PAGE (self));
  g_return_if_fail (folder != NULL);

  if (self->store == NULL || self->busy)
    return;

  job = g_new0 (ExportJob, 1);
  job->store_path = g_strdup (sayso_store_get_path (self->store));
  job->folder = g_strdup (folder);
  job->flags = gtk_check_button_get_active (self->again) ? SAYSO_EXPORT_AGAIN : SAYSO_EXPORT_DEFAULT;

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

  gtk_spinner_start (self->spinner);
  _sayso_staff_show_message (self->message, _("Saving the answers to the stick. Do not take it out."));
  set_busy (self, TRUE);

  task = g_task_new (NULL, NULL, export_done, g_object_ref (self));
  g_task_set_task_data (task, job, (GDestroyNotify) export_job_free);
  g_task_run_in_thread (task, export_thread);
}

gboolean
sayso_export_page_get_busy (SaysoExportPage *self)
{
  g_return_val_if_fail (SAYSO_IS_EXPORT_PAGE (self), FALSE);
  return self->busy;
}

const char *
sayso_export_page_get_message (SaysoExportPage *self)
{
  g_return_val_if_fail (SAYSO_IS_EXPORT_PAGE (self), NULL);
  return gtk_label_get_label (self->message);
}

/* What became of the bundles the kiosk sends itself, or NULL (sending off). */
void
sayso_export_page_set_upload_status (SaysoExportPage *self,
                                     const char      *text)
{
  g_return_if_fail (SAYSO_IS_EXPORT_PAGE (self));
  _sayso_staff_show_message (self->upload_status, text);
}
