/* sayso-analysis-db.h: the analysts' database of opened responses.
 *
 * It lives on the analysts' machine only. It holds the enrolled kiosks, the
 * bundles imported (so that none is counted twice), every response with its
 * provenance, counters per question, answer, site and day from which the
 * report's figures are summed (see sayso-analysis-db.c), and the records
 * kept aside: in quarantine (they verify but could not be opened) and in
 * conflict (their id was imported before with other bytes).
 *
 * A response is keyed by its kiosk and record id, with its record's hash;
 * the record id never leaves the database: reports show a response id drawn
 * at random when it was imported.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define SAYSO_ANALYSIS_SCHEMA_VERSION 4

typedef struct _SaysoAnalysisDb SaysoAnalysisDb;

/* Which responses a query looks at; NULL members mean “all”. Days are
 * YYYY-MM-DD and inclusive. */
typedef struct
{
  const char *site;
  const char *from;
  const char *to;
} SaysoAnalysisFilter;

typedef enum
{
  SAYSO_ANALYSIS_BUNDLE_NEW,
  SAYSO_ANALYSIS_BUNDLE_SAME,       /* this very bundle was imported before */
  SAYSO_ANALYSIS_BUNDLE_CONFLICT,   /* another bundle with this kiosk and sequence was */
} SaysoAnalysisBundleState;

/* What became of one record given to add_response() or quarantine(). */
typedef enum
{
  SAYSO_ANALYSIS_RECORD_ADDED,        /* new: stored and counted */
  SAYSO_ANALYSIS_RECORD_RELEASED,     /* was in quarantine with these bytes: now stored and counted */
  SAYSO_ANALYSIS_RECORD_SAME,         /* stored before with these bytes, and counted then */
  SAYSO_ANALYSIS_RECORD_CONFLICT,     /* its id was stored or quarantined with other bytes: nothing done */
  SAYSO_ANALYSIS_RECORD_QUARANTINED,  /* in quarantine (put there now, or already there with these bytes) */
} SaysoAnalysisRecordState;

/* Where one record came from, as its bundle (or the quarantine) tells it:
 * the kiosk that sealed it (32 bytes), its record id (16 bytes), the
 * BLAKE2b-256 of its sealed bytes as the bundle lists it (32 bytes), the
 * bundle's sequence number and file name, the kiosk's site, and the
 * questionnaire and version on the record's clear label. The same facts go
 * to add_response(), quarantine() and add_conflict(), so that a record's
 * provenance cannot come apart between them. Every pointer is borrowed: read
 * during the call, never kept, so a source can live on the caller's stack. */
typedef struct
{
  const guint8 *kiosk_pk;
  const guint8 *id;
  const guint8 *hash;
  gint64        sequence;
  const char   *file_name;
  const char   *site;
  const char   *questionnaire;
  gint64        version;
} SaysoAnalysisRecordSource;

/* A record in quarantine, without its sealed bytes (read_quarantined()). */
typedef struct
{
  gint64  row;
  guint8  kiosk[32];
  guint8  id[16];
  guint8  hash[32];
  gint64  sequence;
  char   *file_name;
  char   *site;
  char   *questionnaire;
  gint64  version;
  char   *reason;
} SaysoAnalysisQuarantined;

/* response_id_hex: the id drawn at import, never the kiosk's record id. */
typedef gboolean (*SaysoAnalysisRowFunc)  (const char   *response_id_hex,
                                           const char   *day,
                                           const char   *mode,
                                           const char   *site,
                                           const guint8 *kiosk_pk,      /* the kiosk's key, kiosk_len bytes */
                                           gsize         kiosk_len,
                                           const char *language,
                                           const char *questionnaire,
                                           gint64      version,
                                           const char *answers_json,
                                           gpointer    user_data);
typedef gboolean (*SaysoAnalysisTextFunc) (const char *site,
                                           const char *text,
                                           gpointer    user_data);

SaysoAnalysisDb *sayso_analysis_db_open        (const char           *path,
                                                gboolean              create,
                                                GError              **error) G_GNUC_WARN_UNUSED_RESULT;
void             sayso_analysis_db_close       (SaysoAnalysisDb      *db);

gboolean         sayso_analysis_db_begin       (SaysoAnalysisDb      *db,
                                                GError              **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean         sayso_analysis_db_commit      (SaysoAnalysisDb      *db,
                                                GError              **error) G_GNUC_WARN_UNUSED_RESULT;
void             sayso_analysis_db_rollback    (SaysoAnalysisDb      *db);

/* Kiosks */
gboolean         sayso_analysis_db_enroll      (SaysoAnalysisDb      *db,
                                                const guint8          kiosk_pk[32],
                                                const char           *site,
                                                GError              **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean         sayso_analysis_db_lookup_kiosk (SaysoAnalysisDb     *db,
                                                 const guint8         kiosk_pk[32],
                                                 char               **site,
                                                 GError             **error) G_GNUC_WARN_UNUSED_RESULT;

/* Import */
gboolean         sayso_analysis_db_bundle_state (SaysoAnalysisDb          *db,
                                                 const guint8              kiosk_pk[32],
                                                 gint64                    sequence,
                                                 const guint8              digest[32],
                                                 SaysoAnalysisBundleState *state,
                                                 GError                  **error) G_GNUC_WARN_UNUSED_RESULT;
/* restored: another bundle of the kiosk had this sequence number first. */
gboolean         sayso_analysis_db_add_bundle   (SaysoAnalysisDb     *db,
                                                 const guint8         kiosk_pk[32],
                                                 gint64               sequence,
                                                 const guint8         digest[32],
                                                 const char          *file_name,
                                                 gint64               n_records,
                                                 gboolean             restored,
                                                 GError             **error) G_GNUC_WARN_UNUSED_RESULT;
/* An opened record. Its questionnaire and version are the source's (a
 * record opens only if it holds what its label says); the source's file name
 * is not stored (a caller needs it for add_conflict()). answers_json: the
 * record's "answers" object, kept for the CSV; pairs: the same answers as a
 * NULL-terminated list of triples question, value, kind ("c" a choice, "t"
 * free text), one per chosen option, a question's values next to each other.
 * *state is ADDED, RELEASED (it was in quarantine), SAME (already imported,
 * counted then) or CONFLICT (its id is stored or quarantined with other
 * bytes: the caller keeps it aside with add_conflict()). */
gboolean         sayso_analysis_db_add_response (SaysoAnalysisDb                 *db,
                                                 const SaysoAnalysisRecordSource *source,
                                                 const char                      *day,
                                                 const char                      *mode,
                                                 const char                      *language,
                                                 const char                      *answers_json,
                                                 const char * const              *pairs,
                                                 SaysoAnalysisRecordState        *state,
                                                 GError                         **error) G_GNUC_WARN_UNUSED_RESULT;
/* A record that verified but could not be opened: kept sealed, with all of
 * its source and why (reason: a short word, detail: a sentence naming no
 * answer). *state is QUARANTINED (now, or still: its reason updated), SAME
 * (it was imported before with these bytes) or CONFLICT. */
gboolean         sayso_analysis_db_quarantine   (SaysoAnalysisDb                 *db,
                                                 const SaysoAnalysisRecordSource *source,
                                                 const char                      *reason,
                                                 const char                      *detail,
                                                 GBytes                          *sealed,
                                                 SaysoAnalysisRecordState        *state,
                                                 GError                         **error) G_GNUC_WARN_UNUSED_RESULT;
/* A record whose id was imported before with other bytes: kept, never
 * counted. Kept once per kiosk, id and hash; of its source, only the kiosk,
 * id, hash, sequence and file name are stored. */
gboolean         sayso_analysis_db_add_conflict (SaysoAnalysisDb                 *db,
                                                 const SaysoAnalysisRecordSource *source,
                                                 GBytes                          *sealed,
                                                 GError                         **error) G_GNUC_WARN_UNUSED_RESULT;
/* Every record in quarantine (a GPtrArray of SaysoAnalysisQuarantined), and
 * one's sealed bytes by its row. */
gboolean         sayso_analysis_db_list_quarantine (SaysoAnalysisDb  *db,
                                                    GPtrArray       **records,
                                                    GError          **error) G_GNUC_WARN_UNUSED_RESULT;
GBytes          *sayso_analysis_db_read_quarantined (SaysoAnalysisDb *db,
                                                     gint64           row,
                                                     GError         **error) G_GNUC_WARN_UNUSED_RESULT;
void             sayso_analysis_quarantined_free   (SaysoAnalysisQuarantined *record);
/* How many records of one bundle are in quarantine. */
gboolean         sayso_analysis_db_count_quarantined_from (SaysoAnalysisDb *db,
                                                           const guint8     kiosk_pk[32],
                                                           gint64           sequence,
                                                           gint64          *n,
                                                           GError         **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean         sayso_analysis_db_count_set_aside (SaysoAnalysisDb  *db,
                                                    gint64          *quarantined,
                                                    gint64          *conflicts,
                                                    GError          **error) G_GNUC_WARN_UNUSED_RESULT;

/* Queries for the report */
gboolean         sayso_analysis_db_count_responses (SaysoAnalysisDb           *db,
                                                    const SaysoAnalysisFilter *filter,
                                                    gint64                    *total,
                                                    gint64                     by_mode[3],   /* self, staff, paper */
                                                    GError                   **error) G_GNUC_WARN_UNUSED_RESULT;
/* value → count (a gint64*), and how many responses answered the question at
 * all (choice questions; free text is read with foreach_text). */
gboolean         sayso_analysis_db_count_answers   (SaysoAnalysisDb           *db,
                                                    const SaysoAnalysisFilter *filter,
                                                    const char                *question,
                                                    GHashTable               **counts,
                                                    gint64                    *n_answered,
                                                    GError                   **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean         sayso_analysis_db_foreach_text    (SaysoAnalysisDb           *db,
                                                    const SaysoAnalysisFilter *filter,
                                                    const char                *question,
                                                    SaysoAnalysisTextFunc      func,
                                                    gpointer                   user_data,
                                                    GError                   **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean         sayso_analysis_db_foreach_response (SaysoAnalysisDb          *db,
                                                     const SaysoAnalysisFilter *filter,
                                                     SaysoAnalysisRowFunc      func,
                                                     gpointer                  user_data,
                                                     GError                  **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean         sayso_analysis_db_list_sites      (SaysoAnalysisDb           *db,
                                                    GStrv                     *sites,
                                                    GError                   **error) G_GNUC_WARN_UNUSED_RESULT;
/* The longest free-text answer to @question, in bytes (0: none), for files
 * whose string columns have a width fixed before the first row. */
gboolean         sayso_analysis_db_max_text_bytes  (SaysoAnalysisDb           *db,
                                                    const SaysoAnalysisFilter *filter,
                                                    const char                *question,
                                                    gint64                    *max_bytes,
                                                    GError                   **error) G_GNUC_WARN_UNUSED_RESULT;

/* Quotes: every free-text answer of one question with the record it is
 * from (kiosk 32 bytes, id 16 bytes, for its reference; never shown), in
 * the order of the random response ids (neither arrival nor time), and
 * whether the analysts picked it. */
typedef gboolean (*SaysoAnalysisQuoteFunc) (const guint8 *kiosk,
                                            const guint8 *id,
                                            const char   *site,
                                            const char   *text,
                                            gboolean      picked,
                                            gpointer      user_data);
/* picked_only: the picked answers only. */
gboolean         sayso_analysis_db_foreach_quote   (SaysoAnalysisDb           *db,
                                                    const SaysoAnalysisFilter *filter,
                                                    const char                *question,
                                                    gboolean                   picked_only,
                                                    SaysoAnalysisQuoteFunc     func,
                                                    gpointer                   user_data,
                                                    GError                   **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean         sayso_analysis_db_set_picked      (SaysoAnalysisDb           *db,
                                                    const guint8               kiosk[32],
                                                    const guint8               id[16],
                                                    const char                *question,
                                                    gboolean                   picked,
                                                    GError                   **error) G_GNUC_WARN_UNUSED_RESULT;
/* The database's key for the quotes' references: fresh (32 random bytes
 * from the caller) is stored the first time, and the stored one is
 * returned in key ever after. */
gboolean         sayso_analysis_db_quote_key       (SaysoAnalysisDb           *db,
                                                    const guint8               fresh[32],
                                                    guint8                     key[32],
                                                    GError                   **error) G_GNUC_WARN_UNUSED_RESULT;

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SaysoAnalysisDb, sayso_analysis_db_close)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SaysoAnalysisQuarantined, sayso_analysis_quarantined_free)

/* The pull from a collection service: the id of the last bundle from @url
 * imported with every one before it (0: none yet). */
gboolean         sayso_analysis_db_get_pull     (SaysoAnalysisDb  *db,
                                                 const char       *url,
                                                 gint64           *after,
                                                 GError          **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean         sayso_analysis_db_set_pull     (SaysoAnalysisDb  *db,
                                                 const char       *url,
                                                 gint64            after,
                                                 GError          **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
