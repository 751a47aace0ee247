/* sayso-store.c: sealing responses into a kiosk store.
 *
 * A response is validated, encoded, padded to its questionnaire's record size
 * and sealed before anything touches the disk; only then is it inserted, in
 * one transaction, under a random id. The plaintext never leaves memory.
 */
#define G_LOG_DOMAIN "sayso-store"

#include <sodium.h>
#include <string.h>

#include "sayso-bundle.h"
#include "sayso-store-private.h"

struct _SaysoStore
{
  GObject       parent_instance;

  SaysoDb      *db;
  SaysoDbKiosk  kiosk;
  SaysoSealer  *sealer;

  /* Settling the WAL after a submit, once the main loop is idle. */
  GMainContext *settle_context;
  GSource      *settle_source;
};

G_DEFINE_FINAL_TYPE (SaysoStore, sayso_store, G_TYPE_OBJECT)

static void
sayso_store_finalize (GObject *object)
{
  SaysoStore *self = (SaysoStore *)object;

  if (self->settle_source != NULL)
    g_source_destroy (self->settle_source);
  g_clear_pointer (&self->settle_source, g_source_unref);
  g_clear_pointer (&self->settle_context, g_main_context_unref);
  g_clear_pointer (&self->db, sayso_db_close);
  g_clear_pointer (&self->sealer, sayso_sealer_free);
  sayso_db_kiosk_clear (&self->kiosk);

  G_OBJECT_CLASS (sayso_store_parent_class)->finalize (object);
}

static void
sayso_store_class_init (SaysoStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sayso_store_finalize;
}

static void
sayso_store_init (SaysoStore *self)
{
}

void
sayso_store_delete_files (const char *path)
{
  g_return_if_fail (path != NULL);
  sayso_db_delete_files (path);
}

SaysoStore *
sayso_store_create (const char    *path,
                    const char    *site,
                    const guint8   recipient_pk[SAYSO_BOX_PUBLIC_KEY_SIZE],
                    GError       **error)
{
  g_autoptr(SaysoStore) self = NULL;
  g_autofree char *site_copy = NULL;
  glong site_len;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (site != NULL, NULL);
  g_return_val_if_fail (recipient_pk != NULL, NULL);

  sayso_crypto_init ();

  site_copy = g_strstrip (g_strdup (site));
  site_len = g_utf8_validate (site_copy, -1, NULL) ? g_utf8_strlen (site_copy, -1) : -1;
  if (site_len < 1 || site_len > SAYSO_SITE_MAX_CHARS)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "the site name must be 1 to %d characters of text", SAYSO_SITE_MAX_CHARS);
      return NULL;
    }
  for (const char *c = site_copy; *c; c++)
    if ((guchar) *c < 0x20)
      {
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                     "the site name must not hold control characters");
        return NULL;
      }

  self = g_object_new (SAYSO_TYPE_STORE, NULL);
  if (!(self->db = sayso_db_open (path, SAYSO_DB_OPEN_CREATE, error)))
    return NULL;

  self->kiosk.site = g_steal_pointer (&site_copy);
  memcpy (self->kiosk.recipient_pk, recipient_pk, SAYSO_BOX_PUBLIC_KEY_SIZE);
  sayso_sign_keypair_new (self->kiosk.sign_pk, self->kiosk.sign_sk);

  if (!sayso_db_set_kiosk (self->db, &self->kiosk, error))
    return NULL;

  self->sealer = sayso_sealer_new (self->kiosk.recipient_pk);
  return g_steal_pointer (&self);
}

SaysoStore *
sayso_store_open (const char  *path,
                  GError     **error)
{
  g_autoptr(SaysoStore) self = NULL;

  g_return_val_if_fail (path != NULL, NULL);

  sayso_crypto_init ();

  self = g_object_new (SAYSO_TYPE_STORE, NULL);
  if (!(self->db = sayso_db_open (path, SAYSO_DB_OPEN_EXISTING, error)) ||
      !sayso_db_get_kiosk (self->db, &self->kiosk, error))
    return NULL;

  self->sealer = sayso_sealer_new (self->kiosk.recipient_pk);
  return g_steal_pointer (&self);
}

/**
 * sayso_store_needs_reopen:
 *
 * Returns: %TRUE once the disk failed a write or a sync: the store writes
 * nothing more until sayso_store_reopen(). A full disk does not count; the
 * store takes responses again as soon as there is room.
 */
gboolean
sayso_store_needs_reopen (SaysoStore *self)
{
  g_return_val_if_fail (SAYSO_IS_STORE (self), FALSE);
  return sayso_db_needs_reopen (self->db);
}

/**
 * sayso_store_reopen:
 *
 * Opens the store's file again, as a restart would, and writes through the
 * new handle from then on; SQLite's recovery then reads what truly reached
 * the disk. Everyone holding this store follows. On failure the old handle
 * stays, still writing nothing.
 */
gboolean
sayso_store_reopen (SaysoStore  *self,
                    GError     **error)
{
  g_autoptr(SaysoDb) db = NULL;
  SaysoDbKiosk kiosk = { 0 };
  gboolean same;

  g_return_val_if_fail (SAYSO_IS_STORE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!(db = sayso_db_open (sayso_db_get_path (self->db), SAYSO_DB_OPEN_EXISTING, error)) ||
      !sayso_db_get_kiosk (db, &kiosk, error))
    return FALSE;

  /* The same path could now hold another store (a restore from a copy): the
   * sealer and the signing key held here must still be this file's. */
  same = sodium_memcmp (kiosk.recipient_pk, self->kiosk.recipient_pk, sizeof kiosk.recipient_pk) == 0 &&
         sodium_memcmp (kiosk.sign_pk, self->kiosk.sign_pk, sizeof kiosk.sign_pk) == 0;
  sayso_db_kiosk_clear (&kiosk);
  if (!same)
    {
      g_set_error (error, SAYSO_DB_ERROR, SAYSO_DB_ERROR_CORRUPT,
                   "%s: the file now holds another kiosk's store; restart Sayso", sayso_db_get_path (db));
      return FALSE;
    }

  sayso_db_set_settle_later (db, self->settle_context != NULL);
  sayso_db_close (self->db);
  self->db = g_steal_pointer (&db);
  return TRUE;
}

static gboolean settle_now (gpointer data);

static void
settle_soon (SaysoStore *self,
             guint       delay_msec)
{
  if (self->settle_source != NULL)
    return;
  self->settle_source = delay_msec ? g_timeout_source_new (delay_msec) : g_idle_source_new ();
  g_source_set_priority (self->settle_source, G_PRIORITY_DEFAULT_IDLE);
  g_source_set_callback (self->settle_source, settle_now, self, NULL);
  g_source_set_static_name (self->settle_source, "[sayso] settle the store's WAL");
  g_source_attach (self->settle_source, self->settle_context);
}

static gboolean
settle_now (gpointer data)
{
  SaysoStore *self = data;
  gboolean settled = sayso_db_settle (self->db);

  g_clear_pointer (&self->settle_source, g_source_unref);
  /* A reader in another connection (the staff's export) holds the WAL:
   * again in a second. A handle that stopped writing waits for its reopen. */
  if (!settled && !sayso_db_needs_reopen (self->db))
    settle_soon (self, 1000);
  return G_SOURCE_REMOVE;
}

/**
 * sayso_store_settle_when_idle:
 *
 * For the kiosk: a submit returns as soon as the response is safe on the
 * disk, and the store's WAL, which holds the pages the response went to
 * until it is settled, is settled when the calling thread's main loop is
 * next idle (a millisecond later), instead of while the respondent waits.
 * It is settled anyway before the next write and when the store is closed.
 */
void
sayso_store_settle_when_idle (SaysoStore *self)
{
  g_return_if_fail (SAYSO_IS_STORE (self));

  if (self->settle_context != NULL)
    return;
  self->settle_context = g_main_context_ref_thread_default ();
  sayso_db_set_settle_later (self->db, TRUE);
}

const char *
sayso_store_get_path (SaysoStore *self)
{
  g_return_val_if_fail (SAYSO_IS_STORE (self), NULL);
  return sayso_db_get_path (self->db);
}

const char *
sayso_store_get_site (SaysoStore *self)
{
  g_return_val_if_fail (SAYSO_IS_STORE (self), NULL);
  return self->kiosk.site;
}

const guint8 *
sayso_store_get_recipient_key (SaysoStore *self)
{
  g_return_val_if_fail (SAYSO_IS_STORE (self), NULL);
  return self->kiosk.recipient_pk;
}

const guint8 *
sayso_store_get_kiosk_key (SaysoStore *self)
{
  g_return_val_if_fail (SAYSO_IS_STORE (self), NULL);
  return self->kiosk.sign_pk;
}

SaysoDb *
_sayso_store_get_db (SaysoStore *self)
{
  g_return_val_if_fail (SAYSO_IS_STORE (self), NULL);
  return self->db;
}

typedef struct
{
  guint8  id[SAYSO_DB_RECORD_ID_SIZE];
  char   *questionnaire;
  gint64  version;
  GBytes *sealed;
  guint8  hash[SAYSO_BUNDLE_HASH_SIZE];
} Sealed;

static void
sealed_free (Sealed *sealed)
{
  g_free (sealed->questionnaire);
  g_clear_pointer (&sealed->sealed, g_bytes_unref);
  g_free (sealed);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Sealed, sealed_free)

static Sealed *
seal_response (SaysoStore     *self,
               SaysoResponse  *response,
               const char     *day,
               SaysoMode       mode,
               GError        **error)
{
  SaysoQuestionnaire *questionnaire = sayso_response_get_questionnaire (response);
  g_autoptr(Sealed) sealed = g_new0 (Sealed, 1);
  g_autoptr(GBytes) plaintext = NULL;

  if (!sayso_response_validate (response, error))
    return NULL;

  plaintext = sayso_record_encode (response, day, mode, self->kiosk.site);
  sealed->sealed = sayso_sealer_seal (self->sealer, plaintext,
                                      sayso_questionnaire_get_record_size (questionnaire), error);
  if (sealed->sealed == NULL)
    return NULL;

  /* Hashed once, here: the export lists this hash instead of hashing every
   * record again, and its read-back then checks the record end to end. */
  sayso_bundle_record_hash (g_bytes_get_data (sealed->sealed, NULL), g_bytes_get_size (sealed->sealed),
                            sealed->hash);
  memcpy (sealed->id, sayso_response_get_record_id (response), sizeof sealed->id);
  sealed->questionnaire = g_strdup (sayso_questionnaire_get_id (questionnaire));
  sealed->version = sayso_questionnaire_get_version (questionnaire);
  return g_steal_pointer (&sealed);
}

gboolean
sayso_store_submit_all (SaysoStore  *self,
                        GPtrArray   *responses,
                        SaysoMode    mode,
                        GError     **error)
{
  g_autoptr(GPtrArray) sealed = NULL;
  g_autofree char *day = NULL;

  g_return_val_if_fail (SAYSO_IS_STORE (self), FALSE);
  g_return_val_if_fail (responses != NULL, FALSE);

  day = sayso_today ();
  sealed = g_ptr_array_new_with_free_func ((GDestroyNotify) sealed_free);

  /* Seal everything first: the transaction holds the write lock, and
   * sealing is the slow part. */
  for (guint i = 0; i < responses->len; i++)
    {
      Sealed *one = seal_response (self, g_ptr_array_index (responses, i), day, mode, error);
      if (one == NULL)
        return FALSE;
      g_ptr_array_add (sealed, one);
    }

  if (!sayso_db_begin (self->db, error))
    return FALSE;

  for (guint i = 0; i < sealed->len; i++)
    {
      Sealed *one = g_ptr_array_index (sealed, i);

      if (!sayso_db_insert_response (self->db, one->id, one->questionnaire, one->version, one->sealed, one->hash, error))
        {
          sayso_db_rollback (self->db);
          return FALSE;
        }
    }

  if (!sayso_db_commit (self->db, error))
    return FALSE;

  if (self->settle_context != NULL)
    settle_soon (self, 0);
  return TRUE;
}

gboolean
sayso_store_submit (SaysoStore     *self,
                    SaysoResponse  *response,
                    SaysoMode       mode,
                    GError        **error)
{
  g_autoptr(GPtrArray) one = g_ptr_array_new ();

  g_return_val_if_fail (SAYSO_IS_STORE (self), FALSE);
  g_return_val_if_fail (SAYSO_IS_RESPONSE (response), FALSE);

  g_ptr_array_add (one, response);
  return sayso_store_submit_all (self, one, mode, error);
}

/**
 * sayso_store_prepare:
 *
 * Does the key exchange for the next record now, while a respondent is still
 * answering, so that submitting costs little more than the insert itself.
 * Submitting without it works too, only slower.
 */
void
sayso_store_prepare (SaysoStore *self)
{
  g_return_if_fail (SAYSO_IS_STORE (self));
  sayso_sealer_prepare (self->sealer);
}

gboolean
sayso_store_count (SaysoStore  *self,
                   gint64      *total,
                   gint64      *awaiting,
                   GError     **error)
{
  g_return_val_if_fail (SAYSO_IS_STORE (self), FALSE);
  return sayso_db_count_responses (self->db, total, awaiting, NULL, error);
}

gboolean
sayso_store_count_damaged (SaysoStore  *self,
                           gint64      *damaged,
                           GError     **error)
{
  g_return_val_if_fail (SAYSO_IS_STORE (self), FALSE);
  g_return_val_if_fail (damaged != NULL, FALSE);
  return sayso_db_count_responses (self->db, NULL, NULL, damaged, error);
}
