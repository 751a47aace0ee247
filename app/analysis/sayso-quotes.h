/* sayso-quotes.h: the free-text answers with short references, and the
 * ones the analysts pick for the report.
 *
 * `sayso quotes --db ANALYSIS.db [--question ID]` lists every free-text
 * answer with a reference such as "K7QD2M"; `--pick REF...` and `--unpick
 * REF...` mark them. The report then shows the picked quotes under the
 * section of their question (and every answer only in an appendix, with
 * --all-quotes).
 *
 * A reference is the keyed BLAKE2b of the answer's kiosk, record id and
 * question, under a key drawn for this database and kept in it, in base32
 * (RFC 4648, no padding), cut to 6 characters. It is the same at every run
 * and after importing the same bundles again, and it tells nothing of when
 * or in which order the answer came, nor, without the key, which record of
 * a bundle it is. Where two answers' references would begin with the same 6
 * characters, each is lengthened to the shortest prefix that is unique in
 * the database; a reference typed that has become shared is refused, naming
 * the longer ones. Picks are kept by record and question, never by
 * reference, in the analysis database only.
 */
#pragma once

#include "sayso-analysis-db.h"
#include "sayso-questionnaire.h"

G_BEGIN_DECLS

#define SAYSO_QUOTES_ERROR (sayso_quotes_error_quark ())

typedef enum
{
  SAYSO_QUOTES_ERROR_UNKNOWN_REF,
  SAYSO_QUOTES_ERROR_AMBIGUOUS_REF,
  SAYSO_QUOTES_ERROR_UNKNOWN_QUESTION,
} SaysoQuotesError;

#define SAYSO_QUOTES_REF_LENGTH 6

typedef struct
{
  SaysoQuestion *question;   /* borrowed from the questionnaire */
  char          *ref;
  char          *site;
  char          *text;       /* wiped when freed */
  gboolean       picked;
  guint8         kiosk[32];
  guint8         id[16];
  char           full[27];   /* the whole base32 hash, of which ref is a prefix */
} SaysoQuote;

GQuark     sayso_quotes_error_quark (void);

/* Every free-text answer in the database (question_id: of that question
 * only, which must be a free-text question of the questionnaire), by
 * question in the questionnaire's order, then by reference. */
GPtrArray *sayso_quotes_list        (SaysoAnalysisDb     *db,
                                     SaysoQuestionnaire  *questionnaire,
                                     const char          *question_id,
                                     GError             **error) G_GNUC_WARN_UNUSED_RESULT;

/* Picks (or unpicks) the answers of refs, all of them or, if any ref is
 * unknown or shared, none. */
gboolean   sayso_quotes_pick        (SaysoAnalysisDb     *db,
                                     SaysoQuestionnaire  *questionnaire,
                                     const char * const  *refs,
                                     gboolean             picked,
                                     GError             **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
