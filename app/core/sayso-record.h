/* sayso-record.h: the plaintext of a sealed record, and its codec.
 *
 * A record is what travels sealed: the answers, plus the day (never a time),
 * the mode, the site and the language. See docs/format.md.
 */
#pragma once

#include <json-glib/json-glib.h>

#include "sayso-response.h"

G_BEGIN_DECLS

#define SAYSO_RECORD_ERROR (sayso_record_error_quark ())

typedef enum
{
  SAYSO_RECORD_ERROR_INVALID,
} SaysoRecordError;

#define SAYSO_RECORD_FORMAT 1

typedef enum
{
  SAYSO_MODE_SELF,
  SAYSO_MODE_STAFF,
  SAYSO_MODE_PAPER,
} SaysoMode;

typedef struct
{
  char      *questionnaire;
  gint64     version;
  char      *day;        /* YYYY-MM-DD */
  SaysoMode  mode;
  char      *site;
  char      *language;
  JsonNode  *answers;    /* object: question id → string or list of strings */
} SaysoRecord;

GQuark       sayso_record_error_quark  (void);

const char  *sayso_mode_to_string      (SaysoMode     mode);
gboolean     sayso_mode_from_string    (const char   *text,
                                        SaysoMode    *mode);

char        *sayso_today               (void) G_GNUC_WARN_UNUSED_RESULT;

GBytes      *sayso_record_encode       (SaysoResponse *response,
                                        const char    *day,
                                        SaysoMode      mode,
                                        const char    *site) G_GNUC_WARN_UNUSED_RESULT;
SaysoRecord *sayso_record_decode       (GBytes        *plaintext,
                                        GError       **error) G_GNUC_WARN_UNUSED_RESULT;
void         sayso_record_free         (SaysoRecord   *record);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SaysoRecord, sayso_record_free)

G_END_DECLS
