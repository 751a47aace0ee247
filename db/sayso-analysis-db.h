/* sayso-analysis-db.h: the analysts' database of opened responses.
 *
 * It lives on the analysts' machine only. It holds the enrolled kiosks, the
 * bundles imported (so that none is counted twice), every response with its
 * provenance, and counters per question, answer, site and day from which the
 * report's figures are summed (see sayso-analysis-db.c).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define SAYSO_ANALYSIS_SCHEMA_VERSION 1

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

typedef gboolean (*SaysoAnalysisRowFunc)  (const char *id_hex,
                                           const char *day,
                                           const char *mode,
                                           const char *site,
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
gboolean         sayso_analysis_db_add_bundle   (SaysoAnalysisDb     *db,
                                                 const guint8         kiosk_pk[32],
                                                 gint64               sequence,
                                                 const guint8         digest[32],
                                                 const char          *file_name,
                                                 gint64               n_records,
                                                 GError             **error) G_GNUC_WARN_UNUSED_RESULT;
/* answers_json: the record's "answers" object, kept for the CSV; pairs: the
 * same answers as a NULL-terminated list of triples question, value, kind
 * ("c" a choice, "t" free text), one per chosen option, a question's values
 * next to each other. Returns in *added whether the response was new (FALSE:
 * already imported through another bundle, and counted then). */
gboolean         sayso_analysis_db_add_response (SaysoAnalysisDb     *db,
                                                 const guint8         id[16],
                                                 const guint8         kiosk_pk[32],
                                                 gint64               sequence,
                                                 const char          *questionnaire,
                                                 gint64               version,
                                                 const char          *day,
                                                 const char          *mode,
                                                 const char          *site,
                                                 const char          *language,
                                                 const char          *answers_json,
                                                 const char * const  *pairs,
                                                 gboolean            *added,
                                                 GError             **error) G_GNUC_WARN_UNUSED_RESULT;

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

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SaysoAnalysisDb, sayso_analysis_db_close)

G_END_DECLS
