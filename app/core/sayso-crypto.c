/* sayso-crypto.c: keys, sealing and signing.
 *
 * A record is padded (ISO/IEC 7816-4, as sodium_pad) to a block of fixed size
 * and sealed to the analysts' X25519 key, in crypto_box_seal's format. The
 * kiosk keeps no secret that opens it: each record has its own ephemeral key,
 * wiped once used.
 */
#define G_LOG_DOMAIN "sayso-crypto"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <sodium.h>
#include <string.h>
#include <unistd.h>

#include "sayso-crypto-private.h"

G_DEFINE_QUARK (sayso-crypto-error-quark, sayso_crypto_error)

typedef struct
{
  const char *tag;
  const char *comment;
  gsize       size;
  gboolean    secret;
} KeyInfo;

static const KeyInfo key_info[] = {
  [SAYSO_KEY_RECIPIENT_PUBLIC] = {
    "sayso-recipient-public-key",
    "# Sayso analysts' public key (X25519). Give it to every kiosk; it can only seal.",
    SAYSO_BOX_PUBLIC_KEY_SIZE, FALSE },
  [SAYSO_KEY_RECIPIENT_SECRET] = {
    "sayso-recipient-secret-key",
    "# Sayso analysts' SECRET key (X25519). It opens every response: keep it off the kiosks.",
    SAYSO_BOX_SECRET_KEY_SIZE, TRUE },
  [SAYSO_KEY_KIOSK_PUBLIC] = {
    "sayso-kiosk-public-key",
    "# Sayso kiosk signing key (Ed25519, public). Analysts enrol it to trust this kiosk's exports.",
    SAYSO_SIGN_PUBLIC_KEY_SIZE, FALSE },
  [SAYSO_KEY_SERVICE_PUBLIC] = {
    "sayso-collect-public-key",
    "# Sayso collection service's signing key (Ed25519, public). Uploaders check its receipts with it.",
    SAYSO_SIGN_PUBLIC_KEY_SIZE, FALSE },
};

void
sayso_crypto_init (void)
{
  /* Nothing works without it, and it only fails without a usable entropy source. */
  if (sodium_init () < 0)
    g_error ("libsodium could not be initialised (no entropy source?)");
}

void
sayso_random_bytes (guint8 *buf,
                    gsize   len)
{
  randombytes_buf (buf, len);
}

void
sayso_recipient_keypair_new (guint8 pk[SAYSO_BOX_PUBLIC_KEY_SIZE],
                             guint8 sk[SAYSO_BOX_SECRET_KEY_SIZE])
{
  crypto_box_keypair (pk, sk);
}

void
sayso_recipient_public_from_secret (const guint8 sk[SAYSO_BOX_SECRET_KEY_SIZE],
                                    guint8       pk[SAYSO_BOX_PUBLIC_KEY_SIZE])
{
  crypto_scalarmult_base (pk, sk);
}

void
sayso_sign_keypair_new (guint8 pk[SAYSO_SIGN_PUBLIC_KEY_SIZE],
                        guint8 sk[SAYSO_SIGN_SECRET_KEY_SIZE])
{
  crypto_sign_keypair (pk, sk);
}

char *
sayso_key_to_text (SaysoKeyKind  kind,
                   const guint8 *key)
{
  const KeyInfo *info;
  g_autofree char *b64 = NULL;

  g_return_val_if_fail (kind < G_N_ELEMENTS (key_info), NULL);
  g_return_val_if_fail (key != NULL, NULL);

  info = &key_info[kind];
  b64 = g_base64_encode (key, info->size);
  return g_strdup_printf ("%s\n%s %s\n", info->comment, info->tag, b64);
}

char *
sayso_key_fingerprint (const guint8 pk[SAYSO_BOX_PUBLIC_KEY_SIZE])
{
  guint8 hash[crypto_generichash_BYTES];

  g_return_val_if_fail (pk != NULL, NULL);

  G_STATIC_ASSERT (crypto_generichash_BYTES == 32);
  crypto_generichash (hash, sizeof hash, pk, SAYSO_BOX_PUBLIC_KEY_SIZE, NULL, 0);
  return g_strdup_printf ("%02X%02X-%02X%02X-%02X%02X-%02X%02X",
                          hash[0], hash[1], hash[2], hash[3], hash[4], hash[5], hash[6], hash[7]);
}

gboolean
sayso_key_from_text (SaysoKeyKind  kind,
                     const char   *text,
                     gsize         len,
                     const char   *origin,
                     guint8       *key,
                     GError      **error)
{
  const KeyInfo *info;
  g_autofree char *copy = NULL;
  g_auto(GStrv) lines = NULL;

  g_return_val_if_fail (kind < G_N_ELEMENTS (key_info), FALSE);
  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (key != NULL, FALSE);

  info = &key_info[kind];
  copy = g_strndup (text, len);
  lines = g_strsplit (copy, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *line = g_strstrip (lines[i]);
      g_autofree guchar *raw = NULL;
      gsize raw_len = 0;
      char *value;

      if (*line == '\0' || *line == '#')
        continue;

      if (!g_str_has_prefix (line, info->tag) || !g_ascii_isspace (line[strlen (info->tag)]))
        {
          /* Say which key it is, so a swapped public/secret file is obvious. */
          for (guint k = 0; k < G_N_ELEMENTS (key_info); k++)
            if (g_str_has_prefix (line, key_info[k].tag))
              {
                g_set_error (error, SAYSO_CRYPTO_ERROR, SAYSO_CRYPTO_ERROR_BAD_KEY,
                             "%s: this is a %s, not a %s", origin, key_info[k].tag, info->tag);
                goto wipe;
              }
          break;
        }

      value = g_strstrip (line + strlen (info->tag));
      raw = g_base64_decode (value, &raw_len);
      if (raw_len != info->size)
        {
          g_set_error (error, SAYSO_CRYPTO_ERROR, SAYSO_CRYPTO_ERROR_BAD_KEY,
                       "%s: line %u: the key is %" G_GSIZE_FORMAT " bytes, expected %" G_GSIZE_FORMAT,
                       origin, i + 1, raw_len, info->size);
          if (raw != NULL)
            sodium_memzero (raw, raw_len);
          goto wipe;
        }

      memcpy (key, raw, info->size);
      sodium_memzero (raw, raw_len);
      sodium_memzero (copy, len);
      sodium_memzero (lines[i], strlen (lines[i]));
      return TRUE;
    }

  g_set_error (error, SAYSO_CRYPTO_ERROR, SAYSO_CRYPTO_ERROR_BAD_KEY,
               "%s: not a Sayso key file (expected a line starting “%s”)", origin, info->tag);

wipe:
  sodium_memzero (copy, len);
  for (guint i = 0; lines[i] != NULL; i++)
    sodium_memzero (lines[i], strlen (lines[i]));
  return FALSE;
}

gboolean
sayso_key_write_file (SaysoKeyKind  kind,
                      const guint8 *key,
                      const char   *path,
                      GError      **error)
{
  g_autofree char *text = NULL;
  gsize len;
  int fd;

  g_return_val_if_fail (kind < G_N_ELEMENTS (key_info), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  text = sayso_key_to_text (kind, key);
  len = strlen (text);

  /* Never over an existing key: losing the analysts' secret key loses every response. */
  fd = g_open (path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, key_info[kind].secret ? 0600 : 0644);
  if (fd < 0)
    {
      int saved = errno;
      sodium_memzero (text, len);
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   "%s: cannot create: %s", path, g_strerror (saved));
      return FALSE;
    }

  if (write (fd, text, len) != (gssize) len || fsync (fd) != 0)
    {
      int saved = errno;
      close (fd);
      g_unlink (path);
      sodium_memzero (text, len);
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   "%s: cannot write: %s", path, g_strerror (saved));
      return FALSE;
    }

  close (fd);
  sodium_memzero (text, len);
  return TRUE;
}

gboolean
sayso_key_read_file (SaysoKeyKind  kind,
                     const char   *path,
                     guint8       *key,
                     GError      **error)
{
  g_autofree char *text = NULL;
  gsize len = 0;
  gboolean ok;

  g_return_val_if_fail (kind < G_N_ELEMENTS (key_info), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  if (!g_file_get_contents (path, &text, &len, error))
    return FALSE;

  ok = sayso_key_from_text (kind, text, len, path, key, error);
  sodium_memzero (text, len);
  return ok;
}

gboolean
sayso_key_read_argument (SaysoKeyKind  kind,
                         const char   *argument,
                         const char   *origin,
                         guint8       *key,
                         GError      **error)
{
  g_return_val_if_fail (argument != NULL && origin != NULL, FALSE);

  if (g_file_test (argument, G_FILE_TEST_IS_REGULAR))
    return sayso_key_read_file (kind, argument, key, error);
  return sayso_key_from_text (kind, argument, strlen (argument), origin, key, error);
}

struct _SaysoSealer
{
  guint8   recipient_pk[crypto_box_PUBLICKEYBYTES];
  /* Locked (never swapped out) and wiped: the shared key and the padded
   * plaintext live here. */
  guint8  *shared;      /* crypto_box_BEFORENMBYTES */
  guint8  *buffer;
  gsize    buffer_size;
  guint8   ephemeral_pk[crypto_box_PUBLICKEYBYTES];
  guint8   nonce[crypto_box_NONCEBYTES];
  gboolean prepared;
};

SaysoSealer *
sayso_sealer_new (const guint8 recipient_pk[SAYSO_BOX_PUBLIC_KEY_SIZE])
{
  SaysoSealer *sealer;

  g_return_val_if_fail (recipient_pk != NULL, NULL);

  sealer = g_new0 (SaysoSealer, 1);
  memcpy (sealer->recipient_pk, recipient_pk, sizeof sealer->recipient_pk);
  sealer->shared = sodium_malloc (crypto_box_BEFORENMBYTES);
  if (sealer->shared == NULL)
    g_error ("out of memory");
  return sealer;
}

void
sayso_sealer_free (SaysoSealer *sealer)
{
  if (sealer == NULL)
    return;

  sodium_free (sealer->shared);
  sodium_free (sealer->buffer);
  sodium_memzero (sealer, sizeof *sealer);
  g_free (sealer);
}

void
sayso_sealer_prepare (SaysoSealer *sealer)
{
  guint8 ephemeral_sk[crypto_box_SECRETKEYBYTES];
  crypto_generichash_state hash;

  g_return_if_fail (sealer != NULL);

  if (sealer->prepared)
    return;

  /* What crypto_box_seal does before it encrypts: an ephemeral key pair,
   * the nonce H(epk || pk), and the X25519 shared key. */
  crypto_box_keypair (sealer->ephemeral_pk, ephemeral_sk);
  crypto_generichash_init (&hash, NULL, 0, crypto_box_NONCEBYTES);
  crypto_generichash_update (&hash, sealer->ephemeral_pk, sizeof sealer->ephemeral_pk);
  crypto_generichash_update (&hash, sealer->recipient_pk, sizeof sealer->recipient_pk);
  crypto_generichash_final (&hash, sealer->nonce, crypto_box_NONCEBYTES);

  if (crypto_box_beforenm (sealer->shared, sealer->recipient_pk, ephemeral_sk) != 0)
    sealer->prepared = FALSE;  /* a weak recipient key; sealing reports it */
  else
    sealer->prepared = TRUE;

  sodium_memzero (ephemeral_sk, sizeof ephemeral_sk);
}

gboolean
sayso_sealer_is_prepared (SaysoSealer *sealer)
{
  g_return_val_if_fail (sealer != NULL, FALSE);
  return sealer->prepared;
}

GBytes *
sayso_sealer_seal (SaysoSealer  *sealer,
                   GBytes       *plaintext,
                   gsize         block_size,
                   GError      **error)
{
  gsize len;
  gconstpointer data;
  guint8 *sealed;

  g_return_val_if_fail (sealer != NULL, NULL);
  g_return_val_if_fail (plaintext != NULL, NULL);
  g_return_val_if_fail (block_size > 0, NULL);

  data = g_bytes_get_data (plaintext, &len);

  /* Every record of a questionnaire is one block, so its size says nothing
   * about the answers; a record that does not fit is refused, not enlarged. */
  if (len >= block_size)
    {
      g_set_error (error, SAYSO_CRYPTO_ERROR, SAYSO_CRYPTO_ERROR_TOO_LARGE,
                   "the response is %" G_GSIZE_FORMAT " bytes, more than the record size of %" G_GSIZE_FORMAT,
                   len, block_size);
      return NULL;
    }

  sayso_sealer_prepare (sealer);
  if (!sealer->prepared)
    {
      g_set_error (error, SAYSO_CRYPTO_ERROR, SAYSO_CRYPTO_ERROR_BAD_KEY,
                   "the analysts' public key is not a valid X25519 key");
      return NULL;
    }

  if (sealer->buffer_size < block_size)
    {
      sodium_free (sealer->buffer);
      sealer->buffer = sodium_malloc (block_size);
      if (sealer->buffer == NULL)
        g_error ("out of memory");
      sealer->buffer_size = block_size;
    }

  /* ISO/IEC 7816-4 padding, as sodium_pad writes it: 0x80, then zeros.
   * sodium_pad's constant-time loop guards the length, which this process
   * knows anyway; it cost a third of a submit. */
  memcpy (sealer->buffer, data, len);
  sealer->buffer[len] = 0x80;
  memset (sealer->buffer + len + 1, 0, block_size - len - 1);

  sealed = g_malloc (crypto_box_SEALBYTES + block_size);
  memcpy (sealed, sealer->ephemeral_pk, crypto_box_PUBLICKEYBYTES);
  crypto_box_easy_afternm (sealed + crypto_box_PUBLICKEYBYTES, sealer->buffer, block_size,
                           sealer->nonce, sealer->shared);

  /* One ephemeral key, one record. */
  sodium_memzero (sealer->buffer, block_size);
  sodium_memzero (sealer->shared, crypto_box_BEFORENMBYTES);
  sealer->prepared = FALSE;

  return g_bytes_new_take (sealed, crypto_box_SEALBYTES + block_size);
}

#define PROTECTED_TAG "sayso-recipient-secret-key-protected"
#define KDF_TAG "sayso-recipient-secret-key-kdf"
#define KDF_ARGON2ID13 "argon2id13"
/* Files written before the KDF line were made with these. */
#define KDF_OLD_OPSLIMIT crypto_pwhash_OPSLIMIT_MODERATE
#define KDF_OLD_MEMLIMIT crypto_pwhash_MEMLIMIT_MODERATE
/* More than this is not a key file Sayso made, and would stall the machine. */
#define KDF_MAX_MEMLIMIT ((gsize) 4 << 30)

gboolean
_sayso_secret_key_write_protected_with (const guint8  sk[SAYSO_BOX_SECRET_KEY_SIZE],
                                        const char   *passphrase,
                                        const char   *path,
                                        guint64       opslimit,
                                        gsize         memlimit,
                                        GError      **error)
{
  guint8 blob[crypto_pwhash_SALTBYTES + crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + SAYSO_BOX_SECRET_KEY_SIZE];
  guint8 *salt = blob;
  guint8 *nonce = blob + crypto_pwhash_SALTBYTES;
  guint8 *box = nonce + crypto_secretbox_NONCEBYTES;
  guint8 *key;
  g_autofree char *b64 = NULL;
  g_autofree char *text = NULL;
  int fd;
  gsize len;

  g_return_val_if_fail (sk != NULL && passphrase != NULL && path != NULL, FALSE);

  if (strlen (passphrase) < 8)
    {
      g_set_error (error, SAYSO_CRYPTO_ERROR, SAYSO_CRYPTO_ERROR_BAD_KEY,
                   "the passphrase must be at least 8 characters");
      return FALSE;
    }

  key = sodium_malloc (crypto_secretbox_KEYBYTES);
  randombytes_buf (salt, crypto_pwhash_SALTBYTES);
  randombytes_buf (nonce, crypto_secretbox_NONCEBYTES);
  if (crypto_pwhash (key, crypto_secretbox_KEYBYTES, passphrase, strlen (passphrase), salt,
                     opslimit, memlimit, crypto_pwhash_ALG_ARGON2ID13) != 0)
    {
      sodium_free (key);
      g_set_error (error, SAYSO_CRYPTO_ERROR, SAYSO_CRYPTO_ERROR_FAILED, "not enough memory to protect the key");
      return FALSE;
    }
  crypto_secretbox_easy (box, sk, SAYSO_BOX_SECRET_KEY_SIZE, nonce, key);
  sodium_free (key);

  /* The KDF's parameters go with the file, so that a later Sayso whose
   * defaults are stronger still opens it. */
  b64 = g_base64_encode (blob, sizeof blob);
  text = g_strdup_printf ("# Sayso analysts' SECRET key (X25519), under a passphrase (Argon2id + XSalsa20-Poly1305).\n"
                          "# The KDF line gives the algorithm, opslimit and memlimit (bytes) the key was made with.\n"
                          "# The base64 is salt (16) || nonce (24) || secretbox of the 32-byte key.\n"
                          "%s %s %" G_GUINT64_FORMAT " %" G_GSIZE_FORMAT "\n"
                          "%s %s\n", KDF_TAG, KDF_ARGON2ID13, opslimit, memlimit, PROTECTED_TAG, b64);
  len = strlen (text);

  fd = g_open (path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      int saved = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved), "%s: cannot create: %s", path, g_strerror (saved));
      return FALSE;
    }
  if (write (fd, text, len) != (gssize) len || fsync (fd) != 0)
    {
      int saved = errno;
      close (fd);
      g_unlink (path);
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved), "%s: cannot write: %s", path, g_strerror (saved));
      return FALSE;
    }
  close (fd);
  return TRUE;
}

gboolean
sayso_secret_key_write_protected (const guint8  sk[SAYSO_BOX_SECRET_KEY_SIZE],
                                  const char   *passphrase,
                                  const char   *path,
                                  GError      **error)
{
  return _sayso_secret_key_write_protected_with (sk, passphrase, path, crypto_pwhash_OPSLIMIT_MODERATE,
                                                 crypto_pwhash_MEMLIMIT_MODERATE, error);
}

/* The passphrase-protected key's line and its KDF line (NULL in files made
 * before it), if the file has them. The file may hold a plain secret key
 * instead: what was read is wiped either way. */
static char *
protected_line (const char  *path,
                char       **kdf)
{
  char *text = NULL;
  char *line = NULL;
  gsize len = 0;

  if (kdf)
    *kdf = NULL;
  if (!g_file_get_contents (path, &text, &len, NULL))
    return NULL;
  for (char *p = text; p != NULL && *p; )
    {
      char *end = strchr (p, '\n');

      if (kdf && *kdf == NULL && g_str_has_prefix (p, KDF_TAG " "))
        {
          p += strlen (KDF_TAG) + 1;
          *kdf = g_strstrip (end ? g_strndup (p, end - p) : g_strdup (p));
        }
      else if (g_str_has_prefix (p, PROTECTED_TAG " "))
        {
          p += strlen (PROTECTED_TAG) + 1;
          line = g_strstrip (end ? g_strndup (p, end - p) : g_strdup (p));
          break;
        }
      p = end ? end + 1 : NULL;
    }
  sodium_memzero (text, len);
  g_free (text);
  if (line == NULL && kdf)
    g_clear_pointer (kdf, g_free);
  return line;
}

static gboolean
parse_kdf (const char  *path,
           const char  *kdf,
           guint64     *opslimit,
           gsize       *memlimit,
           GError     **error)
{
  g_auto(GStrv) fields = NULL;
  guint64 ops = 0, mem = 0;

  if (kdf == NULL)
    {
      *opslimit = KDF_OLD_OPSLIMIT;
      *memlimit = KDF_OLD_MEMLIMIT;
      return TRUE;
    }

  fields = g_strsplit_set (kdf, " \t", -1);
  if (g_strv_length (fields) != 3 || strcmp (fields[0], KDF_ARGON2ID13) != 0)
    {
      g_set_error (error, SAYSO_CRYPTO_ERROR, SAYSO_CRYPTO_ERROR_BAD_KEY,
                   "%s: the key's %s line names no KDF this Sayso knows (it knows “%s OPSLIMIT MEMLIMIT”)",
                   path, KDF_TAG, KDF_ARGON2ID13);
      return FALSE;
    }
  if (!g_ascii_string_to_unsigned (fields[1], 10, crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_OPSLIMIT_MAX, &ops, NULL) ||
      !g_ascii_string_to_unsigned (fields[2], 10, crypto_pwhash_MEMLIMIT_MIN,
                                   MIN ((guint64) crypto_pwhash_MEMLIMIT_MAX, (guint64) KDF_MAX_MEMLIMIT), &mem, NULL))
    {
      g_set_error (error, SAYSO_CRYPTO_ERROR, SAYSO_CRYPTO_ERROR_BAD_KEY,
                   "%s: the key's %s line has an opslimit or memlimit out of range", path, KDF_TAG);
      return FALSE;
    }
  *opslimit = ops;
  *memlimit = (gsize) mem;
  return TRUE;
}

gboolean
sayso_secret_key_is_protected (const char *path)
{
  g_autofree char *line = protected_line (path, NULL);
  return line != NULL;
}

gboolean
sayso_secret_key_read (const char  *path,
                       const char  *passphrase,
                       guint8       sk[SAYSO_BOX_SECRET_KEY_SIZE],
                       GError     **error)
{
  g_autofree char *line = NULL;
  g_autofree char *kdf = NULL;
  g_autofree guint8 *blob = NULL;
  guint64 opslimit = 0;
  gsize memlimit = 0;
  guint8 *key;
  gsize len = 0;
  gboolean ok;

  g_return_val_if_fail (path != NULL && sk != NULL, FALSE);

  if (!(line = protected_line (path, &kdf)))
    return sayso_key_read_file (SAYSO_KEY_RECIPIENT_SECRET, path, sk, error);

  if (passphrase == NULL)
    {
      g_set_error (error, SAYSO_CRYPTO_ERROR, SAYSO_CRYPTO_ERROR_BAD_KEY,
                   "%s: the key is under a passphrase, and none was given", path);
      return FALSE;
    }

  if (!parse_kdf (path, kdf, &opslimit, &memlimit, error))
    return FALSE;

  blob = g_base64_decode (line, &len);
  if (len != crypto_pwhash_SALTBYTES + crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + SAYSO_BOX_SECRET_KEY_SIZE)
    {
      g_set_error (error, SAYSO_CRYPTO_ERROR, SAYSO_CRYPTO_ERROR_BAD_KEY, "%s: the protected key is damaged", path);
      return FALSE;
    }

  key = sodium_malloc (crypto_secretbox_KEYBYTES);
  ok = crypto_pwhash (key, crypto_secretbox_KEYBYTES, passphrase, strlen (passphrase), blob,
                      opslimit, memlimit, crypto_pwhash_ALG_ARGON2ID13) == 0 &&
       crypto_secretbox_open_easy (sk, blob + crypto_pwhash_SALTBYTES + crypto_secretbox_NONCEBYTES,
                                   len - crypto_pwhash_SALTBYTES - crypto_secretbox_NONCEBYTES,
                                   blob + crypto_pwhash_SALTBYTES, key) == 0;
  sodium_free (key);

  if (!ok)
    g_set_error (error, SAYSO_CRYPTO_ERROR, SAYSO_CRYPTO_ERROR_BAD_KEY, "%s: wrong passphrase", path);
  return ok;
}

GBytes *
sayso_seal (const guint8  recipient_pk[SAYSO_BOX_PUBLIC_KEY_SIZE],
            GBytes       *plaintext,
            gsize         block_size,
            GError      **error)
{
  g_autoptr(SaysoSealer) sealer = NULL;

  g_return_val_if_fail (recipient_pk != NULL, NULL);

  sealer = sayso_sealer_new (recipient_pk);
  return sayso_sealer_seal (sealer, plaintext, block_size, error);
}

static void
wipe_free (gpointer data,
           gsize    len)
{
  sodium_memzero (data, len);
  g_free (data);
}

typedef struct
{
  guint8 *data;
  gsize   len;
} WipeBlock;

static void
wipe_block_free (gpointer data)
{
  WipeBlock *block = data;
  wipe_free (block->data, block->len);
  g_free (block);
}

/* The plaintext of a record is wiped when the last reference goes. */
static GBytes *
bytes_new_wiped (guint8 *data,
                 gsize   len,
                 gsize   alloc_len)
{
  WipeBlock *block = g_new (WipeBlock, 1);

  block->data = data;
  block->len = alloc_len;
  return g_bytes_new_with_free_func (data, len, wipe_block_free, block);
}

GBytes *
sayso_unseal (const guint8  recipient_sk[SAYSO_BOX_SECRET_KEY_SIZE],
              GBytes       *sealed,
              GError      **error)
{
  guint8 pk[SAYSO_BOX_PUBLIC_KEY_SIZE];

  g_return_val_if_fail (recipient_sk != NULL, NULL);
  g_return_val_if_fail (sealed != NULL, NULL);

  crypto_scalarmult_base (pk, recipient_sk);
  return sayso_unseal_with_keypair (pk, recipient_sk, sealed, error);
}

GBytes *
sayso_unseal_with_keypair (const guint8  recipient_pk[SAYSO_BOX_PUBLIC_KEY_SIZE],
                           const guint8  recipient_sk[SAYSO_BOX_SECRET_KEY_SIZE],
                           GBytes       *sealed,
                           GError      **error)
{
  gsize len, padded_len, unpadded_len = 0;
  gconstpointer data;
  guint8 *buf;

  g_return_val_if_fail (recipient_pk != NULL, NULL);
  g_return_val_if_fail (recipient_sk != NULL, NULL);
  g_return_val_if_fail (sealed != NULL, NULL);

  data = g_bytes_get_data (sealed, &len);
  if (len <= crypto_box_SEALBYTES)
    {
      g_set_error (error, SAYSO_CRYPTO_ERROR, SAYSO_CRYPTO_ERROR_CANNOT_OPEN,
                   "the sealed record is too short (%" G_GSIZE_FORMAT " bytes)", len);
      return NULL;
    }

  padded_len = len - crypto_box_SEALBYTES;
  buf = g_malloc (padded_len);

  if (crypto_box_seal_open (buf, data, len, recipient_pk, recipient_sk) != 0)
    {
      g_free (buf);
      g_set_error (error, SAYSO_CRYPTO_ERROR, SAYSO_CRYPTO_ERROR_CANNOT_OPEN,
                   "the record cannot be opened: wrong secret key, or it was altered");
      return NULL;
    }

  /* sodium_unpad's constant-time loop guards a length this process is about
   * to read anyway; scanning back from the end costs a tenth of it. */
  unpadded_len = padded_len;
  while (unpadded_len >= sizeof (guint64))   /* a word at a time over the zeros */
    {
      guint64 word;

      memcpy (&word, buf + unpadded_len - sizeof word, sizeof word);
      if (word != 0)
        break;
      unpadded_len -= sizeof word;
    }
  while (unpadded_len > 0 && buf[unpadded_len - 1] == 0)
    unpadded_len--;
  if (unpadded_len == 0 || buf[--unpadded_len] != 0x80)
    {
      wipe_free (buf, padded_len);
      g_set_error (error, SAYSO_CRYPTO_ERROR, SAYSO_CRYPTO_ERROR_CANNOT_OPEN,
                   "the record opened but its padding is malformed");
      return NULL;
    }

  return bytes_new_wiped (buf, unpadded_len, padded_len);
}

void
sayso_secret_text_free (SaysoSecretText *text)
{
  if (text == NULL)
    return;
  sodium_memzero (text, strlen (text));
  g_free (text);
}

void
sayso_secret_key_clear (SaysoSecretKey *key)
{
  g_return_if_fail (key != NULL);
  sodium_memzero (key->bytes, sizeof key->bytes);
}
