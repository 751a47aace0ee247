/* libFuzzer: the manifest parser past the signature. The input is a
 * manifest; the harness signs it with a fixed kiosk key (its seed is all
 * zeros, so a seed manifest can name that kiosk) and wraps it in a bundle
 * of one 64-byte record, so that the fuzzer reaches what a genuine but
 * buggy (or stolen) kiosk could sign, instead of stopping at the signature
 * as mutations of a whole bundle do. */
#include <glib/gstdio.h>
#include <sodium.h>
#include <unistd.h>

#include "sayso-bundle.h"
#include "sayso-process.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  static guint8 kiosk_pk[crypto_sign_PUBLICKEYBYTES], kiosk_sk[crypto_sign_SECRETKEYBYTES];
  static const guint8 record[64] = { 0 };
  static char *path;
  g_autoptr(GByteArray) bytes = NULL;
  g_autoptr(GByteArray) signed_part = NULL;
  g_autoptr(SaysoBundle) bundle = NULL;
  g_autoptr(GError) error = NULL;
  guint8 sig[crypto_sign_BYTES];
  guint8 len_le[4];

  if (path == NULL)
    {
      static const guint8 seed[crypto_sign_SEEDBYTES] = { 0 };

      sayso_init ();
      crypto_sign_seed_keypair (kiosk_pk, kiosk_sk, seed);
      path = g_strdup_printf ("%s/sayso-fuzz-manifest-%d", g_get_tmp_dir (), (int) getpid ());
    }
  if (size > G_MAXUINT32)
    return 0;

  signed_part = g_byte_array_sized_new (sizeof kiosk_pk + size);
  g_byte_array_append (signed_part, kiosk_pk, sizeof kiosk_pk);
  g_byte_array_append (signed_part, data, size);
  crypto_sign_detached (sig, NULL, signed_part->data, signed_part->len, kiosk_sk);
  for (guint i = 0; i < 4; i++)
    len_le[i] = ((guint32) size >> (8 * i)) & 0xff;

  bytes = g_byte_array_sized_new (8 + sizeof kiosk_pk + sizeof record + size + sizeof sig + 12);
  g_byte_array_append (bytes, (const guint8 *) "SAYSOBN1", 8);
  g_byte_array_append (bytes, kiosk_pk, sizeof kiosk_pk);
  g_byte_array_append (bytes, record, sizeof record);
  g_byte_array_append (bytes, data, size);
  g_byte_array_append (bytes, sig, sizeof sig);
  g_byte_array_append (bytes, len_le, sizeof len_le);
  g_byte_array_append (bytes, (const guint8 *) "SAYSOEND", 8);
  g_assert_true (g_file_set_contents (path, (const char *) bytes->data, bytes->len, NULL));

  bundle = sayso_bundle_open (path, kiosk_pk, &error);
  g_assert ((bundle == NULL) != (error == NULL));
  if (bundle != NULL)
    {
      /* Accepted: then it accounts for the one record exactly. */
      g_assert_cmpuint (bundle->entries->len, ==, 1);
      g_assert_cmpuint (((SaysoBundleEntry *) g_ptr_array_index (bundle->entries, 0))->size, ==, sizeof record);
    }
  g_unlink (path);
  return 0;
}
