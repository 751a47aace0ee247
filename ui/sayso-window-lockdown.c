/* sayso-window-lockdown.c: a kiosk a respondent cannot leave, and the
 * staff's way in.
 *
 * In kiosk mode the window cannot be closed, has no decorations and ignores
 * the shortcuts that would leave it or open the inspector. Staff get in with
 * a three-second press on the top-left corner (win.staff), which lays staff
 * mode (SaysoStaffView, behind its PIN) over the whole window; while it is
 * open the respondent's clock stops.
 */
#define G_LOG_DOMAIN "sayso-window"

#include "sayso-window-private.h"

#define STAFF_HOLD_MSEC 3000

static GtkWindowClass *parent_window_class;

/* --- Staff gesture --------------------------------------------------------- */

static gboolean
staff_hold_cb (gpointer user_data)
{
  SaysoWindow *self = user_data;

  self->staff_source = 0;
  gtk_widget_activate_action (GTK_WIDGET (self), "win.staff", NULL);
  return G_SOURCE_REMOVE;
}

static void
logo_pressed (GtkGestureClick *gesture,
              int              n_press,
              double           x,
              double           y,
              SaysoWindow     *self)
{
  g_clear_handle_id (&self->staff_source, g_source_remove);
  self->staff_source = g_timeout_add (STAFF_HOLD_MSEC, staff_hold_cb, self);
}

/* "stopped" takes no arguments; "released" and "cancel" take theirs, and
 * each needs a handler of its own shape to reach the window. */
static void
logo_let_go (GtkGesture  *gesture,
             SaysoWindow *self)
{
  g_clear_handle_id (&self->staff_source, g_source_remove);
}

static void
logo_released (GtkGestureClick *gesture,
               int              n_press,
               double           x,
               double           y,
               SaysoWindow     *self)
{
  logo_let_go (GTK_GESTURE (gesture), self);
}

static void
logo_cancelled (GtkGesture       *gesture,
                GdkEventSequence *sequence,
                SaysoWindow      *self)
{
  logo_let_go (gesture, self);
}

/* --- Lockdown -------------------------------------------------------------- */

gboolean
_sayso_window_filter_key (SaysoWindow     *self,
                          guint            keyval,
                          GdkModifierType  state)
{
  GdkModifierType mods = state & gtk_accelerator_get_default_mod_mask ();

  if (!self->kiosk_mode)
    return FALSE;

  switch (keyval)
    {
    case GDK_KEY_Escape:
    case GDK_KEY_F10:
    case GDK_KEY_Menu:
      return TRUE;
    case GDK_KEY_F4:
      return (mods & GDK_ALT_MASK) != 0;
    case GDK_KEY_q: case GDK_KEY_Q:
    case GDK_KEY_w: case GDK_KEY_W:
      return (mods & GDK_CONTROL_MASK) != 0;
    case GDK_KEY_i: case GDK_KEY_I:
    case GDK_KEY_d: case GDK_KEY_D:
      return (mods & (GDK_CONTROL_MASK | GDK_SHIFT_MASK)) == (GDK_CONTROL_MASK | GDK_SHIFT_MASK);
    default:
      return FALSE;
    }
}

static gboolean
on_key_pressed (GtkEventControllerKey *controller,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                SaysoWindow           *self)
{
  return _sayso_window_filter_key (self, keyval, state);
}

static gboolean
sayso_window_close_request (GtkWindow *window)
{
  SaysoWindow *self = SAYSO_WINDOW (window);

  if (self->kiosk_mode)
    {
      g_debug ("Refused to close in kiosk mode");
      return TRUE;
    }
  return parent_window_class->close_request (window);
}

static gboolean
sayso_window_enable_debugging (GtkWindow *window,
                               gboolean   toggle)
{
  SaysoWindow *self = SAYSO_WINDOW (window);

  if (self->kiosk_mode)
    return FALSE;
  return parent_window_class->enable_debugging (window, toggle);
}


/* --- Staff mode ------------------------------------------------------------- */

static void
staff_closed (SaysoStaffView *view,
              SaysoWindow    *self)
{
  gtk_widget_set_visible (GTK_WIDGET (self->staff_view), FALSE);
  gtk_widget_set_sensitive (gtk_overlay_get_child (GTK_OVERLAY (self->overlay)), TRUE);
  sayso_journey_resume (self->journey);
  _sayso_window_actions_update (self);
}

static void
staff_start_survey (SaysoStaffView *view,
                    int             mode,
                    SaysoWindow    *self)
{
  /* Whoever was on the screen before staff came is forgotten first. */
  sayso_journey_start_again (self->journey);
  sayso_journey_set_mode (self->journey, mode);
  gtk_widget_activate_action (GTK_WIDGET (self), "win.choose-language", "s",
                              sayso_journey_get_config (self->journey)->default_language);
}

/* What the settings page saved, as it saved it: reading kiosk.ini again
 * could fail after staff had read "Settings saved.". */
static void
staff_settings_changed (SaysoStaffView         *view,
                        const SaysoKioskConfig *saved,
                        SaysoWindow            *self)
{
  if (saved == NULL)
    return;

  sayso_journey_set_config (self->journey, saved);
  if (sayso_journey_get_page (self->journey) == SAYSO_PAGE_WELCOME)
    _sayso_window_update_texts (self);
}

/* The staff layer, over the whole window, built the first time staff hold
 * the corner: the welcome screen never shows it, and building its PIN pad,
 * export and settings pages held up the kiosk's first frame. Hidden when
 * staff close it, and kept for their next time. Until staff save settings
 * here, the journey's are the ones the kiosk started with. */
SaysoStaffView *
_sayso_window_ensure_staff_view (SaysoWindow *self)
{
  if (self->staff_view != NULL)
    return self->staff_view;

  self->staff_view = sayso_staff_view_new ();
  sayso_staff_view_set_store (self->staff_view, self->store);
  sayso_staff_view_set_queue (self->staff_view, self->queue);
  sayso_staff_view_set_outbox (self->staff_view, self->outbox);
  sayso_staff_view_set_may_set_first_pin (self->staff_view, !self->kiosk_mode);
  sayso_staff_view_set_export_folder (self->staff_view, sayso_journey_get_config (self->journey)->export_folder);
  sayso_staff_view_set_settings_file (self->staff_view, self->settings_file);
  gtk_widget_set_visible (GTK_WIDGET (self->staff_view), FALSE);
  gtk_widget_add_css_class (GTK_WIDGET (self->staff_view), "staff-layer");
  gtk_overlay_add_overlay (GTK_OVERLAY (self->overlay), GTK_WIDGET (self->staff_view));
  g_signal_connect (self->staff_view, "closed", G_CALLBACK (staff_closed), self);
  g_signal_connect (self->staff_view, "start-survey", G_CALLBACK (staff_start_survey), self);
  g_signal_connect (self->staff_view, "settings-changed", G_CALLBACK (staff_settings_changed), self);
  return self->staff_view;
}

void
_sayso_window_class_add_lockdown (GtkWindowClass *window_class)
{
  parent_window_class = g_type_class_peek_parent (window_class);
  window_class->close_request = sayso_window_close_request;
  window_class->enable_debugging = sayso_window_enable_debugging;
}

void
_sayso_window_lockdown_init (SaysoWindow *self)
{
  GtkEventController *controller;
  GtkGesture *gesture;

  controller = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  g_signal_connect (controller, "key-pressed", G_CALLBACK (on_key_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  gesture = gtk_gesture_click_new ();
  gtk_gesture_single_set_touch_only (GTK_GESTURE_SINGLE (gesture), FALSE);
  g_signal_connect (gesture, "pressed", G_CALLBACK (logo_pressed), self);
  g_signal_connect (gesture, "released", G_CALLBACK (logo_released), self);
  g_signal_connect (gesture, "stopped", G_CALLBACK (logo_let_go), self);
  g_signal_connect (gesture, "cancel", G_CALLBACK (logo_cancelled), self);
  gtk_widget_add_controller (self->logo_area, GTK_EVENT_CONTROLLER (gesture));
}

/* A kiosk, not a window: fullscreen, undecorated, not to be closed. */
void
_sayso_window_lock_down (SaysoWindow *self)
{
  gtk_window_set_decorated (GTK_WINDOW (self), FALSE);
  gtk_widget_add_css_class (GTK_WIDGET (self), "kiosk");
  gtk_window_set_deletable (GTK_WINDOW (self), FALSE);
  gtk_window_set_interactive_debugging (FALSE);
  gtk_window_fullscreen (GTK_WINDOW (self));
}
