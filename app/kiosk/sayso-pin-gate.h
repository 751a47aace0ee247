/* sayso-pin-gate.h: the staff PIN and the gate in front of staff mode. */
#pragma once

#include "sayso-store.h"

G_BEGIN_DECLS

/* The shortest new PIN. A store may hold an older PIN of 4 digits, which
 * still opens staff mode. */
#define SAYSO_PIN_MIN_DIGITS 6
#define SAYSO_PIN_MIN_DIGITS_STORED 4
#define SAYSO_PIN_MAX_DIGITS 12
#define SAYSO_PIN_MAX_FAILURES 5
#define SAYSO_PIN_LOCKOUT_SECONDS 300

typedef enum
{
  SAYSO_PIN_ACCEPTED,
  SAYSO_PIN_WRONG,     /* wrong; the next try must wait */
  SAYSO_PIN_WAIT,      /* too soon after a wrong one: not even checked */
  SAYSO_PIN_LOCKED,    /* five wrong in a row: staff mode is locked for a while */
  SAYSO_PIN_NOT_SET,
} SaysoPinResult;

gboolean        sayso_pin_is_well_formed     (const char   *pin,
                                              GError      **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean        sayso_store_set_pin          (SaysoStore   *store,
                                              const char   *pin,
                                              GError      **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean        sayso_store_has_pin          (SaysoStore   *store);

#define SAYSO_TYPE_PIN_GATE (sayso_pin_gate_get_type ())

G_DECLARE_FINAL_TYPE (SaysoPinGate, sayso_pin_gate, SAYSO, PIN_GATE, GObject)

typedef gint64 (*SaysoClockFunc) (void);

SaysoPinGate *sayso_pin_gate_new         (SaysoStore     *store);
void            sayso_pin_gate_set_clock   (SaysoPinGate *self,
                                              SaysoClockFunc  clock);
SaysoPinResult  sayso_pin_gate_try         (SaysoPinGate *self,
                                              const char     *pin,
                                              GError        **error);
gint64          sayso_pin_gate_get_wait    (SaysoPinGate *self);
guint           sayso_pin_gate_get_failures (SaysoPinGate *self);
gboolean        sayso_pin_gate_is_locked   (SaysoPinGate *self);

G_END_DECLS
