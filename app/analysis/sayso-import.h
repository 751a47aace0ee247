/* sayso-import.h: verifying, opening and storing bundles for analysis. */
#pragma once

#include "sayso-analysis-db.h"
#include "sayso-questionnaire.h"

G_BEGIN_DECLS

#define SAYSO_IMPORT_ERROR (sayso_import_error_quark ())

typedef enum
{
  SAYSO_IMPORT_ERROR_UNKNOWN_KIOSK,
  SAYSO_IMPORT_ERROR_WRONG_KEY,
  SAYSO_IMPORT_ERROR_UNKNOWN_QUESTIONNAIRE,
  SAYSO_IMPORT_ERROR_INVALID_RECORD,
  SAYSO_IMPORT_ERROR_REPLAYED,
} SaysoImportError;

/* Why a record that verified could not be opened. */
typedef enum
{
  SAYSO_IMPORT_SEALED_TO_ANOTHER_KEY,
  SAYSO_IMPORT_QUESTIONNAIRE_UNKNOWN,
  SAYSO_IMPORT_NOT_A_RECORD,           /* not a Sayso record, or not one its questionnaire allows */
  SAYSO_IMPORT_N_REASONS,
} SaysoImportReason;

typedef struct
{
  char    *site;
  guint8   kiosk_pk[32];
  gint64   sequence;
  gint64   records;      /* in the bundle */
  gint64   added;        /* new responses, released ones included */
  gint64   released;     /* of those, ones that were in quarantine */
  gint64   duplicates;   /* already imported, with the same bytes */
  gint64   quarantined;  /* kept in quarantine (now, or still) */
  gint64   by_reason[SAYSO_IMPORT_N_REASONS];
  char    *unknown_questionnaires;  /* “id” version N, …: of those quarantined as unknown */
  gint64   conflicts;    /* ids imported before with other bytes: kept aside, not counted */
  gboolean restored;     /* another bundle of the kiosk had this number: a kiosk restored from a backup */
  gboolean already_imported;
} SaysoImportResult;

GQuark   sayso_import_error_quark   (void);

/* questionnaires: the SaysoQuestionnaire versions records may be answers to.
 * One transaction per bundle. A bundle whose signature or any record's hash
 * fails, or from a kiosk not enrolled, is refused: nothing of it is stored,
 * and result is left cleared. Otherwise every record that opens is imported,
 * once per kiosk and record id; one that cannot be opened (another key, an
 * unknown questionnaire, not a record) is kept sealed in quarantine, and one
 * whose id was imported before with other bytes is kept aside as a
 * conflict: result says how many of each. */
gboolean sayso_import_bundle        (SaysoAnalysisDb    *db,
                                     const char         *path,
                                     const guint8        recipient_sk[32],
                                     GPtrArray          *questionnaires,
                                     gboolean            trust_unknown_kiosk,
                                     SaysoImportResult  *result,
                                     GError            **error) G_GNUC_WARN_UNUSED_RESULT;
/* Tries every record in quarantine again with this key and these
 * questionnaires, in one transaction. *results: one SaysoImportResult per
 * kiosk that had records in quarantine (added: opened now; quarantined:
 * still there), freed with sayso_import_result_free(). */
gboolean sayso_import_retry_quarantine (SaysoAnalysisDb  *db,
                                        const guint8      recipient_sk[32],
                                        GPtrArray        *questionnaires,
                                        GPtrArray       **results,
                                        GError          **error) G_GNUC_WARN_UNUSED_RESULT;
void     sayso_import_result_clear  (SaysoImportResult  *result);
void     sayso_import_result_free   (SaysoImportResult  *result);
/* "sealed to another key", …: for messages. */
const char *sayso_import_reason_to_string (SaysoImportReason reason);

G_END_DECLS
