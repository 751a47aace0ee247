/* sayso-pin-pad.h: the staff PIN pad, in front of the PIN gate. */
#pragma once

#include <gtk/gtk.h>

#include "sayso-pin-gate.h"

G_BEGIN_DECLS

typedef enum
{
  SAYSO_PIN_PAD_UNLOCK,   /* the staff PIN, to open staff mode */
  SAYSO_PIN_PAD_NEW,      /* a new staff PIN, typed twice */
} SaysoPinPadMode;

#define SAYSO_TYPE_PIN_PAD (sayso_pin_pad_get_type ())

G_DECLARE_FINAL_TYPE (SaysoPinPad, sayso_pin_pad, SAYSO, PIN_PAD, GtkWidget)

void        sayso_pin_pad_set_store     (SaysoPinPad     *self,
                                         SaysoStore      *store);
void        sayso_pin_pad_set_clock     (SaysoPinPad     *self,
                                         SaysoClockFunc   clock);
void        sayso_pin_pad_ask           (SaysoPinPad     *self,
                                         SaysoPinPadMode  mode);
void        sayso_pin_pad_clear         (SaysoPinPad     *self);
void        sayso_pin_pad_type_digit    (SaysoPinPad     *self,
                                         char             digit);
void        sayso_pin_pad_erase         (SaysoPinPad     *self);
void        sayso_pin_pad_enter         (SaysoPinPad     *self);
gboolean    sayso_pin_pad_get_can_type  (SaysoPinPad     *self);
gboolean    sayso_pin_pad_get_can_erase (SaysoPinPad     *self);
gboolean    sayso_pin_pad_get_can_enter (SaysoPinPad     *self);
const char *sayso_pin_pad_get_message   (SaysoPinPad     *self);

G_END_DECLS
