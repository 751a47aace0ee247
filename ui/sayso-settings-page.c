/* sayso-settings-page.c: staff mode's settings for this kiosk.
 *
 * What staff may change: the first language, Welsh and English side by
 * side, the seconds before "Are you still there?", whether a walked-away
 * respondent's answers are kept, and how long exported answers are kept for
 * a lost stick, and the collection service's address the kiosk sends its
 * bundles to (its key, whose fingerprint is shown, is set only with sayso
 * setup or sayso set-upload: a key typed on a touchscreen is a mistake
 * waiting to happen). kiosk.ini is read and written through sayso-config
 * alone, which keeps what someone wrote in it by hand; the keep period and
 * the upload address are the store's. A file that cannot be read, or a save that cannot be written, is
 * said on the page, naming the file and why, and never as "Settings saved.":
 * "saved" is emitted only when everything was.
 */
#define G_LOG_DOMAIN "sayso-settings-page"

#include <glib/gi18n.h>

#include "sayso-config.h"
#include "sayso-export.h"
#include "sayso-outbox.h"
#include "sayso-settings-page.h"
#include "sayso-staff-private.h"

struct _SaysoSettingsPage
{
  GtkWidget       parent_instance;

  /* Template widgets */
  GtkWidget      *box;
  GtkSwitch      *welsh_first;
  GtkSwitch      *bilingual;
  GtkSpinButton  *idle_timeout;
  GtkSwitch      *keep_partial;
  GtkSpinButton  *keep_days;
  GtkEntry       *upload_url;
  GtkLabel       *service_key;
  GtkLabel       *message;

  /* Owned references */
  SaysoStore     *store;
  char           *settings_file;
};

G_DEFINE_FINAL_TYPE (SaysoSettingsPage, sayso_settings_page, GTK_TYPE_WIDGET)

enum {
  SIGNAL_SAVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
sayso_settings_page_dispose (GObject *object)
{
  SaysoSettingsPage *self = (SaysoSettingsPage *)object;

  g_clear_object (&self->store);
  g_clear_pointer (&self->settings_file, g_free);
  gtk_widget_dispose_template (GTK_WIDGET (self), SAYSO_TYPE_SETTINGS_PAGE);

  G_OBJECT_CLASS (sayso_settings_page_parent_class)->dispose (object);
}

static void
sayso_settings_page_class_init (SaysoSettingsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sayso_settings_page_dispose;

  /* kiosk.ini and the store both hold what the page showed; the argument
   * is the const SaysoKioskConfig saved, or NULL without a settings file. */
  signals[SIGNAL_SAVED] = g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                        0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/sayso/Kiosk/sayso-settings-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SaysoSettingsPage, box);
  gtk_widget_class_bind_template_child (widget_class, SaysoSettingsPage, welsh_first);
  gtk_widget_class_bind_template_child (widget_class, SaysoSettingsPage, bilingual);
  gtk_widget_class_bind_template_child (widget_class, SaysoSettingsPage, idle_timeout);
  gtk_widget_class_bind_template_child (widget_class, SaysoSettingsPage, keep_partial);
  gtk_widget_class_bind_template_child (widget_class, SaysoSettingsPage, keep_days);
  gtk_widget_class_bind_template_child (widget_class, SaysoSettingsPage, upload_url);
  gtk_widget_class_bind_template_child (widget_class, SaysoSettingsPage, service_key);
  gtk_widget_class_bind_template_child (widget_class, SaysoSettingsPage, message);

  gtk_widget_class_set_css_name (widget_class, "settingspage");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
sayso_settings_page_init (SaysoSettingsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  _sayso_staff_show_message (self->message, NULL);
}

void
sayso_settings_page_set_store (SaysoSettingsPage *self,
                               SaysoStore        *store)
{
  g_return_if_fail (SAYSO_IS_SETTINGS_PAGE (self));
  g_return_if_fail (SAYSO_IS_STORE (store));

  g_set_object (&self->store, store);
}

void
sayso_settings_page_set_settings_file (SaysoSettingsPage *self,
                                       const char        *path)
{
  g_return_if_fail (SAYSO_IS_SETTINGS_PAGE (self));

  g_free (self->settings_file);
  self->settings_file = g_strdup (path);
}

/* The upload address as the store has it, and its key's fingerprint, as
 * the analysts' key is shown on the menu. */
static void
load_upload (SaysoSettingsPage *self)
{
  g_autofree char *url = NULL;
  g_autofree char *fingerprint = NULL;
  g_autoptr(GError) error = NULL;
  guint8 service_pk[SAYSO_SIGN_PUBLIC_KEY_SIZE];

  if (self->store == NULL || !sayso_store_get_upload (self->store, &url, service_pk, &error))
    {
      gtk_editable_set_text (GTK_EDITABLE (self->upload_url), "");
      gtk_label_set_label (self->service_key, error ? error->message : _("None"));
      return;
    }
  gtk_editable_set_text (GTK_EDITABLE (self->upload_url), url ? url : "");
  if (url == NULL)
    {
      gtk_label_set_label (self->service_key, _("None: it is set with sayso set-upload"));
      return;
    }
  fingerprint = sayso_key_fingerprint (service_pk);
  gtk_label_set_label (self->service_key, fingerprint);
}

/* The address typed: the same, another (with the key the store has), or
 * none (sending off). */
static gboolean
save_upload (SaysoSettingsPage  *self,
             GError            **error)
{
  g_autofree char *url = NULL;
  g_autofree char *typed = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->upload_url))));
  guint8 service_pk[SAYSO_SIGN_PUBLIC_KEY_SIZE];

  if (!sayso_store_get_upload (self->store, &url, service_pk, error))
    return FALSE;
  if (g_strcmp0 (typed, url ? url : "") == 0)
    return TRUE;
  if (*typed == '\0')
    return sayso_store_set_upload (self->store, NULL, NULL, error);
  if (url == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("This kiosk has no collection service key yet: it is set with sayso set-upload "
                             "(ask IT), with the address."));
      return FALSE;
    }
  return sayso_store_set_upload (self->store, typed, service_pk, error);
}

/* Shows the settings as they are now. Without a settings file (a test, a
 * demo) the page starts from the defaults. */
void
sayso_settings_page_load (SaysoSettingsPage *self)
{
  g_autoptr(SaysoKioskConfig) config = NULL;
  g_autoptr(GError) error = NULL;
  gint64 keep = SAYSO_DEFAULT_KEEP_DAYS;

  g_return_if_fail (SAYSO_IS_SETTINGS_PAGE (self));

  _sayso_staff_show_message (self->message, NULL);
  if (self->settings_file == NULL)
    config = sayso_kiosk_config_new ();
  else if (!(config = sayso_kiosk_config_load (self->settings_file, &error)))
    {
      g_autofree char *message = g_strdup_printf (_("The settings could not be read, so saving will not change them. %s"),
                                                  error->message);

      _sayso_staff_show_message (self->message, message);
      g_clear_error (&error);
      config = sayso_kiosk_config_new ();
    }

  gtk_switch_set_active (self->welsh_first, sayso_kiosk_config_get_welsh_first (config));
  gtk_switch_set_active (self->bilingual, config->bilingual);
  gtk_switch_set_active (self->keep_partial, config->keep_partial);
  gtk_spin_button_set_value (self->idle_timeout, config->idle_timeout);
  if (self->store != NULL && sayso_store_get_keep_days (self->store, &keep, &error))
    gtk_spin_button_set_value (self->keep_days, keep);
  g_clear_error (&error);
  load_upload (self);
}

/* kiosk.ini is read again as it is now and only what the page shows is
 * changed in it, so that whatever else is there stays as it was. */
/* On success *saved holds what kiosk.ini now says (NULL with no file), so
 * that nobody needs to read the file again, and fail, after staff were told
 * it was saved. */
static gboolean
save_settings_file (SaysoSettingsPage  *self,
                    SaysoKioskConfig  **saved,
                    GError            **error)
{
  g_autoptr(SaysoKioskConfig) config = NULL;

  *saved = NULL;
  if (self->settings_file == NULL)
    return TRUE;
  if (!(config = sayso_kiosk_config_load (self->settings_file, error)))
    return FALSE;

  sayso_kiosk_config_set_welsh_first (config, gtk_switch_get_active (self->welsh_first));
  config->bilingual = gtk_switch_get_active (self->bilingual);
  config->keep_partial = gtk_switch_get_active (self->keep_partial);
  config->idle_timeout = gtk_spin_button_get_value_as_int (self->idle_timeout);
  if (!sayso_kiosk_config_save (config, self->settings_file, error))
    return FALSE;
  *saved = g_steal_pointer (&config);
  return TRUE;
}

void
sayso_settings_page_save (SaysoSettingsPage *self)
{
  g_autoptr(SaysoKioskConfig) saved = NULL;
  g_autoptr(GError) error = NULL;

  g_return_if_fail (SAYSO_IS_SETTINGS_PAGE (self));

  if (!save_settings_file (self, &saved, &error))
    {
      g_autofree char *message = g_strdup_printf (_("Settings not saved. %s"), error->message);

      _sayso_staff_show_message (self->message, message);
      return;
    }

  if (self->store != NULL &&
      (!sayso_store_set_keep_days (self->store, gtk_spin_button_get_value_as_int (self->keep_days), &error) ||
       !save_upload (self, &error)))
    {
      _sayso_staff_show_message (self->message, error->message);
      return;
    }

  g_signal_emit (self, signals[SIGNAL_SAVED], 0, saved);
}

const char *
sayso_settings_page_get_message (SaysoSettingsPage *self)
{
  g_return_val_if_fail (SAYSO_IS_SETTINGS_PAGE (self), NULL);
  return gtk_label_get_label (self->message);
}
