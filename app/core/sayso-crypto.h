/* sayso-crypto.h: keys, sealing and signing, all through libsodium. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define SAYSO_CRYPTO_ERROR (sayso_crypto_error_quark ())

typedef enum
{
  SAYSO_CRYPTO_ERROR_FAILED,
  SAYSO_CRYPTO_ERROR_BAD_KEY,     /* a key file that is not what it claims */
  SAYSO_CRYPTO_ERROR_CANNOT_OPEN, /* wrong key, or the sealed record was altered */
  SAYSO_CRYPTO_ERROR_TOO_LARGE,
} SaysoCryptoError;

#define SAYSO_BOX_PUBLIC_KEY_SIZE  32
#define SAYSO_BOX_SECRET_KEY_SIZE  32
#define SAYSO_SIGN_PUBLIC_KEY_SIZE 32
#define SAYSO_SIGN_SECRET_KEY_SIZE 64
#define SAYSO_SEAL_OVERHEAD        48  /* crypto_box_SEALBYTES */

typedef enum
{
  SAYSO_KEY_RECIPIENT_PUBLIC,
  SAYSO_KEY_RECIPIENT_SECRET,
  SAYSO_KEY_KIOSK_PUBLIC,
  SAYSO_KEY_SERVICE_PUBLIC,   /* the collection service's receipts (Ed25519) */
} SaysoKeyKind;

GQuark    sayso_crypto_error_quark     (void);

void      sayso_crypto_init            (void);

void      sayso_random_bytes           (guint8       *buf,
                                        gsize         len);

void      sayso_recipient_keypair_new  (guint8        pk[SAYSO_BOX_PUBLIC_KEY_SIZE],
                                        guint8        sk[SAYSO_BOX_SECRET_KEY_SIZE]);
void      sayso_recipient_public_from_secret (const guint8 sk[SAYSO_BOX_SECRET_KEY_SIZE],
                                              guint8       pk[SAYSO_BOX_PUBLIC_KEY_SIZE]);
void      sayso_sign_keypair_new       (guint8        pk[SAYSO_SIGN_PUBLIC_KEY_SIZE],
                                        guint8        sk[SAYSO_SIGN_SECRET_KEY_SIZE]);

char     *sayso_key_to_text            (SaysoKeyKind  kind,
                                        const guint8 *key) G_GNUC_WARN_UNUSED_RESULT;
/* A short fingerprint of the analysts' public key, for people to compare
 * by eye: "ABCD-EF01-2345-6789" (docs/format.md). */
char     *sayso_key_fingerprint        (const guint8  pk[SAYSO_BOX_PUBLIC_KEY_SIZE]) G_GNUC_WARN_UNUSED_RESULT;
gboolean  sayso_key_from_text          (SaysoKeyKind  kind,
                                        const char   *text,
                                        gsize         len,
                                        const char   *origin,
                                        guint8       *key,
                                        GError      **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean  sayso_key_write_file         (SaysoKeyKind  kind,
                                        const guint8 *key,
                                        const char   *path,
                                        GError      **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean  sayso_key_read_file          (SaysoKeyKind  kind,
                                        const char   *path,
                                        guint8       *key,
                                        GError      **error) G_GNUC_WARN_UNUSED_RESULT;
/* A public key given on a command line: the file that holds it, or its text;
 * @origin names the argument in errors about the text. */
gboolean  sayso_key_read_argument      (SaysoKeyKind  kind,
                                        const char   *argument,
                                        const char   *origin,
                                        guint8       *key,
                                        GError      **error) G_GNUC_WARN_UNUSED_RESULT;

/* A sealer seals many records to one recipient. Sealing needs a fresh
 * ephemeral X25519 key pair and a key exchange, which depend only on the
 * recipient: sayso_sealer_prepare() does that work ahead of time (while a
 * respondent is answering), so that sealing itself is one secretbox. The
 * output is exactly crypto_box_seal's. */
typedef struct _SaysoSealer SaysoSealer;

SaysoSealer *sayso_sealer_new          (const guint8  recipient_pk[SAYSO_BOX_PUBLIC_KEY_SIZE]);
void      sayso_sealer_free            (SaysoSealer  *sealer);
void      sayso_sealer_prepare         (SaysoSealer  *sealer);
gboolean  sayso_sealer_is_prepared     (SaysoSealer  *sealer);
GBytes   *sayso_sealer_seal            (SaysoSealer  *sealer,
                                        GBytes       *plaintext,
                                        gsize         block_size,
                                        GError      **error) G_GNUC_WARN_UNUSED_RESULT;

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SaysoSealer, sayso_sealer_free)

/* The analysts' secret key, optionally under a passphrase (Argon2id + secretbox). */
gboolean  sayso_secret_key_write_protected (const guint8  sk[SAYSO_BOX_SECRET_KEY_SIZE],
                                            const char   *passphrase,
                                            const char   *path,
                                            GError      **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean  sayso_secret_key_is_protected    (const char   *path);
gboolean  sayso_secret_key_read            (const char   *path,
                                            const char   *passphrase,
                                            guint8        sk[SAYSO_BOX_SECRET_KEY_SIZE],
                                            GError      **error) G_GNUC_WARN_UNUSED_RESULT;

GBytes   *sayso_seal                   (const guint8  recipient_pk[SAYSO_BOX_PUBLIC_KEY_SIZE],
                                        GBytes       *plaintext,
                                        gsize         block_size,
                                        GError      **error) G_GNUC_WARN_UNUSED_RESULT;
GBytes   *sayso_unseal                 (const guint8  recipient_sk[SAYSO_BOX_SECRET_KEY_SIZE],
                                        GBytes       *sealed,
                                        GError      **error) G_GNUC_WARN_UNUSED_RESULT;
/* The same, with the public key that goes with @recipient_sk given rather
 * than derived: deriving it costs as much as opening a record, so whoever
 * opens many derives it once. */
GBytes   *sayso_unseal_with_keypair    (const guint8  recipient_pk[SAYSO_BOX_PUBLIC_KEY_SIZE],
                                        const guint8  recipient_sk[SAYSO_BOX_SECRET_KEY_SIZE],
                                        GBytes       *sealed,
                                        GError      **error) G_GNUC_WARN_UNUSED_RESULT;

/* Secrets that clean up after themselves, wherever a function returns:
 *   g_autoptr(SaysoSecretText) pin = ...;     a PIN or passphrase string
 *   g_auto(SaysoSecretKey) sk = { 0 };       the analysts' secret key, sk.bytes */
typedef char SaysoSecretText;
void      sayso_secret_text_free           (SaysoSecretText *text);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SaysoSecretText, sayso_secret_text_free)

typedef struct
{
  guint8 bytes[SAYSO_BOX_SECRET_KEY_SIZE];
} SaysoSecretKey;
void      sayso_secret_key_clear           (SaysoSecretKey *key);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (SaysoSecretKey, sayso_secret_key_clear)

G_END_DECLS
