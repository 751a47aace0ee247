/* sayso-pin-gate.c: the staff PIN and the gate in front of staff mode.
 *
 * The PIN is stored only as an Argon2id hash (crypto_pwhash_str). Wrong PINs
 * earn a growing wait (1, 2, 4, 8 s) and five in a row lock staff mode for five
 * minutes. The count of wrong PINs in a row is kept in the store, because the
 * unit restarts a killed kiosk in two seconds and a count in memory would give
 * five more tries each time; it is written to the disk before the PIN is
 * checked, so that killing the kiosk during the check cannot undo the try.
 * The wait itself is a time and stays in memory: the store keeps no time finer
 * than a day. A kiosk that starts with a count of wrong PINs waits, from its
 * start, as if the last one had just been typed, so one that starts with five
 * or more starts locked for the whole five minutes.
 */
#define G_LOG_DOMAIN "sayso-pin-gate"

#include <sodium.h>
#include <string.h>

#include "sayso-pin-gate.h"
#include "sayso-store-private.h"

struct _SaysoPinGate
{
  GObject         parent_instance;

  SaysoStore     *store;
  SaysoClockFunc  clock;
  guint           failures;     /* as in the store */
  gint64          not_before;   /* µs on the gate's clock */
  gboolean        tried;        /* since the start; before, not_before is the store's count's wait */
};

G_DEFINE_FINAL_TYPE (SaysoPinGate, sayso_pin_gate, G_TYPE_OBJECT)

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

/* PINs set before new PINs needed six digits still open staff mode: only
 * new PINs are held to the rule. */
static gboolean
pin_may_be_typed (const char *pin)
{
  gsize len = strlen (pin);

  return len >= SAYSO_PIN_MIN_DIGITS_STORED && len <= SAYSO_PIN_MAX_DIGITS &&
         strspn (pin, "0123456789") == len;
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
sayso_pin_gate_dispose (GObject *object)
{
  SaysoPinGate *self = (SaysoPinGate *)object;

  g_clear_object (&self->store);

  G_OBJECT_CLASS (sayso_pin_gate_parent_class)->dispose (object);
}

static void
sayso_pin_gate_class_init (SaysoPinGateClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = sayso_pin_gate_dispose;
}

static void
sayso_pin_gate_init (SaysoPinGate *self)
{
  self->clock = g_get_monotonic_time;
}

static gint64
wait_after (guint failures)
{
  if (failures >= SAYSO_PIN_MAX_FAILURES)
    return (gint64) SAYSO_PIN_LOCKOUT_SECONDS * G_USEC_PER_SEC;
  if (failures == 0)
    return 0;
  return ((gint64) 1 << (failures - 1)) * G_USEC_PER_SEC;
}

/* The wait the store's count leaves, from now on the gate's clock. */
static void
start_wait_from_store (SaysoPinGate *self)
{
  self->not_before = self->failures > 0 ? self->clock () + wait_after (self->failures) : 0;
}

SaysoPinGate *
sayso_pin_gate_new (SaysoStore *store)
{
  g_autoptr(GError) error = NULL;
  SaysoPinGate *self;

  g_return_val_if_fail (SAYSO_IS_STORE (store), NULL);

  self = g_object_new (SAYSO_TYPE_PIN_GATE, NULL);
  self->store = g_object_ref (store);

  /* A count that cannot be read is taken as a lock, never as no tries. */
  if (!sayso_db_get_pin_failures (_sayso_store_get_db (store), &self->failures, &error))
    {
      g_warning ("Staff mode starts locked: %s", error->message);
      self->failures = SAYSO_PIN_MAX_FAILURES;
    }
  if (self->failures >= SAYSO_PIN_MAX_FAILURES)
    g_message ("%u wrong staff PINs in a row before this start: staff mode starts locked for %d minutes",
               self->failures, SAYSO_PIN_LOCKOUT_SECONDS / 60);
  start_wait_from_store (self);
  return self;
}

void
sayso_pin_gate_set_clock (SaysoPinGate *self,
                            SaysoClockFunc  clock)
{
  SaysoClockFunc old;

  g_return_if_fail (SAYSO_IS_PIN_GATE (self));

  old = self->clock;
  self->clock = clock ? clock : g_get_monotonic_time;
  /* Before any try the store's wait starts again on the new clock (as the
   * gate is made, then given its clock); after one, a running wait keeps
   * what is left of it. */
  if (!self->tried)
    start_wait_from_store (self);
  else if (self->not_before != 0)
    self->not_before = self->not_before - old () + self->clock ();
}

gint64
sayso_pin_gate_get_wait (SaysoPinGate *self)
{
  g_return_val_if_fail (SAYSO_IS_PIN_GATE (self), 0);
  return MAX (0, self->not_before - self->clock ());
}

guint
sayso_pin_gate_get_failures (SaysoPinGate *self)
{
  g_return_val_if_fail (SAYSO_IS_PIN_GATE (self), 0);
  return self->failures;
}

gboolean
sayso_pin_gate_is_locked (SaysoPinGate *self)
{
  g_return_val_if_fail (SAYSO_IS_PIN_GATE (self), FALSE);
  return self->failures >= SAYSO_PIN_MAX_FAILURES && sayso_pin_gate_get_wait (self) > 0;
}

SaysoPinResult
sayso_pin_gate_try (SaysoPinGate  *self,
                      const char      *pin,
                      GError         **error)
{
  g_autofree char *hash = NULL;
  SaysoDb *db;
  guint failures;
  gint64 now;

  g_return_val_if_fail (SAYSO_IS_PIN_GATE (self), SAYSO_PIN_WRONG);
  g_return_val_if_fail (pin != NULL, SAYSO_PIN_WRONG);

  db = _sayso_store_get_db (self->store);

  self->tried = TRUE;
  now = self->clock ();
  if (now < self->not_before)
    return self->failures >= SAYSO_PIN_MAX_FAILURES ? SAYSO_PIN_LOCKED : SAYSO_PIN_WAIT;

  if (!sayso_db_get_pin_hash (db, &hash, error))
    return SAYSO_PIN_WRONG;
  if (hash == NULL)
    return SAYSO_PIN_NOT_SET;

  /* The lock has run out: five more tries, counted from this one. */
  failures = (self->failures >= SAYSO_PIN_MAX_FAILURES ? 0 : self->failures) + 1;

  /* On the disk before the check: a kiosk killed during the slow hash still
   * counts this try when it starts again. A try that cannot be counted is
   * not checked, but for a full disk, which wrote nothing and is when staff
   * need staff mode most (to see the answers waiting in memory and try them
   * again): then the try is counted in memory, which still locks after
   * five, and only a restart while the disk is full forgets it. */
  {
    g_autoptr(GError) count_error = NULL;

    if (!sayso_db_set_pin_failures (db, failures, &count_error) &&
        !g_error_matches (count_error, SAYSO_DB_ERROR, SAYSO_DB_ERROR_FULL))
      {
        g_propagate_error (error, g_steal_pointer (&count_error));
        return SAYSO_PIN_WRONG;
      }
  }
  self->failures = failures;

  if (pin_may_be_typed (pin) && crypto_pwhash_str_verify (hash, pin, strlen (pin)) == 0)
    {
      g_autoptr(GError) reset_error = NULL;

      /* The right PIN opens staff mode even if the count cannot be put back:
       * then the next start is only stricter than it should be. */
      if (!sayso_db_set_pin_failures (db, 0, &reset_error))
        g_message ("The count of wrong staff PINs could not be reset: %s", reset_error->message);
      self->failures = 0;
      self->not_before = 0;
      return SAYSO_PIN_ACCEPTED;
    }

  self->not_before = now + wait_after (self->failures);
  if (self->failures >= SAYSO_PIN_MAX_FAILURES)
    {
      g_message ("Five wrong staff PINs in a row: staff mode is locked for %d minutes",
                 SAYSO_PIN_LOCKOUT_SECONDS / 60);
      return SAYSO_PIN_LOCKED;
    }
  return SAYSO_PIN_WRONG;
}
