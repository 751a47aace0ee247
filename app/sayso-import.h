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

typedef struct
{
  char   *site;
  gint64  sequence;
  gint64  records;     /* in the bundle */
  gint64  added;       /* new responses */
  gint64  duplicates;  /* already imported through another bundle */
  gboolean already_imported;
} SaysoImportResult;

GQuark   sayso_import_error_quark   (void);

/* questionnaires: the SaysoQuestionnaire versions records may be answers to.
 * One transaction per bundle: on any error nothing of the bundle is stored,
 * and result is left cleared. */
gboolean sayso_import_bundle        (SaysoAnalysisDb    *db,
                                     const char         *path,
                                     const guint8        recipient_sk[32],
                                     GPtrArray          *questionnaires,
                                     gboolean            trust_unknown_kiosk,
                                     SaysoImportResult  *result,
                                     GError            **error) G_GNUC_WARN_UNUSED_RESULT;
void     sayso_import_result_clear  (SaysoImportResult  *result);

G_END_DECLS
