/* sayso-json-limits.h: how deep and how large JSON from outside may be.
 *
 * json-glib builds its tree by recursion, one C stack frame per level, and
 * reads whatever size it is given: 100,000 nested brackets overflow the stack.
 * Every door that reads JSON from outside (a submitted response, a
 * questionnaire file, a bundle's manifest, a record opened at import, the
 * answers a report reads back) first has its bytes walked once by
 * sayso_json_check_limits(), which refuses them before json-glib sees them.
 * Each door's limits are the least its format needs, with a small margin;
 * docs/format.md lists them.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define SAYSO_JSON_ERROR (sayso_json_error_quark ())

typedef enum
{
  SAYSO_JSON_ERROR_TOO_LARGE,
  SAYSO_JSON_ERROR_TOO_DEEP,
  SAYSO_JSON_ERROR_NOT_JSON,   /* a comment or a single-quoted string: json-glib takes them, JSON does not */
} SaysoJsonError;

typedef struct
{
  const char *what;       /* for messages: "a response", "a manifest", … */
  gsize       max_bytes;
  guint       max_depth;  /* of [ and { together: {"a": [1]} is 2 deep */
} SaysoJsonLimits;

/* A response, {"answers": {"q": ["option"]}}, is 3 deep. People write these
 * by hand and pretty-print them, hence a margin of 2. Its size is bounded
 * per questionnaire (see sayso_json_response_limits()). */
#define SAYSO_JSON_RESPONSE_DEPTH      5
/* At least this much, whatever the questionnaire. */
#define SAYSO_JSON_RESPONSE_MIN_BYTES  (1024 * 1024)

/* A record's plaintext has the same answers, 3 deep; the kiosk writes it,
 * so a margin of 1. It cannot be larger than the sealed record it came out
 * of; the cap is the largest input `sayso submit` reads. */
#define SAYSO_JSON_RECORD_DEPTH        4
#define SAYSO_JSON_RECORD_MAX_BYTES    (64 * 1024 * 1024)

/* A manifest, {"records": [{"id": …}]}, is 3 deep; written by the kiosk,
 * a margin of 1. 64 MiB holds some 300,000 records' entries. */
#define SAYSO_JSON_MANIFEST_DEPTH      4
#define SAYSO_JSON_MANIFEST_MAX_BYTES  (64 * 1024 * 1024)

/* A questionnaire, {"questions": [{"options": [{"label": {"en": …}}]}]},
 * is 6 deep; written by hand, a margin of 2. The built-in one is 26 KiB. */
#define SAYSO_JSON_QUESTIONNAIRE_DEPTH      8
#define SAYSO_JSON_QUESTIONNAIRE_MAX_BYTES  (4 * 1024 * 1024)

GQuark    sayso_json_error_quark   (void);

gboolean  sayso_json_check_limits  (const char             *data,
                                    gsize                   len,
                                    const SaysoJsonLimits  *limits,
                                    const char             *origin,
                                    guint                   line,
                                    GError                **error) G_GNUC_WARN_UNUSED_RESULT;

SaysoJsonLimits sayso_json_response_limits (gsize record_size);

G_END_DECLS
