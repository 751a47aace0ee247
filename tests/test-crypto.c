/* Keys, sealing and their failure paths. */
#include <glib/gstdio.h>
#include <sodium.h>
#include <string.h>
#include <sys/stat.h>

#include "sayso-crypto-private.h"
#include "sayso-process.h"
#include "sayso-test-utils.h"

static void
test_key_text_round_trip (void)
{
  guint8 pk[32], sk[32], back[32], derived[32];
  g_autofree char *pub_text = NULL;
  g_autofree char *sec_text = NULL;
  g_autoptr(GError) error = NULL;

  sayso_recipient_keypair_new (pk, sk);
  pub_text = sayso_key_to_text (SAYSO_KEY_RECIPIENT_PUBLIC, pk);
  sec_text = sayso_key_to_text (SAYSO_KEY_RECIPIENT_SECRET, sk);
  g_assert_true (g_str_has_prefix (pub_text, "#"));

  g_assert_true (sayso_key_from_text (SAYSO_KEY_RECIPIENT_PUBLIC, pub_text, strlen (pub_text), "pub", back, &error));
  g_assert_cmpmem (back, 32, pk, 32);
  g_assert_true (sayso_key_from_text (SAYSO_KEY_RECIPIENT_SECRET, sec_text, strlen (sec_text), "sec", back, &error));
  g_assert_cmpmem (back, 32, sk, 32);
  sayso_recipient_public_from_secret (sk, derived);
  g_assert_cmpmem (derived, 32, pk, 32);

  /* The classic mistake: giving the kiosk the secret key, or the analysts the public one. */
  g_assert_false (sayso_key_from_text (SAYSO_KEY_RECIPIENT_PUBLIC, sec_text, strlen (sec_text), "k.key", back, &error));
  g_assert_cmpstr (error->message, ==, "k.key: this is a sayso-recipient-secret-key, not a sayso-recipient-public-key");
  g_clear_error (&error);

  g_assert_false (sayso_key_from_text (SAYSO_KEY_RECIPIENT_PUBLIC, "hello\n", 6, "x.pub", back, &error));
  g_assert_nonnull (strstr (error->message, "x.pub: not a Sayso key file"));
  g_clear_error (&error);

  g_assert_false (sayso_key_from_text (SAYSO_KEY_RECIPIENT_PUBLIC, "sayso-recipient-public-key AAAA\n", 32, "short.pub", back, &error));
  g_assert_nonnull (strstr (error->message, "short.pub: line 1: the key is 3 bytes, expected 32"));
}

static void
test_key_files (void)
{
  g_autofree char *dir = test_make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "recipient.key", NULL);
  g_autoptr(GError) error = NULL;
  guint8 pk[32], sk[32], back[32];
  GStatBuf st;

  sayso_recipient_keypair_new (pk, sk);
  g_assert_true (sayso_key_write_file (SAYSO_KEY_RECIPIENT_SECRET, sk, path, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  /* A key is never overwritten. */
  g_assert_false (sayso_key_write_file (SAYSO_KEY_RECIPIENT_SECRET, pk, path, &error));
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_EXIST);
  g_clear_error (&error);

  g_assert_true (sayso_key_read_file (SAYSO_KEY_RECIPIENT_SECRET, path, back, &error));
  g_assert_cmpmem (back, 32, sk, 32);

  test_remove_tree (dir);
}

static void
test_seal_round_trip (void)
{
  guint8 pk[32], sk[32], other_pk[32], other_sk[32];
  g_autoptr(GBytes) plain = g_bytes_new_static ("hello", 5);
  g_autoptr(GBytes) sealed = NULL;
  g_autoptr(GBytes) opened = NULL;
  g_autoptr(GBytes) tampered = NULL;
  g_autoptr(GError) error = NULL;
  guint8 *copy;
  gsize len;

  sayso_recipient_keypair_new (pk, sk);
  sayso_recipient_keypair_new (other_pk, other_sk);

  sealed = sayso_seal (pk, plain, 4096, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (sealed), ==, 4096 + SAYSO_SEAL_OVERHEAD);
  opened = sayso_unseal (sk, sealed, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (opened, plain));

  g_assert_null (sayso_unseal (other_sk, sealed, &error));
  g_assert_error (error, SAYSO_CRYPTO_ERROR, SAYSO_CRYPTO_ERROR_CANNOT_OPEN);
  g_clear_error (&error);

  /* With the public key given (an import derives it once): the same, and a
   * public key that is not the secret key's opens nothing. */
  {
    g_autoptr(GBytes) again = sayso_unseal_with_keypair (pk, sk, sealed, &error);
    g_assert_no_error (error);
    g_assert_true (g_bytes_equal (again, plain));
  }
  g_assert_null (sayso_unseal_with_keypair (other_pk, sk, sealed, &error));
  g_assert_error (error, SAYSO_CRYPTO_ERROR, SAYSO_CRYPTO_ERROR_CANNOT_OPEN);
  g_clear_error (&error);

  copy = g_bytes_unref_to_data (g_bytes_ref (sealed), &len);
  copy[len / 2] ^= 1;
  tampered = g_bytes_new_take (copy, len);
  g_assert_null (sayso_unseal (sk, tampered, &error));
  g_assert_error (error, SAYSO_CRYPTO_ERROR, SAYSO_CRYPTO_ERROR_CANNOT_OPEN);
}

static void
test_seal_sizes (void)
{
  guint8 pk[32], sk[32];
  g_autoptr(GError) error = NULL;
  g_autofree char *big = g_strnfill (4096, 'x');
  g_autoptr(GBytes) short_plain = g_bytes_new_static ("a", 1);
  g_autoptr(GBytes) long_plain = g_bytes_new (big, 4000);
  g_autoptr(GBytes) too_long = g_bytes_new (big, 4096);
  g_autoptr(GBytes) a = NULL;
  g_autoptr(GBytes) b = NULL;

  sayso_recipient_keypair_new (pk, sk);

  /* One byte or four thousand: the same sealed size. */
  a = sayso_seal (pk, short_plain, 4096, &error);
  b = sayso_seal (pk, long_plain, 4096, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (a), ==, g_bytes_get_size (b));

  g_assert_null (sayso_seal (pk, too_long, 4096, &error));
  g_assert_error (error, SAYSO_CRYPTO_ERROR, SAYSO_CRYPTO_ERROR_TOO_LARGE);
}

/* A prepared sealer gives crypto_box_seal's format, and never reuses an ephemeral key. */
static void
test_sealer_prepared (void)
{
  guint8 pk[32], sk[32];
  g_autoptr(SaysoSealer) sealer = NULL;
  g_autoptr(GBytes) plain = g_bytes_new_static ("same answers", 12);
  g_autoptr(GBytes) a = NULL;
  g_autoptr(GBytes) b = NULL;
  g_autoptr(GBytes) opened = NULL;
  g_autoptr(GError) error = NULL;

  sayso_recipient_keypair_new (pk, sk);
  sealer = sayso_sealer_new (pk);
  g_assert_false (sayso_sealer_is_prepared (sealer));
  sayso_sealer_prepare (sealer);
  g_assert_true (sayso_sealer_is_prepared (sealer));
  a = sayso_sealer_seal (sealer, plain, 256, &error);
  g_assert_no_error (error);
  g_assert_false (sayso_sealer_is_prepared (sealer));
  b = sayso_sealer_seal (sealer, plain, 256, &error);
  g_assert_no_error (error);

  g_assert_cmpmem (g_bytes_get_data (a, NULL), 32, g_bytes_get_data (a, NULL), 32);
  g_assert_false (memcmp (g_bytes_get_data (a, NULL), g_bytes_get_data (b, NULL), 32) == 0);
  g_assert_false (g_bytes_equal (a, b));

  opened = sayso_unseal (sk, b, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (opened, plain));
}

/* Sealed by someone with the public key but without Sayso's padding: the
 * 0x80 marker at every alignment, trailing zeros of every length, and no
 * marker at all. */
static GBytes *
seal_raw (const guint8 *pk,
          const guint8 *plain,
          gsize         len)
{
  guint8 *sealed = g_malloc (len + crypto_box_SEALBYTES);

  g_assert_cmpint (crypto_box_seal (sealed, plain, len, pk), ==, 0);
  return g_bytes_new_take (sealed, len + crypto_box_SEALBYTES);
}

static void
test_unpadding (void)
{
  guint8 pk[32], sk[32];
  guint8 plain[64];

  sayso_recipient_keypair_new (pk, sk);
  for (gsize content = 0; content < 20; content++)
    for (gsize zeros = 0; zeros < 20; zeros++)
      {
        g_autoptr(GBytes) sealed = NULL;
        g_autoptr(GBytes) opened = NULL;
        g_autoptr(GError) error = NULL;

        memset (plain, 'x', content);
        plain[content] = 0x80;
        memset (plain + content + 1, 0, zeros);
        sealed = seal_raw (pk, plain, content + 1 + zeros);
        opened = sayso_unseal (sk, sealed, &error);
        g_assert_no_error (error);
        g_assert_cmpuint (g_bytes_get_size (opened), ==, content);

        /* The same with the marker missing: refused. */
        g_clear_pointer (&sealed, g_bytes_unref);
        memset (plain, 0, sizeof plain);
        memset (plain, 'x', content);
        sealed = seal_raw (pk, plain, content + 1 + zeros);
        g_assert_null (sayso_unseal (sk, sealed, &error));
        g_assert_error (error, SAYSO_CRYPTO_ERROR, SAYSO_CRYPTO_ERROR_CANNOT_OPEN);
      }
}

/* The fingerprint people compare: BLAKE2b-256 of the key, its first 8 bytes
 * in hex, in four groups (vectors from Python's hashlib.blake2b). */
static void
test_fingerprint (void)
{
  guint8 pk[32];
  g_autofree char *counting = NULL;
  g_autofree char *zeros = NULL;
  g_autofree char *changed = NULL;

  for (guint i = 0; i < 32; i++)
    pk[i] = i;
  counting = sayso_key_fingerprint (pk);
  g_assert_cmpstr (counting, ==, "CB2F-5160-FC1F-7E05");

  memset (pk, 0, sizeof pk);
  zeros = sayso_key_fingerprint (pk);
  g_assert_cmpstr (zeros, ==, "89EB-0D6A-8A69-1DAE");

  /* One bit of the key changes it. */
  pk[31] ^= 1;
  changed = sayso_key_fingerprint (pk);
  g_assert_cmpstr (changed, !=, zeros);
  g_assert_cmpuint (strlen (changed), ==, 19);
}

/* A protected key file says which Argon2id costs made it, so a Sayso whose
 * defaults differ still opens it; without that line (files made before it)
 * today's costs are used. */
static void
test_protected_key_kdf_params (void)
{
  g_autofree char *dir = test_make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "cheap.key", NULL);
  g_autofree char *stripped = g_build_filename (dir, "stripped.key", NULL);
  g_autofree char *bad = g_build_filename (dir, "bad.key", NULL);
  g_autofree char *text = NULL;
  g_autofree char *kdf_line = NULL;
  g_autoptr(GString) without = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) lines = NULL;
  guint8 pk[32], sk[32], back[32];

  sayso_recipient_keypair_new (pk, sk);
  g_assert_true (_sayso_secret_key_write_protected_with (sk, "correct horse", path,
                                                         crypto_pwhash_OPSLIMIT_INTERACTIVE,
                                                         crypto_pwhash_MEMLIMIT_INTERACTIVE, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &text, NULL, &error));
  kdf_line = g_strdup_printf ("\nsayso-recipient-secret-key-kdf argon2id13 %llu %zu\n",
                              (unsigned long long) crypto_pwhash_OPSLIMIT_INTERACTIVE,
                              (size_t) crypto_pwhash_MEMLIMIT_INTERACTIVE);
  g_assert_nonnull (strstr (text, kdf_line));

  g_assert_true (sayso_secret_key_read (path, "correct horse", back, &error));
  g_assert_no_error (error);
  g_assert_cmpmem (back, 32, sk, 32);

  /* The negative control: the same file without its KDF line is read with
   * today's costs, and does not open. */
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    if (!g_str_has_prefix (lines[i], "sayso-recipient-secret-key-kdf ") && *lines[i])
      g_string_append_printf (without, "%s\n", lines[i]);
  g_assert_true (g_file_set_contents (stripped, without->str, -1, &error));
  g_assert_false (sayso_secret_key_read (stripped, "correct horse", back, &error));
  g_assert_error (error, SAYSO_CRYPTO_ERROR, SAYSO_CRYPTO_ERROR_BAD_KEY);
  g_clear_error (&error);

  /* An unknown KDF is named, not tried. */
  g_assert_true (g_file_set_contents (bad, "sayso-recipient-secret-key-kdf scrypt 1 2\n"
                                           "sayso-recipient-secret-key-protected AAAA\n", -1, &error));
  g_assert_false (sayso_secret_key_read (bad, "correct horse", back, &error));
  g_assert_nonnull (strstr (error->message, "names no KDF this Sayso knows"));
  g_clear_error (&error);

  test_remove_tree (dir);
}

/* A file made before the KDF line (today's costs, no line) still opens. */
static void
test_protected_key_without_params (void)
{
  g_autofree char *dir = test_make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "old.key", NULL);
  g_autofree char *b64 = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  guint8 blob[crypto_pwhash_SALTBYTES + crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + 32];
  guint8 key[crypto_secretbox_KEYBYTES];
  guint8 pk[32], sk[32], back[32];
  const char *passphrase = "an older passphrase";

  sayso_recipient_keypair_new (pk, sk);
  randombytes_buf (blob, crypto_pwhash_SALTBYTES + crypto_secretbox_NONCEBYTES);
  g_assert_cmpint (crypto_pwhash (key, sizeof key, passphrase, strlen (passphrase), blob,
                                  crypto_pwhash_OPSLIMIT_MODERATE, crypto_pwhash_MEMLIMIT_MODERATE,
                                  crypto_pwhash_ALG_ARGON2ID13), ==, 0);
  crypto_secretbox_easy (blob + crypto_pwhash_SALTBYTES + crypto_secretbox_NONCEBYTES, sk, 32,
                         blob + crypto_pwhash_SALTBYTES, key);
  b64 = g_base64_encode (blob, sizeof blob);
  text = g_strdup_printf ("# Sayso analysts' SECRET key (X25519), under a passphrase (Argon2id moderate + XSalsa20-Poly1305).\n"
                          "# The base64 is salt (16) || nonce (24) || secretbox of the 32-byte key.\n"
                          "sayso-recipient-secret-key-protected %s\n", b64);
  g_assert_true (g_file_set_contents (path, text, -1, &error));

  g_assert_true (sayso_secret_key_is_protected (path));
  g_assert_true (sayso_secret_key_read (path, passphrase, back, &error));
  g_assert_no_error (error);
  g_assert_cmpmem (back, 32, sk, 32);
  g_assert_false (sayso_secret_key_read (path, "not the passphrase", back, &error));
  g_assert_error (error, SAYSO_CRYPTO_ERROR, SAYSO_CRYPTO_ERROR_BAD_KEY);

  test_remove_tree (dir);
}

/* A key on a command line: its file, or its text, read the same; a key of
 * the wrong kind is refused either way, the text's error naming the
 * argument (the control: the right kind reads from both). */
static void
test_key_argument (void)
{
  g_autofree char *dir = test_make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "kiosk.pub", NULL);
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  guint8 pk[SAYSO_SIGN_PUBLIC_KEY_SIZE], sk[SAYSO_SIGN_SECRET_KEY_SIZE];
  guint8 from_file[SAYSO_SIGN_PUBLIC_KEY_SIZE], from_text[SAYSO_SIGN_PUBLIC_KEY_SIZE];

  crypto_sign_keypair (pk, sk);
  text = sayso_key_to_text (SAYSO_KEY_KIOSK_PUBLIC, pk);
  g_assert_true (sayso_key_write_file (SAYSO_KEY_KIOSK_PUBLIC, pk, path, &error));
  g_assert_no_error (error);

  g_assert_true (sayso_key_read_argument (SAYSO_KEY_KIOSK_PUBLIC, path, "KIOSK_KEY", from_file, &error));
  g_assert_no_error (error);
  g_assert_true (sayso_key_read_argument (SAYSO_KEY_KIOSK_PUBLIC, text, "KIOSK_KEY", from_text, &error));
  g_assert_no_error (error);
  g_assert_cmpmem (from_file, sizeof from_file, pk, sizeof pk);
  g_assert_cmpmem (from_text, sizeof from_text, pk, sizeof pk);

  g_assert_false (sayso_key_read_argument (SAYSO_KEY_SERVICE_PUBLIC, path, "--service-key", from_file, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_false (sayso_key_read_argument (SAYSO_KEY_SERVICE_PUBLIC, text, "--service-key", from_text, &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "--service-key"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  sayso_init ();

  g_test_add_func ("/crypto/key-text", test_key_text_round_trip);
  g_test_add_func ("/crypto/key-files", test_key_files);
  g_test_add_func ("/crypto/key-argument", test_key_argument);
  g_test_add_func ("/crypto/fingerprint", test_fingerprint);
  g_test_add_func ("/crypto/protected-key-kdf-params", test_protected_key_kdf_params);
  g_test_add_func ("/crypto/protected-key-without-params", test_protected_key_without_params);
  g_test_add_func ("/crypto/seal-round-trip", test_seal_round_trip);
  g_test_add_func ("/crypto/seal-sizes", test_seal_sizes);
  g_test_add_func ("/crypto/unpadding", test_unpadding);
  g_test_add_func ("/crypto/sealer-prepared", test_sealer_prepared);

  return g_test_run ();
}
