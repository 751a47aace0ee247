/* sayso-staff-view.c: staff mode.
 *
 * Behind the PIN: start a staff-assisted or paper survey, see counts (never
 * answers), export to a USB stick, see whether the kiosk's own sending
 * reached the inspection team (and send now), change settings and the PIN. Staff mode
 * closes itself after two minutes without a touch, so that a kiosk left in
 * staff mode does not stay open to the next person in the queue.
 *
 * The view is a stack of pages: the PIN pad (SaysoPinPad), the notice of a
 * kiosk never set up, the menu, the export (SaysoExportPage) and the
 * settings (SaysoSettingsPage). Every button in them is one of the staff.*
 * actions installed here, and update_actions() alone says which are enabled,
 * from the page shown and what the pad and the export say they can do.
 */
#define G_LOG_DOMAIN "sayso-staff-view"

#include <glib/gi18n.h>
#include <string.h>

#include "sayso-config.h"
#include "sayso-export-page.h"
#include "sayso-outbox.h"
#include "sayso-pin-pad.h"
#include "sayso-settings-page.h"
#include "sayso-staff-private.h"
#include "sayso-staff-view.h"
#include "sayso-submit-queue.h"

struct _SaysoStaffView
{
  GtkWidget          parent_instance;

  /* Template widgets */
  GtkStack          *stack;
  SaysoPinPad       *pin_pad;
  GtkLabel          *counts;
  GtkLabel          *fingerprint;
  GtkLabel          *menu_message;
  GtkWidget         *retry_button;
  GtkWidget         *outbox_box;
  GtkLabel          *outbox_status;
  GtkLabel          *outbox_detail;
  SaysoExportPage   *export_page;
  SaysoSettingsPage *settings_page;

  /* Owned references */
  SaysoStore        *store;
  SaysoSubmitQueue  *queue;
  SaysoOutbox       *outbox;
  char              *last_error;

  gboolean           is_open;   /* between open() and close(): the idle clock runs */
  gboolean           may_set_first_pin;
  guint              submitted_today;
  guint              idle_seconds;
  guint              idle_source;
};

G_DEFINE_FINAL_TYPE (SaysoStaffView, sayso_staff_view, GTK_TYPE_WIDGET)

enum { SIGNAL_CLOSED, SIGNAL_START_SURVEY, SIGNAL_SETTINGS_CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

static gboolean
showing (SaysoStaffView *self,
         const char     *page)
{
  return g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), page) == 0;
}

static void
update_actions (SaysoStaffView *self)
{
  gboolean on_pin = showing (self, "pin");
  gboolean on_menu = showing (self, "menu");
  gboolean exporting = sayso_export_page_get_busy (self->export_page);

  /* The pad stays alive while a wrong PIN's wait runs: the gate refuses
   * early tries and says how long is left, rather than a pad that looks broken. */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "staff.digit", on_pin && sayso_pin_pad_get_can_type (self->pin_pad));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "staff.erase", on_pin && sayso_pin_pad_get_can_erase (self->pin_pad));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "staff.enter", on_pin && sayso_pin_pad_get_can_enter (self->pin_pad));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "staff.start-survey", on_menu);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "staff.show-export", on_menu);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "staff.show-settings", on_menu);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "staff.show-new-pin", on_menu);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "staff.retry", on_menu);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "staff.send-now",
                                 on_menu && self->outbox != NULL && !sayso_outbox_is_sending (self->outbox));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "staff.show-menu",
                                 !on_pin && !showing (self, "not-set-up") && !exporting);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "staff.export-to", showing (self, "export") && !exporting);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "staff.save-settings", showing (self, "settings"));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "staff.close", !exporting);
}

static void
show_page (SaysoStaffView *self,
           const char     *page)
{
  gtk_stack_set_visible_child_name (self->stack, page);
  update_actions (self);
}

static void
ask_for_pin (SaysoStaffView  *self,
             SaysoPinPadMode  mode)
{
  sayso_pin_pad_ask (self->pin_pad, mode);
  show_page (self, "pin");
}

/* The fingerprint inside @label's sentence, in its groups as `sayso`
 * prints them, to be read and compared group by group: monospace, and kept
 * whole on one line, so that no line ends inside a group or at a hyphen
 * between two (where it would read as a word broken in two). */
static void
fingerprint_attributes (GtkLabel   *label,
                        const char *fingerprint)
{
  const char *text = gtk_label_get_text (label);
  const char *at = strstr (text, fingerprint);
  g_autoptr(PangoAttrList) attributes = pango_attr_list_new ();
  PangoAttribute *attribute;
  guint start, end;

  /* A translation that left the key out shows the sentence plainly. */
  if (at == NULL)
    {
      gtk_label_set_attributes (label, NULL);
      return;
    }
  start = (guint) (at - text);
  end = start + (guint) strlen (fingerprint);
  attribute = pango_attr_family_new ("monospace");
  attribute->start_index = start;
  attribute->end_index = end;
  pango_attr_list_insert (attributes, attribute);
  attribute = pango_attr_allow_breaks_new (FALSE);
  attribute->start_index = start;
  attribute->end_index = end;
  pango_attr_list_insert (attributes, attribute);
  gtk_label_set_attributes (label, attributes);
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
  fingerprint_attributes (self->fingerprint, fingerprint);
}

/* The kiosk's own sending, in the words of sayso outbox: on the menu, and
 * on the export page after an export. Hidden when sending is off. */
static void
update_outbox (SaysoStaffView *self)
{
  g_auto(SaysoOutboxStatus) status = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *title = NULL;
  g_autofree char *detail = NULL;
  g_autofree char *both = NULL;

  if (self->outbox == NULL || !sayso_outbox_get_status (self->outbox, &status, &error) ||
      status.state == SAYSO_OUTBOX_OFF)
    {
      gtk_widget_set_visible (self->outbox_box, error != NULL);
      if (error != NULL)
        {
          gtk_label_set_label (self->outbox_status, _("Sending from this kiosk"));
          gtk_label_set_label (self->outbox_detail, error->message);
        }
      sayso_export_page_set_upload_status (self->export_page, NULL);
      update_actions (self);
      return;
    }

  title = sayso_outbox_status_title (&status);
  detail = sayso_outbox_is_sending (self->outbox) ? g_strdup (_("Sending now…")) : sayso_outbox_status_detail (&status);
  gtk_label_set_label (self->outbox_status, title);
  gtk_label_set_label (self->outbox_detail, detail);
  gtk_widget_set_visible (self->outbox_box, TRUE);
  both = g_strdup_printf ("%s\n%s", title, detail);
  sayso_export_page_set_upload_status (self->export_page, both);
  update_actions (self);
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
      _sayso_staff_show_message (self->counts, error ? error->message : NULL);
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
  _sayso_staff_show_message (self->menu_message, self->queue ? sayso_submit_queue_get_last_error (self->queue) : self->last_error);
  update_fingerprint (self);
  update_outbox (self);
}

static void touch (SaysoStaffView *self);

static gboolean
idle_timeout_cb (gpointer data)
{
  SaysoStaffView *self = data;

  self->idle_source = 0;
  /* Never in the middle of an export: staff would not see when the stick
   * can come out. */
  if (sayso_export_page_get_busy (self->export_page))
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

/* What the pad and the pages say */

static void
pin_unlocked (SaysoStaffView *self)
{
  update_counts (self);
  show_page (self, "menu");
}

static void
pin_not_set (SaysoStaffView *self)
{
  if (self->may_set_first_pin)
    ask_for_pin (self, SAYSO_PIN_PAD_NEW);
  else
    show_page (self, "not-set-up");
}

static void
new_pin_set (SaysoStaffView *self)
{
  update_counts (self);
  _sayso_staff_show_message (self->menu_message, _("The new staff PIN is set."));
  show_page (self, "menu");
}

static void
export_busy_changed (SaysoStaffView *self)
{
  /* The idle clock starts again when an export ends, however long it took. */
  if (!sayso_export_page_get_busy (self->export_page))
    touch (self);
  update_actions (self);
}

static void
settings_saved (SaysoStaffView         *self,
                const SaysoKioskConfig *saved)
{
  g_signal_emit (self, signals[SIGNAL_SETTINGS_CHANGED], 0, saved);
  /* The upload address may have changed with them. */
  if (self->outbox)
    sayso_outbox_reload (self->outbox);
  update_counts (self);
  _sayso_staff_show_message (self->menu_message, _("Settings saved."));
  show_page (self, "menu");
}

/* A bundle kept for sending: off it goes, without waiting for a back-off. */
static void
exported (SaysoStaffView *self)
{
  if (self->outbox)
    sayso_outbox_send_now (self->outbox);
  update_outbox (self);
}

static void
queue_changed (SaysoStaffView *self)
{
  if (showing (self, "menu"))
    update_counts (self);
}

/* Actions */

static void
digit_cb (GtkWidget  *widget,
          const char *action_name,
          GVariant   *parameter)
{
  SaysoStaffView *self = SAYSO_STAFF_VIEW (widget);

  touch (self);
  sayso_pin_pad_type_digit (self->pin_pad, g_variant_get_string (parameter, NULL)[0]);
}

static void
erase_cb (GtkWidget  *widget,
          const char *action_name,
          GVariant   *parameter)
{
  SaysoStaffView *self = SAYSO_STAFF_VIEW (widget);

  touch (self);
  sayso_pin_pad_erase (self->pin_pad);
}

static void
enter_cb (GtkWidget  *widget,
          const char *action_name,
          GVariant   *parameter)
{
  SaysoStaffView *self = SAYSO_STAFF_VIEW (widget);

  touch (self);
  sayso_pin_pad_enter (self->pin_pad);
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
  ask_for_pin (self, SAYSO_PIN_PAD_NEW);
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
send_now_cb (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  SaysoStaffView *self = SAYSO_STAFF_VIEW (widget);

  touch (self);
  if (self->outbox == NULL)
    return;
  /* The words follow through the outbox's "changed". */
  sayso_outbox_send_now (self->outbox);
  update_outbox (self);
}

static void
show_export_cb (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  SaysoStaffView *self = SAYSO_STAFF_VIEW (widget);

  touch (self);
  sayso_export_page_refresh (self->export_page);
  show_page (self, "export");
}

static void
export_to_cb (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  SaysoStaffView *self = SAYSO_STAFF_VIEW (widget);

  touch (self);
  sayso_export_page_export_to (self->export_page, g_variant_get_string (parameter, NULL));
}

static void
show_settings_cb (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  SaysoStaffView *self = SAYSO_STAFF_VIEW (widget);

  touch (self);
  sayso_settings_page_load (self->settings_page);
  show_page (self, "settings");
}

static void
save_settings_cb (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  SaysoStaffView *self = SAYSO_STAFF_VIEW (widget);

  touch (self);
  sayso_settings_page_save (self->settings_page);
}

static void
close_cb (GtkWidget  *widget,
          const char *action_name,
          GVariant   *parameter)
{
  sayso_staff_view_close (SAYSO_STAFF_VIEW (widget));
}

/* Input */

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
  if (showing (self, "pin"))
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
  if (self->queue)
    g_signal_handlers_disconnect_by_data (self->queue, self);
  g_clear_object (&self->queue);
  if (self->outbox)
    g_signal_handlers_disconnect_by_data (self->outbox, self);
  g_clear_object (&self->outbox);
  g_clear_object (&self->store);
  g_clear_pointer (&self->last_error, g_free);
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
  /* The argument: the const SaysoKioskConfig just saved, or NULL. */
  signals[SIGNAL_SETTINGS_CHANGED] = g_signal_new ("settings-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                                   0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);

  g_type_ensure (SAYSO_TYPE_PIN_PAD);
  g_type_ensure (SAYSO_TYPE_EXPORT_PAGE);
  g_type_ensure (SAYSO_TYPE_SETTINGS_PAGE);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/sayso/Kiosk/sayso-staff-view.ui");
  gtk_widget_class_bind_template_child (widget_class, SaysoStaffView, stack);
  gtk_widget_class_bind_template_child (widget_class, SaysoStaffView, pin_pad);
  gtk_widget_class_bind_template_child (widget_class, SaysoStaffView, counts);
  gtk_widget_class_bind_template_child (widget_class, SaysoStaffView, fingerprint);
  gtk_widget_class_bind_template_child (widget_class, SaysoStaffView, menu_message);
  gtk_widget_class_bind_template_child (widget_class, SaysoStaffView, retry_button);
  gtk_widget_class_bind_template_child (widget_class, SaysoStaffView, outbox_box);
  gtk_widget_class_bind_template_child (widget_class, SaysoStaffView, outbox_status);
  gtk_widget_class_bind_template_child (widget_class, SaysoStaffView, outbox_detail);
  gtk_widget_class_bind_template_child (widget_class, SaysoStaffView, export_page);
  gtk_widget_class_bind_template_child (widget_class, SaysoStaffView, settings_page);

  gtk_widget_class_install_action (widget_class, "staff.digit", "s", digit_cb);
  gtk_widget_class_install_action (widget_class, "staff.erase", NULL, erase_cb);
  gtk_widget_class_install_action (widget_class, "staff.enter", NULL, enter_cb);
  gtk_widget_class_install_action (widget_class, "staff.start-survey", "s", start_survey_cb);
  gtk_widget_class_install_action (widget_class, "staff.show-menu", NULL, show_menu_cb);
  gtk_widget_class_install_action (widget_class, "staff.show-export", NULL, show_export_cb);
  gtk_widget_class_install_action (widget_class, "staff.show-settings", NULL, show_settings_cb);
  gtk_widget_class_install_action (widget_class, "staff.show-new-pin", NULL, show_new_pin_cb);
  gtk_widget_class_install_action (widget_class, "staff.retry", NULL, retry_cb);
  gtk_widget_class_install_action (widget_class, "staff.send-now", NULL, send_now_cb);
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

  self->idle_seconds = SAYSO_STAFF_IDLE_SECONDS;

  g_signal_connect_object (self->pin_pad, "notify::can-type", G_CALLBACK (update_actions), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->pin_pad, "notify::can-erase", G_CALLBACK (update_actions), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->pin_pad, "notify::can-enter", G_CALLBACK (update_actions), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->pin_pad, "unlocked", G_CALLBACK (pin_unlocked), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->pin_pad, "not-set", G_CALLBACK (pin_not_set), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->pin_pad, "new-pin-set", G_CALLBACK (new_pin_set), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->export_page, "notify::busy", G_CALLBACK (export_busy_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->export_page, "kept-for-sending", G_CALLBACK (exported), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings_page, "saved", G_CALLBACK (settings_saved), self, G_CONNECT_SWAPPED);

  key = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (key, GTK_PHASE_CAPTURE);
  g_signal_connect (key, "key-pressed", G_CALLBACK (any_key), self);
  gtk_widget_add_controller (GTK_WIDGET (self), key);

  click = gtk_gesture_click_new ();
  gtk_event_controller_set_propagation_phase (GTK_EVENT_CONTROLLER (click), GTK_PHASE_CAPTURE);
  g_signal_connect (click, "pressed", G_CALLBACK (any_touch), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));

  _sayso_staff_show_message (self->menu_message, NULL);
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
  sayso_pin_pad_set_store (self->pin_pad, store);
  sayso_export_page_set_store (self->export_page, store);
  sayso_settings_page_set_store (self->settings_page, store);
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

/* The kiosk's outbox (SaysoWindow makes and starts it): the menu shows what
 * became of the bundles it sends and offers "Send now". */
void
sayso_staff_view_set_outbox (SaysoStaffView *self,
                             SaysoOutbox    *outbox)
{
  g_return_if_fail (SAYSO_IS_STAFF_VIEW (self));
  g_return_if_fail (outbox == NULL || SAYSO_IS_OUTBOX (outbox));

  if (self->outbox)
    g_signal_handlers_disconnect_by_data (self->outbox, self);
  g_set_object (&self->outbox, outbox);
  if (outbox)
    g_signal_connect_swapped (outbox, "changed", G_CALLBACK (update_outbox), self);
  update_outbox (self);
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
  sayso_pin_pad_set_clock (self->pin_pad, clock);
}

void
sayso_staff_view_set_settings_file (SaysoStaffView *self,
                                    const char     *path)
{
  g_return_if_fail (SAYSO_IS_STAFF_VIEW (self));
  sayso_settings_page_set_settings_file (self->settings_page, path);
}

void
sayso_staff_view_set_export_folder (SaysoStaffView *self,
                                    const char     *path)
{
  g_return_if_fail (SAYSO_IS_STAFF_VIEW (self));
  sayso_export_page_set_export_folder (self->export_page, path);
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

  _sayso_staff_show_message (self->menu_message, NULL);
  self->is_open = TRUE;
  /* On a real kiosk the first person to hold the corner must not be the one
   * who chooses the PIN: that is done with sayso setup. */
  if (!sayso_store_has_pin (self->store) && !self->may_set_first_pin)
    {
      sayso_pin_pad_clear (self->pin_pad);
      show_page (self, "not-set-up");
    }
  else
    ask_for_pin (self, sayso_store_has_pin (self->store) ? SAYSO_PIN_PAD_UNLOCK : SAYSO_PIN_PAD_NEW);
  touch (self);
}

void
sayso_staff_view_close (SaysoStaffView *self)
{
  g_return_if_fail (SAYSO_IS_STAFF_VIEW (self));

  self->is_open = FALSE;
  g_clear_handle_id (&self->idle_source, g_source_remove);
  sayso_pin_pad_clear (self->pin_pad);
  show_page (self, "pin");
  g_signal_emit (self, signals[SIGNAL_CLOSED], 0);
}

const char *
sayso_staff_view_get_page (SaysoStaffView *self)
{
  g_return_val_if_fail (SAYSO_IS_STAFF_VIEW (self), NULL);
  return gtk_stack_get_visible_child_name (self->stack);
}

/* What the page shown says to staff. */
const char *
sayso_staff_view_get_message (SaysoStaffView *self)
{
  g_return_val_if_fail (SAYSO_IS_STAFF_VIEW (self), NULL);

  if (showing (self, "pin"))
    return sayso_pin_pad_get_message (self->pin_pad);
  if (showing (self, "export"))
    return sayso_export_page_get_message (self->export_page);
  if (showing (self, "settings"))
    return sayso_settings_page_get_message (self->settings_page);
  return gtk_label_get_label (self->menu_message);
}
