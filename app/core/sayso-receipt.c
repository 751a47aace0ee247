/* sayso-receipt.c: the collection service's signed receipt.
 *
 * The receipt is text, signed as it is sent: a reader checks the signature
 * over the bytes it received and only then parses them, so no two writers
 * need agree on how JSON is spaced or escaped.
 */
#define G_LOG_DOMAIN "sayso-receipt"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <sodium.h>
#include <string.h>
#include <unistd.h>

#include "sayso-json-limits.h"
#include "sayso-receipt.h"

/* {"sayso_receipt": 1, …} is one deep; written by the service, a margin of 1. */
#define RECEIPT_DEPTH 2
#define HASH_BLOCK (1024 * 1024)

G_DEFINE_QUARK (sayso-receipt-error-quark, sayso_receipt_error)

gboolean
sayso_receipt_hash_file (const char  *path,
                         guint8       hash[SAYSO_RECEIPT_HASH_SIZE],
                         GError     **error)
{
  g_autofree guint8 *buffer = NULL;
  crypto_generichash_state state;
  int fd;

  g_return_val_if_fail (path != NULL && hash != NULL, FALSE);

  fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0)
    {
      int saved = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved), "%s: cannot open: %s", path, g_strerror (saved));
      return FALSE;
    }

  buffer = g_malloc (HASH_BLOCK);
  crypto_generichash_init (&state, NULL, 0, SAYSO_RECEIPT_HASH_SIZE);
  for (;;)
    {
      gssize n = read (fd, buffer, HASH_BLOCK);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved = errno;
          close (fd);
          g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved), "%s: cannot read: %s", path, g_strerror (saved));
          return FALSE;
        }
      if (n == 0)
        break;
      crypto_generichash_update (&state, buffer, n);
    }
  close (fd);
  crypto_generichash_final (&state, hash, SAYSO_RECEIPT_HASH_SIZE);
  return TRUE;
}

char *
sayso_receipt_to_text (const SaysoReceipt *receipt)
{
  g_autofree char *service = NULL;
  g_autofree char *kiosk = NULL;
  g_autofree char *site = NULL;
  char hash[SAYSO_RECEIPT_HASH_SIZE * 2 + 1];
  g_autoptr(JsonNode) node = NULL;

  g_return_val_if_fail (receipt != NULL && receipt->site != NULL, NULL);

  service = g_base64_encode (receipt->service_pk, sizeof receipt->service_pk);
  kiosk = g_base64_encode (receipt->kiosk_pk, sizeof receipt->kiosk_pk);
  node = json_node_init_string (json_node_alloc (), receipt->site);
  site = json_to_string (node, FALSE);
  sodium_bin2hex (hash, sizeof hash, receipt->bundle_hash, sizeof receipt->bundle_hash);

  return g_strdup_printf ("{\"sayso_receipt\":%d,\"service\":\"%s\",\"kiosk\":\"%s\",\"site\":%s,"
                          "\"sequence\":%" G_GINT64_FORMAT ",\"record_count\":%" G_GINT64_FORMAT ",\"bundle\":\"%s\"}",
                          SAYSO_RECEIPT_FORMAT, service, kiosk, site, receipt->sequence, receipt->record_count, hash);
}

char *
sayso_receipt_sign (const char   *text,
                    const guint8  service_sk[SAYSO_SIGN_SECRET_KEY_SIZE])
{
  guint8 signature[crypto_sign_BYTES];

  g_return_val_if_fail (text != NULL && service_sk != NULL, NULL);

  crypto_sign_detached (signature, NULL, (const guint8 *) text, strlen (text), service_sk);
  return g_base64_encode (signature, sizeof signature);
}

static gboolean
malformed (GError     **error,
           const char  *what)
{
  g_set_error (error, SAYSO_RECEIPT_ERROR, SAYSO_RECEIPT_ERROR_MALFORMED,
               "the receipt's signature holds, but %s", what);
  return FALSE;
}

static const char *
string_member (JsonObject *object,
               const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static gboolean
key_member (JsonObject *object,
            const char *name,
            guint8      key[SAYSO_SIGN_PUBLIC_KEY_SIZE])
{
  const char *text = string_member (object, name);
  g_autofree guchar *raw = NULL;
  gsize len = 0;

  if (text == NULL || (raw = g_base64_decode (text, &len)) == NULL || len != SAYSO_SIGN_PUBLIC_KEY_SIZE)
    return FALSE;
  memcpy (key, raw, len);
  return TRUE;
}

static gboolean
int_member (JsonObject *object,
            const char *name,
            gint64     *out)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return FALSE;
  *out = json_node_get_int (node);
  return TRUE;
}

gboolean
sayso_receipt_verify (const char    *text,
                      gsize          len,
                      const char    *signature,
                      const guint8   service_pk[SAYSO_SIGN_PUBLIC_KEY_SIZE],
                      SaysoReceipt  *out,
                      GError       **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autofree guchar *raw = NULL;
  const SaysoJsonLimits limits = { "a receipt", SAYSO_RECEIPT_MAX_BYTES, RECEIPT_DEPTH };
  g_auto(SaysoReceipt) receipt = { 0 };
  JsonObject *root;
  const char *s;
  gint64 format = 0;
  gsize raw_len = 0, hash_len = 0;

  g_return_val_if_fail (text != NULL && signature != NULL && service_pk != NULL, FALSE);

  raw = g_base64_decode (signature, &raw_len);
  if (raw_len != crypto_sign_BYTES || len > SAYSO_RECEIPT_MAX_BYTES ||
      crypto_sign_verify_detached (raw, (const guint8 *) text, len, service_pk) != 0)
    {
      g_set_error (error, SAYSO_RECEIPT_ERROR, SAYSO_RECEIPT_ERROR_BAD_SIGNATURE,
                   "the receipt is not signed by the collection service's key: the answer did not come from "
                   "the service (a captive portal, a proxy or an impostor), or was altered on the way");
      return FALSE;
    }

  if (!sayso_json_check_limits (text, len, &limits, "the receipt", 0, error))
    return FALSE;
  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, text, len, NULL) || json_parser_get_root (parser) == NULL ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return malformed (error, "it is not a JSON object");
  root = json_node_get_object (json_parser_get_root (parser));

  if (!int_member (root, "sayso_receipt", &format) || format != SAYSO_RECEIPT_FORMAT)
    return malformed (error, "it is not a receipt of format 1");
  if (!key_member (root, "service", receipt.service_pk))
    return malformed (error, "it names no service key");
  if (sodium_memcmp (receipt.service_pk, service_pk, SAYSO_SIGN_PUBLIC_KEY_SIZE) != 0)
    {
      g_set_error (error, SAYSO_RECEIPT_ERROR, SAYSO_RECEIPT_ERROR_WRONG_SERVICE,
                   "the receipt names another collection service than the one whose key was given");
      return FALSE;
    }
  if (!key_member (root, "kiosk", receipt.kiosk_pk))
    return malformed (error, "it names no kiosk");
  if ((s = string_member (root, "site")) == NULL)
    return malformed (error, "it names no site");
  receipt.site = g_strdup (s);
  if (!int_member (root, "sequence", &receipt.sequence) || !int_member (root, "record_count", &receipt.record_count))
    return malformed (error, "it has no sequence number or record count");
  s = string_member (root, "bundle");
  if (s == NULL || strlen (s) != SAYSO_RECEIPT_HASH_SIZE * 2 ||
      sodium_hex2bin (receipt.bundle_hash, sizeof receipt.bundle_hash, s, strlen (s), NULL, &hash_len, NULL) != 0 ||
      hash_len != SAYSO_RECEIPT_HASH_SIZE)
    return malformed (error, "it names no bundle hash");

  if (out)
    {
      *out = receipt;
      memset (&receipt, 0, sizeof receipt);
    }
  return TRUE;
}

void
sayso_receipt_clear (SaysoReceipt *receipt)
{
  if (receipt == NULL)
    return;
  g_clear_pointer (&receipt->site, g_free);
}
