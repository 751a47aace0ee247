/* sayso-pin-pad.c: the staff PIN pad.
 *
 * The digits typed so far, shown as dots, and what the PIN gate says of
 * them: wrong, wait, locked. The same pad chooses a new PIN, typed twice.
 * The digits live in locked memory and are wiped as soon as they are tried.
 *
 * The keys' actions (staff.digit, staff.erase, staff.enter) belong to the
 * staff view, which enables them from the pad's can-type, can-erase and
 * can-enter and from the page it shows: a keyboard types through the same
 * actions as the keys.
 */
#define G_LOG_DOMAIN "sayso-pin-pad"

#include <glib/gi18n.h>
#include <sodium.h>
#include <string.h>

#include "sayso-pin-pad.h"
#include "sayso-staff-private.h"

typedef enum
{
  STEP_UNLOCK,
  STEP_NEW,
  STEP_NEW_AGAIN,
} Step;

struct _SaysoPinPad
{
  GtkWidget       parent_instance;

  /* Template widgets */
  GtkWidget      *box;
  GtkLabel       *title;
  GtkLabel       *dots;
  GtkLabel       *message;

  /* Owned references */
  SaysoStore     *store;
  SaysoPinGate   *gate;
  char           *pin;        /* locked memory */
  char           *new_pin;    /* locked memory */

  SaysoClockFunc  clock;
  Step            step;
  guint           wait_source;

  guint           can_type : 1;
  guint           can_erase : 1;
  guint           can_enter : 1;
};

G_DEFINE_FINAL_TYPE (SaysoPinPad, sayso_pin_pad, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_CAN_TYPE,
  PROP_CAN_ERASE,
  PROP_CAN_ENTER,
  N_PROPS
};

enum {
  SIGNAL_UNLOCKED,
  SIGNAL_NEW_PIN_SET,
  SIGNAL_NOT_SET,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

#define PIN_BUFFER (SAYSO_PIN_MAX_DIGITS + 1)

static void
clear_pin (char *pin)
{
  sodium_memzero (pin, PIN_BUFFER);
}

static void
update_properties (SaysoPinPad *self)
{
  gsize len = strlen (self->pin);
  /* A PIN set before new ones needed six digits still opens staff mode. */
  gsize shortest = self->step == STEP_UNLOCK ? SAYSO_PIN_MIN_DIGITS_STORED : SAYSO_PIN_MIN_DIGITS;
  gboolean can_type = len < SAYSO_PIN_MAX_DIGITS;
  gboolean can_erase = len > 0;
  gboolean can_enter = len >= shortest;

  if (can_type != self->can_type)
    {
      self->can_type = can_type;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_TYPE]);
    }
  if (can_erase != self->can_erase)
    {
      self->can_erase = can_erase;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_ERASE]);
    }
  if (can_enter != self->can_enter)
    {
      self->can_enter = can_enter;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_ENTER]);
    }
}

static void
show_pin_dots (SaysoPinPad *self)
{
  g_autoptr(GString) dots = g_string_new (NULL);

  for (gsize i = 0; i < strlen (self->pin); i++)
    g_string_append (dots, "● ");
  gtk_label_set_label (self->dots, dots->len ? dots->str : " ");
  update_properties (self);
}

static void
set_step (SaysoPinPad *self,
          Step         step)
{
  static const char * const titles[] = {
    N_("Staff PIN"),
    N_("Choose a new staff PIN (6 to 12 digits)"),
    N_("Type the new PIN again"),
  };

  self->step = step;
  clear_pin (self->pin);
  show_pin_dots (self);
  gtk_label_set_label (self->title, _(titles[step]));
}

static gboolean
wait_over_cb (gpointer data)
{
  SaysoPinPad *self = data;

  self->wait_source = 0;
  _sayso_staff_show_message (self->message, NULL);
  return G_SOURCE_REMOVE;
}

static void
start_wait (SaysoPinPad *self)
{
  gint64 wait = sayso_pin_gate_get_wait (self->gate);

  g_clear_handle_id (&self->wait_source, g_source_remove);
  if (wait > 0)
    self->wait_source = g_timeout_add ((guint) (wait / 1000) + 1, wait_over_cb, self);
}

static int
seconds_to_wait (SaysoPinPad *self)
{
  return (int) ((sayso_pin_gate_get_wait (self->gate) + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC);
}

static void
enter_unlock (SaysoPinPad *self)
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
      _sayso_staff_show_message (self->message, NULL);
      g_signal_emit (self, signals[SIGNAL_UNLOCKED], 0);
      return;
    case SAYSO_PIN_NOT_SET:
      g_signal_emit (self, signals[SIGNAL_NOT_SET], 0);
      return;
    case SAYSO_PIN_LOCKED:
      message = g_strdup_printf (_("Five wrong PINs. Staff mode is locked for %d minutes."), SAYSO_PIN_LOCKOUT_SECONDS / 60);
      break;
    case SAYSO_PIN_WAIT:
      seconds = seconds_to_wait (self);
      message = g_strdup_printf (ngettext ("Please wait %d more second before trying again.",
                                           "Please wait %d more seconds before trying again.", seconds), seconds);
      break;
    case SAYSO_PIN_WRONG:
    default:
      seconds = seconds_to_wait (self);
      message = error ? g_strdup (error->message)
                      : g_strdup_printf (ngettext ("That PIN is not right. Wait %d second and try again.",
                                                   "That PIN is not right. Wait %d seconds and try again.", seconds),
                                         seconds);
      break;
    }

  _sayso_staff_show_message (self->message, message);
  start_wait (self);
}

static void
enter_new (SaysoPinPad *self)
{
  g_autoptr(GError) error = NULL;

  if (self->step == STEP_NEW)
    {
      if (!sayso_pin_is_well_formed (self->pin, &error))
        {
          _sayso_staff_show_message (self->message, error->message);
          clear_pin (self->pin);
          show_pin_dots (self);
          return;
        }
      memcpy (self->new_pin, self->pin, PIN_BUFFER);
      _sayso_staff_show_message (self->message, NULL);
      set_step (self, STEP_NEW_AGAIN);
      return;
    }

  if (strcmp (self->pin, self->new_pin) != 0)
    {
      clear_pin (self->new_pin);
      set_step (self, STEP_NEW);
      _sayso_staff_show_message (self->message, _("The two PINs were not the same. Please start again."));
      return;
    }

  if (!sayso_store_set_pin (self->store, self->new_pin, &error))
    {
      _sayso_staff_show_message (self->message, error->message);
      clear_pin (self->new_pin);
      set_step (self, STEP_NEW);
      return;
    }

  clear_pin (self->new_pin);
  clear_pin (self->pin);
  show_pin_dots (self);
  self->step = STEP_UNLOCK;
  update_properties (self);
  g_signal_emit (self, signals[SIGNAL_NEW_PIN_SET], 0);
}

static void
sayso_pin_pad_dispose (GObject *object)
{
  SaysoPinPad *self = (SaysoPinPad *)object;

  g_clear_handle_id (&self->wait_source, g_source_remove);
  g_clear_object (&self->gate);
  g_clear_object (&self->store);
  g_clear_pointer (&self->pin, sodium_free);
  g_clear_pointer (&self->new_pin, sodium_free);
  gtk_widget_dispose_template (GTK_WIDGET (self), SAYSO_TYPE_PIN_PAD);

  G_OBJECT_CLASS (sayso_pin_pad_parent_class)->dispose (object);
}

static void
sayso_pin_pad_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  SaysoPinPad *self = SAYSO_PIN_PAD (object);

  switch (prop_id)
    {
    case PROP_CAN_TYPE:
      g_value_set_boolean (value, self->can_type);
      break;
    case PROP_CAN_ERASE:
      g_value_set_boolean (value, self->can_erase);
      break;
    case PROP_CAN_ENTER:
      g_value_set_boolean (value, self->can_enter);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sayso_pin_pad_class_init (SaysoPinPadClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sayso_pin_pad_dispose;
  object_class->get_property = sayso_pin_pad_get_property;

  properties[PROP_CAN_TYPE] =
    g_param_spec_boolean ("can-type", NULL, NULL, TRUE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_CAN_ERASE] =
    g_param_spec_boolean ("can-erase", NULL, NULL, FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_CAN_ENTER] =
    g_param_spec_boolean ("can-enter", NULL, NULL, FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* The staff PIN was right. */
  signals[SIGNAL_UNLOCKED] = g_signal_new ("unlocked", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                           0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /* A new PIN, typed twice the same, is in the store. */
  signals[SIGNAL_NEW_PIN_SET] = g_signal_new ("new-pin-set", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                              0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /* The store has no PIN to try. */
  signals[SIGNAL_NOT_SET] = g_signal_new ("not-set", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/sayso/Kiosk/sayso-pin-pad.ui");
  gtk_widget_class_bind_template_child (widget_class, SaysoPinPad, box);
  gtk_widget_class_bind_template_child (widget_class, SaysoPinPad, title);
  gtk_widget_class_bind_template_child (widget_class, SaysoPinPad, dots);
  gtk_widget_class_bind_template_child (widget_class, SaysoPinPad, message);

  gtk_widget_class_set_css_name (widget_class, "pinpad");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
sayso_pin_pad_init (SaysoPinPad *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->pin = sodium_malloc (PIN_BUFFER);
  self->new_pin = sodium_malloc (PIN_BUFFER);
  g_assert (self->pin != NULL && self->new_pin != NULL);
  clear_pin (self->pin);
  clear_pin (self->new_pin);
  self->clock = g_get_monotonic_time;
  self->can_type = TRUE;

  _sayso_staff_show_message (self->message, NULL);
}

void
sayso_pin_pad_set_store (SaysoPinPad *self,
                         SaysoStore  *store)
{
  g_return_if_fail (SAYSO_IS_PIN_PAD (self));
  g_return_if_fail (SAYSO_IS_STORE (store));

  g_set_object (&self->store, store);
  g_clear_object (&self->gate);
  self->gate = sayso_pin_gate_new (store);
  sayso_pin_gate_set_clock (self->gate, self->clock);
}

void
sayso_pin_pad_set_clock (SaysoPinPad    *self,
                         SaysoClockFunc  clock)
{
  g_return_if_fail (SAYSO_IS_PIN_PAD (self));

  self->clock = clock ? clock : g_get_monotonic_time;
  if (self->gate)
    sayso_pin_gate_set_clock (self->gate, self->clock);
}

/* Asks for the staff PIN, saying first if the gate is locked or waiting
 * after wrong ones; or for a new PIN. */
void
sayso_pin_pad_ask (SaysoPinPad     *self,
                   SaysoPinPadMode  mode)
{
  g_return_if_fail (SAYSO_IS_PIN_PAD (self));
  g_return_if_fail (mode == SAYSO_PIN_PAD_UNLOCK || mode == SAYSO_PIN_PAD_NEW);
  g_return_if_fail (self->gate != NULL);

  _sayso_staff_show_message (self->message, NULL);
  if (mode == SAYSO_PIN_PAD_NEW)
    {
      set_step (self, STEP_NEW);
      return;
    }

  set_step (self, STEP_UNLOCK);
  if (sayso_pin_gate_is_locked (self->gate))
    {
      g_autofree char *message = g_strdup_printf (_("Five wrong PINs. Staff mode is locked for %d minutes."),
                                                  SAYSO_PIN_LOCKOUT_SECONDS / 60);
      _sayso_staff_show_message (self->message, message);
      start_wait (self);
    }
  else if (sayso_pin_gate_get_wait (self->gate) > 0)
    {
      _sayso_staff_show_message (self->message, _("Staff mode is locked for a while after wrong PINs."));
      start_wait (self);
    }
}

/* Forgets every digit typed, a new PIN's first typing too. */
void
sayso_pin_pad_clear (SaysoPinPad *self)
{
  g_return_if_fail (SAYSO_IS_PIN_PAD (self));

  clear_pin (self->pin);
  clear_pin (self->new_pin);
  self->step = STEP_UNLOCK;
  show_pin_dots (self);
}

void
sayso_pin_pad_type_digit (SaysoPinPad *self,
                          char         digit)
{
  gsize len;

  g_return_if_fail (SAYSO_IS_PIN_PAD (self));

  len = strlen (self->pin);
  if (len < SAYSO_PIN_MAX_DIGITS && g_ascii_isdigit (digit))
    {
      self->pin[len] = digit;
      self->pin[len + 1] = '\0';
    }
  show_pin_dots (self);
}

void
sayso_pin_pad_erase (SaysoPinPad *self)
{
  gsize len;

  g_return_if_fail (SAYSO_IS_PIN_PAD (self));

  len = strlen (self->pin);
  if (len > 0)
    self->pin[len - 1] = '\0';
  show_pin_dots (self);
}

void
sayso_pin_pad_enter (SaysoPinPad *self)
{
  g_return_if_fail (SAYSO_IS_PIN_PAD (self));
  g_return_if_fail (self->gate != NULL);

  if (self->step == STEP_UNLOCK)
    enter_unlock (self);
  else
    enter_new (self);
}

gboolean
sayso_pin_pad_get_can_type (SaysoPinPad *self)
{
  g_return_val_if_fail (SAYSO_IS_PIN_PAD (self), FALSE);
  return self->can_type;
}

gboolean
sayso_pin_pad_get_can_erase (SaysoPinPad *self)
{
  g_return_val_if_fail (SAYSO_IS_PIN_PAD (self), FALSE);
  return self->can_erase;
}

gboolean
sayso_pin_pad_get_can_enter (SaysoPinPad *self)
{
  g_return_val_if_fail (SAYSO_IS_PIN_PAD (self), FALSE);
  return self->can_enter;
}

const char *
sayso_pin_pad_get_message (SaysoPinPad *self)
{
  g_return_val_if_fail (SAYSO_IS_PIN_PAD (self), NULL);
  return gtk_label_get_label (self->message);
}
