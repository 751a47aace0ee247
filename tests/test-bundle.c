/* test-bundle: a bundle's checks. Its signature over the manifest, every
 * record's hash, truncation, a record from another bundle, sizes that wrap,
 * and the manifest as json-glib writes it; bundles made by a real store's
 * export, and by the writer alone. */
#define G_LOG_DOMAIN "test-bundle"

#include <glib/gstdio.h>
#include <sodium.h>
#include <string.h>

#include "sayso-bundle.h"
#include "sayso-export.h"
#include "sayso-process.h"
#include "sayso-test-utils.h"

static SaysoQuestionnaire *survey;

typedef struct
{
  TestStore base;
  char     *stick;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  test_store_setup (&f->base, data);
  f->stick = g_build_filename (f->base.dir, "stick", NULL);
  g_assert_cmpint (g_mkdir (f->stick, 0700), ==, 0);
  g_unsetenv ("SAYSO_TODAY");
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_unsetenv ("SAYSO_TODAY");
  g_free (f->stick);
  test_store_teardown (&f->base, data);
}

static void
submit_n (SaysoStore *store,
          guint       n,
          const char *prefix)
{
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SaysoResponse) r = sayso_response_new (survey, "en");
      g_autoptr(GError) error = NULL;
      g_autofree char *text = g_strdup_printf ("%s-%u", prefix, i);

      g_assert_true (sayso_response_set_text (r, "solutions", text, &error));
      g_assert_true (sayso_store_submit (store, r, SAYSO_MODE_SELF, &error));
      g_assert_no_error (error);
    }
}

/* Tampering, byte by byte. */
/* Tampering, byte by byte. */

static char *
export_one (Fixture    *f,
            const char *prefix)
{
  g_autoptr(GError) error = NULL;
  g_auto(SaysoExportResult) result = { 0 };
  char *path;

  submit_n (f->base.store, 3, prefix);
  g_assert_true (sayso_store_export (f->base.store, f->stick, SAYSO_EXPORT_DEFAULT, &result, &error));
  g_assert_no_error (error);
  path = g_steal_pointer (&result.path);
  return path;
}

static void
flip_byte (const char *path,
           goffset     offset)
{
  g_autofree char *data = NULL;
  gsize len = 0;

  g_assert_true (g_file_get_contents (path, &data, &len, NULL));
  if (offset < 0)
    offset += len;
  data[offset] ^= 0x01;
  g_assert_true (g_file_set_contents (path, data, len, NULL));
}

static void
assert_refused (const char       *path,
                const guint8     *kiosk,
                SaysoBundleError  code,
                const char       *words)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SaysoBundle) bundle = sayso_bundle_open (path, kiosk, &error);

  g_assert_null (bundle);
  g_assert_error (error, SAYSO_BUNDLE_ERROR, (int) code);
  if (strstr (error->message, words) == NULL)
    g_error ("expected “%s” in “%s”", words, error->message);
}

static void
test_tamper (Fixture       *f,
             gconstpointer  data)
{
  g_autofree char *path = export_one (f, "tamper");
  g_autofree char *copy = g_build_filename (f->base.dir, "copy.sayso", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SaysoBundle) good = sayso_bundle_open (path, NULL, &error);
  const guint8 *kiosk = sayso_store_get_kiosk_key (f->base.store);
  guint8 other_kiosk[32], other_sk[64];
  gsize len = 0;

  g_assert_no_error (error);
  g_assert_cmpuint (good->entries->len, ==, 3);
  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));

  /* A flipped byte inside a record. */
  g_assert_true (g_file_set_contents (copy, contents, len, NULL));
  flip_byte (copy, 40 + 12336 + 500);
  assert_refused (copy, kiosk, SAYSO_BUNDLE_ERROR_RECORD_ALTERED, "record 2 of 3");

  /* A flipped byte in the manifest. */
  g_assert_true (g_file_set_contents (copy, contents, len, NULL));
  flip_byte (copy, -(12 + 64 + 20));
  assert_refused (copy, kiosk, SAYSO_BUNDLE_ERROR_BAD_SIGNATURE, "the signature does not match");

  /* A flipped byte in the signature. */
  g_assert_true (g_file_set_contents (copy, contents, len, NULL));
  flip_byte (copy, -(12 + 3));
  assert_refused (copy, kiosk, SAYSO_BUNDLE_ERROR_BAD_SIGNATURE, "the signature does not match");

  /* Cut short, anywhere. */
  g_assert_true (g_file_set_contents (copy, contents, len - 1, NULL));
  assert_refused (copy, kiosk, SAYSO_BUNDLE_ERROR_TRUNCATED, "truncated");
  g_assert_true (g_file_set_contents (copy, contents, len / 2, NULL));
  assert_refused (copy, kiosk, SAYSO_BUNDLE_ERROR_TRUNCATED, "truncated");
  g_assert_true (g_file_set_contents (copy, contents, 5, NULL));
  assert_refused (copy, kiosk, SAYSO_BUNDLE_ERROR_NOT_A_BUNDLE, "not a Sayso bundle");

  /* A record removed from the middle, manifest untouched. */
  {
    g_autoptr(GString) cut = g_string_new_len (contents, 40 + 12336);
    g_string_append_len (cut, contents + 40 + 2 * 12336, len - 40 - 2 * 12336);
    g_assert_true (g_file_set_contents (copy, cut->str, cut->len, NULL));
    assert_refused (copy, kiosk, SAYSO_BUNDLE_ERROR_TRUNCATED, "the manifest accounts for");
  }

  /* Another kiosk's key expected. */
  sayso_sign_keypair_new (other_kiosk, other_sk);
  assert_refused (path, other_kiosk, SAYSO_BUNDLE_ERROR_WRONG_KIOSK, "not the kiosk whose key was given");

  /* Not a bundle at all. */
  g_assert_true (g_file_set_contents (copy, "hello, this is not a bundle at all", -1, NULL));
  assert_refused (copy, NULL, SAYSO_BUNDLE_ERROR_NOT_A_BUNDLE, "not a Sayso bundle");
}

/* A reader that owes the sender little reads no manifest longer than it
 * says: refused before a byte of it is read; control: the same bundle with
 * room for its manifest opens. */
static void
test_manifest_within (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *path = export_one (f, "within");
  g_autoptr(GError) error = NULL;
  g_autoptr(SaysoBundle) small = sayso_bundle_open_signed_within (path, NULL, 64, &error);
  g_autoptr(SaysoBundle) room = NULL;

  g_assert_null (small);
  g_assert_error (error, SAYSO_BUNDLE_ERROR, SAYSO_BUNDLE_ERROR_MALFORMED);
  g_assert_nonnull (strstr (error->message, "longer than the 64 bytes read here"));
  g_clear_error (&error);

  room = sayso_bundle_open_signed_within (path, NULL, 64 * 1024, &error);
  g_assert_no_error (error);
  g_assert_nonnull (room);
  g_assert_cmpuint (room->entries->len, ==, 3);
}

/* A genuine record from another bundle put in place of one of this bundle's. */
static void
test_record_swapped (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *first = export_one (f, "first");
  g_autofree char *second = export_one (f, "second");
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  gsize a_len = 0, b_len = 0;

  g_assert_true (g_file_get_contents (first, &a, &a_len, NULL));
  g_assert_true (g_file_get_contents (second, &b, &b_len, NULL));
  memcpy (a + 40 + 12336 * 2, b + 40, 12336);
  g_assert_true (g_file_set_contents (first, a, a_len, NULL));
  assert_refused (first, NULL, SAYSO_BUNDLE_ERROR_RECORD_ALTERED, "record 3 of 3");
}

/* A larger bundle is checked by several threads at once: the fault named is
 * still the first in the file, whichever thread reached its record first. */
static void
test_first_fault_named (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_auto(SaysoExportResult) result = { 0 };
  gsize len = 0;

  submit_n (f->base.store, 200, "many");
  g_assert_true (sayso_store_export (f->base.store, f->stick, SAYSO_EXPORT_DEFAULT, &result, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (result.records, ==, 200);
  g_assert_true (g_file_get_contents (result.path, &contents, &len, NULL));

  /* Records 190, then 150 and 31 altered: 190, 150 and 31 lie in different runs. */
  contents[40 + 189 * 12336 + 7] ^= 0x10;
  g_assert_true (g_file_set_contents (result.path, contents, len, NULL));
  assert_refused (result.path, NULL, SAYSO_BUNDLE_ERROR_RECORD_ALTERED, "record 190 of 200");
  contents[40 + 149 * 12336 + 7000] ^= 0x10;
  contents[40 + 30 * 12336 + 12335] ^= 0x10;
  g_assert_true (g_file_set_contents (result.path, contents, len, NULL));
  for (guint i = 0; i < 20; i++)
    assert_refused (result.path, NULL, SAYSO_BUNDLE_ERROR_RECORD_ALTERED, "record 31 of 200");
}

static gboolean
append_to (gconstpointer   data,
           gsize           len,
           gpointer        user_data,
           GError        **error)
{
  g_byte_array_append (user_data, data, len);
  return TRUE;
}

/* The manifest is written as text: it must be the very JSON json-glib
 * writes for it, whatever the site and questionnaire names hold. */
static void
test_manifest_as_json_glib_writes_it (Fixture       *f,
                                      gconstpointer  data)
{
  static const char *questionnaires[] = { "hmip-user-voice", "a \"quoted\" \\ id\t\x01", "hmip-user-voice", "ñ—✓" };
  g_autoptr(GByteArray) out = g_byte_array_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *path = g_build_filename (f->stick, "names.sayso", NULL);
  g_autofree char *again = NULL;
  guint8 kiosk_pk[32], kiosk_sk[64];
  SaysoBundleWriter *writer;
  guint32 manifest_len;
  const char *manifest;

  sayso_sign_keypair_new (kiosk_pk, kiosk_sk);
  writer = sayso_bundle_writer_new (append_to, out, kiosk_pk, kiosk_sk, "Caerdydd \"Ganol\" \\ Probation\n\x7f",
                                    12, "2026-11-23", &error);
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (questionnaires); i++)
    {
      guint8 id[16], sealed[64];

      sayso_random_bytes (id, sizeof id);
      sayso_random_bytes (sealed, sizeof sealed);
      g_assert_true (sayso_bundle_writer_add (writer, id, questionnaires[i], i + 1, sealed, sizeof sealed, NULL, &error));
    }
  g_assert_true (sayso_bundle_writer_finish (writer, &error));
  sayso_bundle_writer_free (writer);

  g_assert_true (g_file_set_contents (path, (const char *) out->data, out->len, &error));
  {
    g_autoptr(SaysoBundle) bundle = sayso_bundle_open (path, kiosk_pk, &error);

    g_assert_no_error (error);
    g_assert_cmpstr (bundle->site, ==, "Caerdydd \"Ganol\" \\ Probation\n\x7f");
    for (guint i = 0; i < G_N_ELEMENTS (questionnaires); i++)
      g_assert_cmpstr (((SaysoBundleEntry *) g_ptr_array_index (bundle->entries, i))->questionnaire, ==, questionnaires[i]);
  }

  manifest_len = out->data[out->len - 12] | (out->data[out->len - 11] << 8) |
                 (out->data[out->len - 10] << 16) | ((guint32) out->data[out->len - 9] << 24);
  manifest = (const char *) out->data + out->len - 12 - 64 - manifest_len;
  g_assert_true (json_parser_load_from_data (parser, manifest, manifest_len, &error));
  json_generator_set_root (generator, json_parser_get_root (parser));
  again = json_generator_to_data (generator, NULL);
  g_assert_cmpmem (again, strlen (again), manifest, manifest_len);
}

/* Records of any size are checked, those larger than the block the checker
 * reads at a time among them, and a fault in either kind is named. */
static void
test_records_of_any_size (Fixture       *f,
                          gconstpointer  data)
{
  static const gsize sizes[] = { 100, 1500000, 12336, 12336, 3000000, 7, 12336, 900000, 1048576, 1048577 };
  g_autoptr(GByteArray) out = g_byte_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (f->stick, "sizes.sayso", NULL);
  guint8 kiosk_pk[32], kiosk_sk[64];
  SaysoBundleWriter *writer;
  guint64 offsets[G_N_ELEMENTS (sizes)];

  sayso_sign_keypair_new (kiosk_pk, kiosk_sk);
  writer = sayso_bundle_writer_new (append_to, out, kiosk_pk, kiosk_sk, "Sizes", 1, "2026-11-23", &error);
  g_assert_no_error (error);
  for (guint r = 0; r < 8; r++)   /* enough records for the checker to use its threads */
    for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
      {
        g_autofree guint8 *bytes = g_malloc (sizes[i]);
        guint8 id[16], hash[SAYSO_BUNDLE_HASH_SIZE];

        sayso_random_bytes (bytes, sizes[i]);
        sayso_random_bytes (id, sizeof id);
        if (r == 0)
          offsets[i] = out->len;
        /* Half with the hash the store took, half hashed by the writer. */
        sayso_bundle_record_hash (bytes, sizes[i], hash);
        g_assert_true (sayso_bundle_writer_add (writer, id, "any", 1, bytes, sizes[i], r % 2 ? hash : NULL, &error));
        g_assert_no_error (error);
      }
  g_assert_true (sayso_bundle_writer_finish (writer, &error));
  sayso_bundle_writer_free (writer);

  g_assert_true (g_file_set_contents (path, (const char *) out->data, out->len, &error));
  {
    g_autoptr(SaysoBundle) bundle = sayso_bundle_open (path, kiosk_pk, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (bundle->entries->len, ==, 8 * G_N_ELEMENTS (sizes));
  }

  /* A flipped byte at the end of the 3 MB record, then in the first 100-byte one. */
  out->data[offsets[4] + sizes[4] - 1] ^= 0x80;
  g_assert_true (g_file_set_contents (path, (const char *) out->data, out->len, &error));
  assert_refused (path, kiosk_pk, SAYSO_BUNDLE_ERROR_RECORD_ALTERED, "record 5 of 80");
  out->data[offsets[0] + 50] ^= 0x80;
  g_assert_true (g_file_set_contents (path, (const char *) out->data, out->len, &error));
  assert_refused (path, kiosk_pk, SAYSO_BUNDLE_ERROR_RECORD_ALTERED, "record 1 of 80");
}

/* A bundle whose signed manifest gives sizes that add up only by wrapping
 * around 2^64: refused, not a crash allocating one of them. */
static void
test_sizes_that_wrap (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GByteArray) out = g_byte_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (f->stick, "wrap.sayso", NULL);
  g_autoptr(GString) manifest = NULL;
  g_autoptr(GByteArray) forged = g_byte_array_new ();
  g_autofree guint8 *signed_part = NULL;
  guint8 kiosk_pk[32], kiosk_sk[64], signature[64], length[4];
  SaysoBundleWriter *writer;
  const char *sizes[] = { "9223372036854775807", "9223372036854775807", "302" };
  guint32 manifest_len;
  gsize at = 0;

  sayso_sign_keypair_new (kiosk_pk, kiosk_sk);
  writer = sayso_bundle_writer_new (append_to, out, kiosk_pk, kiosk_sk, "Wrap", 1, "2026-11-23", &error);
  for (guint i = 0; i < 3; i++)
    {
      guint8 sealed[100] = { 0 };
      guint8 id[16];

      sayso_random_bytes (id, sizeof id);
      g_assert_true (sayso_bundle_writer_add (writer, id, "any", 1, sealed, sizeof sealed, NULL, &error));
    }
  g_assert_true (sayso_bundle_writer_finish (writer, &error));
  sayso_bundle_writer_free (writer);

  /* The manifest, its sizes changed, signed again with the kiosk's key. */
  manifest_len = out->data[out->len - 12] | (out->data[out->len - 11] << 8) |
                 (out->data[out->len - 10] << 16) | ((guint32) out->data[out->len - 9] << 24);
  manifest = g_string_new_len ((const char *) out->data + 40 + 300, manifest_len);
  for (guint i = 0; i < 3; i++)
    {
      const char *size = strstr (manifest->str + at, "\"size\":100");
      g_assert_nonnull (size);
      at = size - manifest->str;
      g_string_erase (manifest, at + 7, 3);
      g_string_insert (manifest, at + 7, sizes[i]);
      at += 7;
    }
  signed_part = g_malloc (32 + manifest->len);
  memcpy (signed_part, kiosk_pk, 32);
  memcpy (signed_part + 32, manifest->str, manifest->len);
  crypto_sign_detached (signature, NULL, signed_part, 32 + manifest->len, kiosk_sk);
  for (guint b = 0; b < 4; b++)
    length[b] = (manifest->len >> (8 * b)) & 0xff;
  g_byte_array_append (forged, out->data, 40 + 300);
  g_byte_array_append (forged, (const guint8 *) manifest->str, manifest->len);
  g_byte_array_append (forged, signature, sizeof signature);
  g_byte_array_append (forged, length, sizeof length);
  g_byte_array_append (forged, (const guint8 *) "SAYSOEND", 8);
  g_assert_true (g_file_set_contents (path, (const char *) forged->data, forged->len, &error));

  assert_refused (path, NULL, SAYSO_BUNDLE_ERROR_TRUNCATED, "accounts for more (from record 1 on)");
  {
    g_autoptr(SaysoBundle) signed_only = sayso_bundle_open_signed (path, NULL, &error);
    g_assert_null (signed_only);
    g_assert_error (error, SAYSO_BUNDLE_ERROR, SAYSO_BUNDLE_ERROR_TRUNCATED);
  }
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  sayso_init ();
  survey = sayso_questionnaire_new_default ();

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/bundle/tamper", test_tamper);
  ADD ("/bundle/record-swapped", test_record_swapped);
  ADD ("/bundle/first-fault-named", test_first_fault_named);
  ADD ("/bundle/records-of-any-size", test_records_of_any_size);
  ADD ("/bundle/manifest-as-json-glib-writes-it", test_manifest_as_json_glib_writes_it);
  ADD ("/bundle/sizes-that-wrap", test_sizes_that_wrap);
  ADD ("/bundle/manifest-within", test_manifest_within);
#undef ADD

  ret = g_test_run ();
  g_object_unref (survey);
  return ret;
}
