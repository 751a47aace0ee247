/* sayso-window-lockdown.c: a kiosk a respondent cannot leave, and the
 * staff's way in.
 *
 * In kiosk mode the window cannot be closed, has no decorations and ignores
 * the shortcuts that would leave it or open the inspector. Staff get in with
 * a three-second press on the top-left corner (win.staff), which lays staff
 * mode (SaysoStaffView, behind its PIN) over the whole window.
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
