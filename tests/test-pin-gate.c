/* test-pin-gate: the staff PIN. Kept only as Argon2id, six to twelve digits
 * for a new one (an older four-digit one still opens), wrong ones wait
 * longer, five lock staff mode for five minutes, and the count of wrong
 * tries is in the store, so that a restart does not reset it. */
#define G_LOG_DOMAIN "test-pin-gate"

#include <sqlite3.h>
#include <sodium.h>
#include <string.h>

#include "sayso-pin-gate.h"
#include "sayso-process.h"
#include "sayso-store-private.h"
#include "sayso-test-utils.h"

typedef struct
{
  TestStore base;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  test_store_setup (&f->base, data);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  test_store_teardown (&f->base, data);
}

/* The PIN: kept only as Argon2id, wrong ones wait longer, five lock for five minutes. */
static gint64 fake_now;

static gint64
fake_clock (void)
{
  return fake_now;
}

static void
test_staff_pin (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(SaysoPinGate) gate = sayso_pin_gate_new (f->base.store);
  g_autoptr(GError) error = NULL;
  g_autofree char *hash = NULL;
  static const gint64 waits[] = { 1, 2, 4, 8 };

  fake_now = 1000 * G_USEC_PER_SEC;
  sayso_pin_gate_set_clock (gate, fake_clock);

  g_assert_false (sayso_store_has_pin (f->base.store));
  g_assert_cmpint (sayso_pin_gate_try (gate, "1234", &error), ==, SAYSO_PIN_NOT_SET);

  g_assert_false (sayso_store_set_pin (f->base.store, "12", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (sayso_store_set_pin (f->base.store, "12ab", &error));
  g_clear_error (&error);
  g_assert_true (sayso_store_set_pin (f->base.store, "482916", &error));
  g_assert_no_error (error);

  g_assert_true (sayso_db_get_pin_hash (_sayso_store_get_db (f->base.store), &hash, &error));
  g_assert_true (g_str_has_prefix (hash, "$argon2id$"));
  g_assert_null (strstr (hash, "482916"));

  g_assert_cmpint (sayso_pin_gate_try (gate, "482916", &error), ==, SAYSO_PIN_ACCEPTED);

  for (guint i = 0; i < G_N_ELEMENTS (waits); i++)
    {
      g_assert_cmpint (sayso_pin_gate_try (gate, "000000", &error), ==, SAYSO_PIN_WRONG);
      g_assert_cmpint (sayso_pin_gate_get_wait (gate), ==, waits[i] * G_USEC_PER_SEC);
      /* Too soon: refused without even checking, the right PIN included. */
      g_assert_cmpint (sayso_pin_gate_try (gate, "482916", &error), ==, SAYSO_PIN_WAIT);
      fake_now += waits[i] * G_USEC_PER_SEC;
    }

  g_assert_cmpint (sayso_pin_gate_try (gate, "000000", &error), ==, SAYSO_PIN_LOCKED);
  g_assert_cmpint (sayso_pin_gate_get_wait (gate), ==, 300 * G_USEC_PER_SEC);
  fake_now += 299 * G_USEC_PER_SEC;
  g_assert_cmpint (sayso_pin_gate_try (gate, "482916", &error), ==, SAYSO_PIN_LOCKED);
  fake_now += 1 * G_USEC_PER_SEC;
  g_assert_cmpint (sayso_pin_gate_try (gate, "482916", &error), ==, SAYSO_PIN_ACCEPTED);
  g_assert_cmpuint (sayso_pin_gate_get_failures (gate), ==, 0);
  g_assert_no_error (error);
}

static guint
stored_failures (const char *path)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  guint n;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT pin_failures FROM kiosk", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  n = (guint) sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return n;
}

/* Wrong tries, then a restart: the store, not the process, carries the count. */
static void
restart_after_wrong (Fixture *f,
                     guint    wrong)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (sayso_store_set_pin (f->base.store, "482916", &error));
  {
    g_autoptr(SaysoPinGate) gate = sayso_pin_gate_new (f->base.store);

    sayso_pin_gate_set_clock (gate, fake_clock);
    for (guint i = 0; i < wrong; i++)
      {
        g_assert_cmpint (sayso_pin_gate_try (gate, "000000", &error), !=, SAYSO_PIN_ACCEPTED);
        g_assert_no_error (error);
        /* Counted on the disk, by another reader, as each try is made. */
        g_assert_cmpuint (stored_failures (f->base.path), ==, i + 1);
        fake_now += 8 * G_USEC_PER_SEC;
      }
  }
  g_clear_object (&f->base.store);
  f->base.store = sayso_store_open (f->base.path, &error);
  g_assert_no_error (error);
}

static void
test_staff_pin_locked_across_restart (Fixture       *f,
                                      gconstpointer  data)
{
  g_autoptr(SaysoPinGate) gate = NULL;
  g_autoptr(GError) error = NULL;

  fake_now = 1000 * G_USEC_PER_SEC;
  restart_after_wrong (f, SAYSO_PIN_MAX_FAILURES);

  gate = sayso_pin_gate_new (f->base.store);
  sayso_pin_gate_set_clock (gate, fake_clock);
  g_assert_cmpuint (sayso_pin_gate_get_failures (gate), ==, SAYSO_PIN_MAX_FAILURES);
  g_assert_true (sayso_pin_gate_is_locked (gate));
  g_assert_cmpint (sayso_pin_gate_get_wait (gate), ==, (gint64) SAYSO_PIN_LOCKOUT_SECONDS * G_USEC_PER_SEC);
  g_assert_cmpint (sayso_pin_gate_try (gate, "482916", &error), ==, SAYSO_PIN_LOCKED);
  fake_now += (gint64) SAYSO_PIN_LOCKOUT_SECONDS * G_USEC_PER_SEC;
  g_assert_cmpint (sayso_pin_gate_try (gate, "482916", &error), ==, SAYSO_PIN_ACCEPTED);
  g_assert_no_error (error);
  g_assert_cmpuint (stored_failures (f->base.path), ==, 0);
}

/* The negative control: four wrong tries and a restart leave one try, after the wait. */
static void
test_staff_pin_four_wrong_not_locked (Fixture       *f,
                                      gconstpointer  data)
{
  g_autoptr(SaysoPinGate) gate = NULL;
  g_autoptr(GError) error = NULL;

  fake_now = 1000 * G_USEC_PER_SEC;
  restart_after_wrong (f, SAYSO_PIN_MAX_FAILURES - 1);

  gate = sayso_pin_gate_new (f->base.store);
  sayso_pin_gate_set_clock (gate, fake_clock);
  g_assert_false (sayso_pin_gate_is_locked (gate));
  g_assert_cmpint (sayso_pin_gate_get_wait (gate), ==, 8 * G_USEC_PER_SEC);
  fake_now += 8 * G_USEC_PER_SEC;
  /* The fifth, after the restart, is the one that locks. */
  g_assert_cmpint (sayso_pin_gate_try (gate, "000000", &error), ==, SAYSO_PIN_LOCKED);
  g_assert_cmpuint (stored_failures (f->base.path), ==, SAYSO_PIN_MAX_FAILURES);
}

/* New PINs have six digits; a 4-digit PIN set before still opens staff mode. */
static void
test_staff_pin_old_short_pin (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(SaysoPinGate) gate = sayso_pin_gate_new (f->base.store);
  g_autoptr(GError) error = NULL;
  char hash[crypto_pwhash_STRBYTES];

  g_assert_false (sayso_store_set_pin (f->base.store, "48291", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "6 to 12 digits"));
  g_clear_error (&error);
  g_assert_false (sayso_store_has_pin (f->base.store));

  g_assert_cmpint (crypto_pwhash_str (hash, "4829", 4, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                                      crypto_pwhash_MEMLIMIT_INTERACTIVE), ==, 0);
  g_assert_true (sayso_db_set_pin_hash (_sayso_store_get_db (f->base.store), hash, &error));
  g_assert_cmpint (sayso_pin_gate_try (gate, "4829", &error), ==, SAYSO_PIN_ACCEPTED);
  g_assert_no_error (error);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  sayso_init ();

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/pin-gate/pin", test_staff_pin);
  ADD ("/pin-gate/locked-across-restart", test_staff_pin_locked_across_restart);
  ADD ("/pin-gate/four-wrong-not-locked", test_staff_pin_four_wrong_not_locked);
  ADD ("/pin-gate/old-short-pin", test_staff_pin_old_short_pin);
#undef ADD

  return g_test_run ();
}
