/* sayso-db.h: the SQLite layer of a kiosk store.
 *
 * Only ciphertext and the little that export needs are ever handed to this
 * layer; it knows nothing of questionnaires or answers.
 */
#pragma once

#include <glib.h>

#include "sayso-db-error.h"

G_BEGIN_DECLS

/* The current schema; sayso_db_open() migrates older stores up to it. */
#define SAYSO_DB_SCHEMA_VERSION 8
#define SAYSO_DB_RECORD_ID_SIZE 16
#define SAYSO_DB_RECORD_HASH_SIZE 32

typedef enum
{
  SAYSO_DB_OPEN_EXISTING = 0,
  SAYSO_DB_OPEN_CREATE   = 1 << 0,
} SaysoDbOpenFlags;

typedef enum
{
  SAYSO_DB_STATE_AWAITING = 0,
  SAYSO_DB_STATE_EXPORTED = 1,
} SaysoDbState;

typedef struct _SaysoDb SaysoDb;

/* What a store knows about its kiosk; all of it is public but the signing key. */
typedef struct
{
  char    *site;
  guint8   recipient_pk[32];
  guint8   sign_pk[32];
  guint8   sign_sk[64];
  gint64   export_seq;
} SaysoDbKiosk;

SaysoDb  *sayso_db_open                 (const char        *path,
                                         SaysoDbOpenFlags   flags,
                                         GError           **error) G_GNUC_WARN_UNUSED_RESULT;
void      sayso_db_close                (SaysoDb           *db);
/* Deletes a closed store's file and its -wal and -shm: a half-made store. */
void      sayso_db_delete_files         (const char        *path);
const char *sayso_db_get_path           (SaysoDb           *db);
int       sayso_db_get_schema_version   (SaysoDb           *db);
void      sayso_db_set_busy_timeout     (SaysoDb           *db,
                                         int                msec);

gboolean  sayso_db_begin                (SaysoDb           *db,
                                         GError           **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean  sayso_db_commit               (SaysoDb           *db,
                                         GError           **error) G_GNUC_WARN_UNUSED_RESULT;
void      sayso_db_rollback             (SaysoDb           *db);

gboolean  sayso_db_set_kiosk            (SaysoDb           *db,
                                         const SaysoDbKiosk *kiosk,
                                         GError           **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean  sayso_db_get_kiosk            (SaysoDb           *db,
                                         SaysoDbKiosk      *kiosk,
                                         GError           **error) G_GNUC_WARN_UNUSED_RESULT;
void      sayso_db_kiosk_clear          (SaysoDbKiosk      *kiosk);

gboolean  sayso_db_insert_response      (SaysoDb           *db,
                                         const guint8       id[SAYSO_DB_RECORD_ID_SIZE],
                                         const char        *questionnaire,
                                         gint64             version,
                                         GBytes            *sealed,
                                         const guint8       hash[SAYSO_DB_RECORD_HASH_SIZE],
                                         GError           **error) G_GNUC_WARN_UNUSED_RESULT;

/* A stored record as a reader sees it: every pointer is SQLite's and lasts
 * only for the call it is handed to. */
typedef struct
{
  const guint8 *id;
  const char   *questionnaire;
  gint64        version;
  SaysoDbState  state;
  const guint8 *sealed;
  gsize         sealed_size;
  const guint8 *hash;          /* the hash taken when it was saved, or NULL (saved before schema 4) */
  gboolean      damaged;       /* set aside: its copy no longer matches its hash */
} SaysoDbRecord;

typedef gboolean (*SaysoDbResponseFunc) (const SaysoDbRecord *record,
                                         gpointer             user_data);

gboolean  sayso_db_foreach_response     (SaysoDb           *db,
                                         SaysoDbResponseFunc func,
                                         gpointer           user_data,
                                         GError           **error) G_GNUC_WARN_UNUSED_RESULT;

/* Calls func once for the record with this id; FALSE with NOT_FOUND if there is none. */
gboolean  sayso_db_get_response         (SaysoDb           *db,
                                         const guint8       id[SAYSO_DB_RECORD_ID_SIZE],
                                         SaysoDbResponseFunc func,
                                         gpointer           user_data,
                                         GError           **error) G_GNUC_WARN_UNUSED_RESULT;

gboolean  sayso_db_count_responses      (SaysoDb           *db,
                                         gint64            *total,
                                         gint64            *awaiting,
                                         gint64            *damaged,
                                         GError           **error) G_GNUC_WARN_UNUSED_RESULT;
/* Sets a record aside for good: kept, never exported again. */
gboolean  sayso_db_mark_damaged         (SaysoDb           *db,
                                         const guint8       id[SAYSO_DB_RECORD_ID_SIZE],
                                         GError           **error) G_GNUC_WARN_UNUSED_RESULT;

/* Export bookkeeping. */
gboolean  sayso_db_reserve_export_seq   (SaysoDb           *db,
                                         gint64            *seq,
                                         GError           **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean  sayso_db_mark_exported        (SaysoDb           *db,
                                         GPtrArray         *ids,
                                         const char        *day,
                                         GError           **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean  sayso_db_purge_exported       (SaysoDb           *db,
                                         const char        *last_day_to_delete,
                                         gint64            *n_deleted,
                                         GError           **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean  sayso_db_get_int_setting      (SaysoDb           *db,
                                         const char        *column,
                                         gint64            *value,
                                         GError           **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean  sayso_db_set_int_setting      (SaysoDb           *db,
                                         const char        *column,
                                         gint64             value,
                                         GError           **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean  sayso_db_get_pin_hash         (SaysoDb           *db,
                                         char             **hash,
                                         GError           **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean  sayso_db_set_pin_hash         (SaysoDb           *db,
                                         const char        *hash,
                                         GError           **error) G_GNUC_WARN_UNUSED_RESULT;

/* Sending from the kiosk (schema 8): the service's address and receipt
 * key, both set or both NULL. */
gboolean  sayso_db_get_upload           (SaysoDb           *db,
                                         char             **url,
                                         guint8             service_pk[32],
                                         GError           **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean  sayso_db_set_upload           (SaysoDb           *db,
                                         const char        *url,
                                         const guint8      *service_pk,
                                         GError           **error) G_GNUC_WARN_UNUSED_RESULT;

typedef enum
{
  SAYSO_DB_OUTBOX_WAITING = 0,
  SAYSO_DB_OUTBOX_SENT    = 1,
  SAYSO_DB_OUTBOX_REFUSED = 2,
} SaysoDbOutboxState;

typedef struct
{
  gint64              sequence;
  char               *name;      /* the file's name in the outbox folder */
  gint64              records;
  SaysoDbOutboxState  state;
  char               *reason;    /* refused: the service's reason */
  char               *day;       /* sent: the day of the receipt */
} SaysoDbOutboxEntry;

gboolean  sayso_db_outbox_add           (SaysoDb           *db,
                                         gint64             sequence,
                                         const char        *name,
                                         gint64             records,
                                         GError           **error) G_GNUC_WARN_UNUSED_RESULT;
/* Every entry, oldest (lowest sequence) first: SaysoDbOutboxEntry. */
GPtrArray *sayso_db_outbox_list         (SaysoDb           *db,
                                         GError           **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean  sayso_db_outbox_mark_sent     (SaysoDb           *db,
                                         gint64             sequence,
                                         const char        *receipt,
                                         const char        *day,
                                         GError           **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean  sayso_db_outbox_mark_refused  (SaysoDb           *db,
                                         gint64             sequence,
                                         const char        *reason,
                                         GError           **error) G_GNUC_WARN_UNUSED_RESULT;
/* A failed try: the bundle stays waiting, with why in words. */
gboolean  sayso_db_outbox_note          (SaysoDb           *db,
                                         gint64             sequence,
                                         const char        *reason,
                                         GError           **error) G_GNUC_WARN_UNUSED_RESULT;
void      sayso_db_outbox_entry_free    (SaysoDbOutboxEntry *entry);

/* TRUE after a failed write or sync: nothing more is written through this
 * handle, and the store must be opened again (a full disk is not such a failure). */
gboolean  sayso_db_needs_reopen         (SaysoDb           *db);
/* Wrong staff PINs in a row. Written with synchronous=FULL, so a set that
 * returned is on the disk. */
gboolean  sayso_db_get_pin_failures     (SaysoDb           *db,
                                         guint             *failures,
                                         GError           **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean  sayso_db_set_pin_failures     (SaysoDb           *db,
                                         guint              failures,
                                         GError           **error) G_GNUC_WARN_UNUSED_RESULT;

/* After each write SQLite's WAL holds, in commit order, the pages the
 * write changed; by default they are moved into the main file and the WAL
 * emptied before the write returns. With settle_later, that waits for
 * sayso_db_settle(), which a kiosk calls once the respondent has been
 * answered (and which runs anyway before the next write and at close).
 * sayso_db_settle() returns TRUE when the WAL is empty, FALSE if a reader
 * in another connection kept it (call it again later). */
void      sayso_db_set_settle_later     (SaysoDb           *db,
                                         gboolean           later);
gboolean  sayso_db_settle               (SaysoDb           *db);

gboolean  sayso_db_integrity_check      (SaysoDb           *db,
                                         GError           **error) G_GNUC_WARN_UNUSED_RESULT;

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SaysoDb, sayso_db_close)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SaysoDbOutboxEntry, sayso_db_outbox_entry_free)

G_END_DECLS
