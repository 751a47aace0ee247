/* sayso-staff.c: the staff PIN.
 *
 * The PIN is stored only as an Argon2id hash (crypto_pwhash_str). Wrong PINs
 * earn a growing wait (1, 2, 4, 8 s) and five in a row lock staff mode for five
 * minutes. The count and the wait live in memory: storing them would put the
 * time of staff activity on disk, and the store keeps no time finer than a day.
 */
#define G_LOG_DOMAIN "sayso-staff"

#include <sodium.h>
#include <string.h>

#include "sayso-staff.h"
#include "sayso-store-private.h"

struct _SaysoStaffGate
{
  GObject         parent_instance;

  SaysoStore     *store;
  SaysoClockFunc  clock;
  guint           failures;
  gint64          not_before;   /* µs on the gate's clock */
};

G_DEFINE_FINAL_TYPE (SaysoStaffGate, sayso_staff_gate, G_TYPE_OBJECT)

gboolean
sayso_pin_is_well_formed (const char  *pin,
                          GError     **error)
{
  gsize len = pin ? strlen (pin) : 0;

  if (len < SAYSO_PIN_MIN_DIGITS || len > SAYSO_PIN_MAX_DIGITS || strspn (pin, "0123456789") != len)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "a staff PIN is %d to %d digits", SAYSO_PIN_MIN_DIGITS, SAYSO_PIN_MAX_DIGITS);
      return FALSE;
    }
  return TRUE;
}

gboolean
sayso_store_set_pin (SaysoStore  *store,
                     const char  *pin,
                     GError     **error)
{
  char hash[crypto_pwhash_STRBYTES];

  g_return_val_if_fail (SAYSO_IS_STORE (store), FALSE);

  if (!sayso_pin_is_well_formed (pin, error))
    return FALSE;

  if (crypto_pwhash_str (hash, pin, strlen (pin),
                         crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "not enough memory to hash the PIN");
      return FALSE;
    }

  return sayso_db_set_pin_hash (_sayso_store_get_db (store), hash, error);
}

gboolean
sayso_store_has_pin (SaysoStore *store)
{
  g_autofree char *hash = NULL;

  g_return_val_if_fail (SAYSO_IS_STORE (store), FALSE);
  return sayso_db_get_pin_hash (_sayso_store_get_db (store), &hash, NULL) && hash != NULL;
}

static void
sayso_staff_gate_dispose (GObject *object)
{
  SaysoStaffGate *self = (SaysoStaffGate *)object;

  g_clear_object (&self->store);

  G_OBJECT_CLASS (sayso_staff_gate_parent_class)->dispose (object);
}

static void
sayso_staff_gate_class_init (SaysoStaffGateClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = sayso_staff_gate_dispose;
}

static void
sayso_staff_gate_init (SaysoStaffGate *self)
{
  self->clock = g_get_monotonic_time;
}

SaysoStaffGate *
sayso_staff_gate_new (SaysoStore *store)
{
  SaysoStaffGate *self;

  g_return_val_if_fail (SAYSO_IS_STORE (store), NULL);

  self = g_object_new (SAYSO_TYPE_STAFF_GATE, NULL);
  self->store = g_object_ref (store);
  return self;
}

void
sayso_staff_gate_set_clock (SaysoStaffGate *self,
                            SaysoClockFunc  clock)
{
  g_return_if_fail (SAYSO_IS_STAFF_GATE (self));
  self->clock = clock ? clock : g_get_monotonic_time;
}

gint64
sayso_staff_gate_get_wait (SaysoStaffGate *self)
{
  g_return_val_if_fail (SAYSO_IS_STAFF_GATE (self), 0);
  return MAX (0, self->not_before - self->clock ());
}

guint
sayso_staff_gate_get_failures (SaysoStaffGate *self)
{
  g_return_val_if_fail (SAYSO_IS_STAFF_GATE (self), 0);
  return self->failures;
}

SaysoPinResult
sayso_staff_gate_try (SaysoStaffGate  *self,
                      const char      *pin,
                      GError         **error)
{
  g_autofree char *hash = NULL;
  gint64 now;

  g_return_val_if_fail (SAYSO_IS_STAFF_GATE (self), SAYSO_PIN_WRONG);
  g_return_val_if_fail (pin != NULL, SAYSO_PIN_WRONG);

  now = self->clock ();
  if (now < self->not_before)
    return self->failures >= SAYSO_PIN_MAX_FAILURES ? SAYSO_PIN_LOCKED : SAYSO_PIN_WAIT;

  /* The lock has run out: five more tries. */
  if (self->failures >= SAYSO_PIN_MAX_FAILURES)
    self->failures = 0;

  if (!sayso_db_get_pin_hash (_sayso_store_get_db (self->store), &hash, error))
    return SAYSO_PIN_WRONG;
  if (hash == NULL)
    return SAYSO_PIN_NOT_SET;

  if (crypto_pwhash_str_verify (hash, pin, strlen (pin)) == 0)
    {
      self->failures = 0;
      self->not_before = 0;
      return SAYSO_PIN_ACCEPTED;
    }

  self->failures++;
  if (self->failures >= SAYSO_PIN_MAX_FAILURES)
    {
      g_message ("Five wrong staff PINs in a row: staff mode is locked for %d minutes",
                 SAYSO_PIN_LOCKOUT_SECONDS / 60);
      self->not_before = now + (gint64) SAYSO_PIN_LOCKOUT_SECONDS * G_USEC_PER_SEC;
      return SAYSO_PIN_LOCKED;
    }

  self->not_before = now + ((gint64) 1 << (self->failures - 1)) * G_USEC_PER_SEC;
  return SAYSO_PIN_WRONG;
}
