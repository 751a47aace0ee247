/* sayso-collect-service.h: the collection service's HTTP side.
 *
 * POST /bundles takes one bundle as the request body, streamed to a file,
 * checks it (enrolled kiosk, signature, every record's hash, its sequence
 * number) and stores it durably before it answers with a signed receipt.
 * GET /status, for a token holder, counts bundles and responses per kiosk;
 * /inspection shows the same to a browser, the token sent in a form.
 * GET /bundles?after=N and GET /bundles/ID, for a token holder, list the
 * stored bundles and stream one, for the analysts' pull.
 * docs/format.md gives the interface byte for byte.
 */
#pragma once

#include <glib-object.h>

#include "sayso-collect-db.h"

G_BEGIN_DECLS

/* A day's bundle is a few hundred kilobytes; a fortnight's re-export of a
 * busy kiosk a few tens of megabytes. */
#define SAYSO_COLLECT_DEFAULT_MAX_SIZE (256 * 1024 * 1024)
/* A request's headers and body must have come by then. */
#define SAYSO_COLLECT_DEFAULT_TIMEOUT  300
/* A kiosk with no bundle for more days than this is shown as silent. */
#define SAYSO_COLLECT_DEFAULT_SILENT_DAYS 7

#define SAYSO_TYPE_COLLECT_SERVICE (sayso_collect_service_get_type ())
G_DECLARE_FINAL_TYPE (SaysoCollectService, sayso_collect_service, SAYSO, COLLECT_SERVICE, GObject)

/* Takes @db; uploads go to a folder beside it, FILE.incoming, emptied now. */
SaysoCollectService *sayso_collect_service_new    (SaysoCollectDb       *db,
                                                   guint64               max_size,
                                                   guint                 timeout_seconds,
                                                   GError              **error) G_GNUC_WARN_UNUSED_RESULT;
/* Before listen: HTTPS with this PEM certificate and the private key that
 * goes with it (checked now). */
gboolean             sayso_collect_service_set_tls (SaysoCollectService *self,
                                                    const char          *cert_file,
                                                    const char          *key_file,
                                                    GError             **error) G_GNUC_WARN_UNUSED_RESULT;
/* @bound: (out): the address it listens on, as http://ADDR:PORT/ (https:// with TLS) */
gboolean             sayso_collect_service_listen (SaysoCollectService  *self,
                                                   const char           *listen,
                                                   char                **bound,
                                                   GError              **error) G_GNUC_WARN_UNUSED_RESULT;

void                 sayso_collect_service_set_silent_days (SaysoCollectService *self,
                                                            guint                days);

gboolean             sayso_collect_service_is_busy (SaysoCollectService *self);

/* A token's hash as the database keeps it. */
void                 sayso_collect_token_hash     (const char           *token,
                                                   guint8                hash[SAYSO_COLLECT_HASH_SIZE]);

G_END_DECLS
