/* sayso-collect-db.h: the collection service's database.
 *
 * It holds the enrolled kiosks, every bundle received (its bytes, still
 * sealed: the service has no key that opens a record), bundles that came
 * with a sequence number their kiosk had used for another (kept aside,
 * never dropped), the analysts' access tokens (a hash of each, never the
 * token) and the service's own Ed25519 key, which signs receipts.
 *
 * Its errors are SAYSO_DB_ERROR, SQLite's codes mapped as for the other
 * databases: BUSY, FULL (the service answers 507), CORRUPT, IO and so on.
 */
#pragma once

#include <glib.h>

#include "sayso-db-error.h"

G_BEGIN_DECLS

#define SAYSO_COLLECT_SCHEMA_VERSION 3
#define SAYSO_COLLECT_KEY_SIZE       32
#define SAYSO_COLLECT_SECRET_SIZE    64
#define SAYSO_COLLECT_HASH_SIZE      32

typedef struct _SaysoCollectDb SaysoCollectDb;

typedef enum
{
  SAYSO_COLLECT_BUNDLE_NEW,        /* stored now */
  SAYSO_COLLECT_BUNDLE_SAME,       /* this very bundle was stored before */
  SAYSO_COLLECT_BUNDLE_CONFLICT,   /* its kiosk's sequence number was used by another: kept aside */
} SaysoCollectBundleState;

/* What the service knows of a bundle it was sent, once it verified. */
typedef struct
{
  const guint8 *kiosk_pk;   /* 32 bytes */
  gint64        sequence;
  const guint8 *hash;       /* BLAKE2b-256 of the whole file */
  gint64        record_count;
  const char   *day;        /* the kiosk's export day */
  const char   *received;   /* the day it arrived, YYYY-MM-DD */
} SaysoCollectBundleInfo;

/* A bundle as listed (list_bundles()); conflicts have conflict set. */
typedef struct
{
  gint64   id;              /* the service's own number, in order of arrival (0 for a conflict) */
  guint8   kiosk_pk[SAYSO_COLLECT_KEY_SIZE];
  char    *site;
  gint64   sequence;
  guint8   hash[SAYSO_COLLECT_HASH_SIZE];
  gint64   record_count;
  char    *day;
  char    *received;
  gint64   size;
  gboolean conflict;
  gint64   number;          /* the kiosk's number within its site */
} SaysoCollectBundleRow;

/* Per kiosk, for the status page. */
typedef struct
{
  guint8  kiosk_pk[SAYSO_COLLECT_KEY_SIZE];
  char   *site;
  gint64  number;          /* within its site: 1, 2, 3 in the order enrolled */
  gint64  bundles;
  gint64  responses;
  char   *enrolled;        /* YYYY-MM-DD */
  char   *last_received;   /* NULL: nothing yet */
  gint64  conflicts;
  GArray *missing;         /* of gint64: sequence numbers below the highest that never arrived */
} SaysoCollectKioskRow;

SaysoCollectDb *sayso_collect_db_create     (const char      *path,
                                             const guint8     service_pk[SAYSO_COLLECT_KEY_SIZE],
                                             const guint8     service_sk[SAYSO_COLLECT_SECRET_SIZE],
                                             GError         **error) G_GNUC_WARN_UNUSED_RESULT;
SaysoCollectDb *sayso_collect_db_open       (const char      *path,
                                             GError         **error) G_GNUC_WARN_UNUSED_RESULT;
void            sayso_collect_db_close      (SaysoCollectDb  *db);
const char     *sayso_collect_db_get_path   (SaysoCollectDb  *db);

gboolean        sayso_collect_db_service_key (SaysoCollectDb *db,
                                              guint8          pk[SAYSO_COLLECT_KEY_SIZE],
                                              guint8          sk[SAYSO_COLLECT_SECRET_SIZE],
                                              GError        **error) G_GNUC_WARN_UNUSED_RESULT;

/* A kiosk is numbered within its site, 1, 2, 3 in the order enrolled, as
 * people name it ("Liverpool North, kiosk 2"); enrolled again for the same
 * site it keeps its number, for another it takes that site's next.
 * @number: (out) (optional): its number. */
gboolean        sayso_collect_db_enroll     (SaysoCollectDb  *db,
                                             const guint8     kiosk_pk[SAYSO_COLLECT_KEY_SIZE],
                                             const char      *site,
                                             const char      *day,
                                             gint64          *number,
                                             GError         **error) G_GNUC_WARN_UNUSED_RESULT;
/* @site: (out) (optional): the site it was enrolled for, or NULL if it was not.
 * @number: (out) (optional): its number within the site, 0 if it was not. */
gboolean        sayso_collect_db_find_kiosk (SaysoCollectDb  *db,
                                             const guint8     kiosk_pk[SAYSO_COLLECT_KEY_SIZE],
                                             char           **site,
                                             gint64          *number,
                                             GError         **error) G_GNUC_WARN_UNUSED_RESULT;

/* Stores the bundle whose bytes @fd holds (read from its start), in one
 * transaction, committed and synced before it returns: as new, as the same
 * one again (nothing written), or kept aside as a conflict. */
gboolean        sayso_collect_db_store_bundle (SaysoCollectDb                *db,
                                               const SaysoCollectBundleInfo  *info,
                                               int                            fd,
                                               gint64                         size,
                                               SaysoCollectBundleState       *state,
                                               GError                       **error) G_GNUC_WARN_UNUSED_RESULT;

/* @received: (out): the day the kiosk's bundle @sequence was stored, or
 * NULL if none is. */
gboolean        sayso_collect_db_find_received (SaysoCollectDb *db,
                                                const guint8    kiosk_pk[SAYSO_COLLECT_KEY_SIZE],
                                                gint64          sequence,
                                                char          **received,
                                                GError        **error) G_GNUC_WARN_UNUSED_RESULT;

GPtrArray      *sayso_collect_db_list_bundles (SaysoCollectDb *db,
                                               GError        **error) G_GNUC_WARN_UNUSED_RESULT;
GPtrArray      *sayso_collect_db_list_kiosks  (SaysoCollectDb *db,
                                               GError        **error) G_GNUC_WARN_UNUSED_RESULT;

/* For the analysts' pull: up to @limit stored bundles (not conflicts) with
 * an id above @after, in order of id. */
GPtrArray      *sayso_collect_db_list_after   (SaysoCollectDb *db,
                                               gint64          after,
                                               guint           limit,
                                               GError        **error) G_GNUC_WARN_UNUSED_RESULT;
/* For the analysts' pull: up to @limit bundles kept aside as conflicts (a
 * kiosk's number sent again with other bytes), by kiosk and sequence. */
GPtrArray      *sayso_collect_db_list_conflicts (SaysoCollectDb *db,
                                                 guint           limit,
                                                 GError        **error) G_GNUC_WARN_UNUSED_RESULT;
/* @row: (out): the stored bundle numbered @id, or NULL if there is none. */
gboolean        sayso_collect_db_find_bundle  (SaysoCollectDb         *db,
                                               gint64                  id,
                                               SaysoCollectBundleRow **row,
                                               GError                **error) G_GNUC_WARN_UNUSED_RESULT;
/* Up to @len bytes of bundle @id's file from @offset, into @buffer: a
 * short read of its own, so that a slow reader holds no transaction open. */
gssize          sayso_collect_db_read_bundle  (SaysoCollectDb *db,
                                               gint64          id,
                                               gint64          offset,
                                               guint8         *buffer,
                                               gsize           len,
                                               GError        **error) G_GNUC_WARN_UNUSED_RESULT;

gboolean        sayso_collect_db_add_token    (SaysoCollectDb  *db,
                                               const char      *name,
                                               const guint8     hash[SAYSO_COLLECT_HASH_SIZE],
                                               const char      *day,
                                               GError         **error) G_GNUC_WARN_UNUSED_RESULT;
/* @revoked: (out): how many of @name's tokens were revoked now. */
gboolean        sayso_collect_db_revoke_tokens (SaysoCollectDb *db,
                                                const char     *name,
                                                guint          *revoked,
                                                GError        **error) G_GNUC_WARN_UNUSED_RESULT;
/* @valid: (out): a token with this hash exists and is not revoked. */
gboolean        sayso_collect_db_check_token  (SaysoCollectDb  *db,
                                               const guint8     hash[SAYSO_COLLECT_HASH_SIZE],
                                               gboolean        *valid,
                                               GError         **error) G_GNUC_WARN_UNUSED_RESULT;

/* A consistent copy through SQLite's online backup, synced, mode 0600,
 * while the service may be writing. Never over an existing file. */
gboolean        sayso_collect_db_backup       (SaysoCollectDb  *db,
                                               const char      *to,
                                               GError         **error) G_GNUC_WARN_UNUSED_RESULT;

void            sayso_collect_bundle_row_free (SaysoCollectBundleRow *row);
void            sayso_collect_kiosk_row_free  (SaysoCollectKioskRow  *row);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SaysoCollectDb, sayso_collect_db_close)

G_END_DECLS
