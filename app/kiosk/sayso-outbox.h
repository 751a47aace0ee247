/* sayso-outbox.h: the kiosk sends its own bundles to the collection service.
 *
 * A store given an upload address (the service's address and its receipt
 * key) keeps each exported bundle, as sealed and signed as it was
 * exported, in an outbox folder beside it, and lists it in the store. The
 * outbox sends the oldest first through SaysoUploader, marks a bundle sent
 * only on a receipt verified with the store's service key, waits longer
 * after each failure, and tries again at once when the network comes back.
 * A store with no address exports to a stick as ever.
 */
#pragma once

#include <gio/gio.h>

#include "sayso-export.h"
#include "sayso-store.h"

G_BEGIN_DECLS

/* The first wait after a failed try; each next one doubles, up to the
 * maximum, each with up to half of it again at random so that the kiosks of
 * a region do not all come back in step. */
#define SAYSO_OUTBOX_FIRST_DELAY_USEC  ((guint64) 30 * G_USEC_PER_SEC)
#define SAYSO_OUTBOX_MAX_DELAY_USEC    ((guint64) 3600 * G_USEC_PER_SEC)
/* The network coming back cuts a wait short, once a wait: to this long
 * from then, for the network to settle, but never to less than the floor
 * after the last try ended. */
#define SAYSO_OUTBOX_NETWORK_BACK_USEC ((guint64) 3 * G_USEC_PER_SEC)
#define SAYSO_OUTBOX_MIN_GAP_USEC      ((guint64) 10 * G_USEC_PER_SEC)

/* Checks an upload address: http or https, a host, no user name or
 * password (it would be kept in the store and shown), no fragment. */
gboolean     sayso_upload_address_check    (const char      *url,
                                            GError         **error) G_GNUC_WARN_UNUSED_RESULT;
/* *url is NULL (and service_pk zeroed) when sending from the kiosk is off. */
gboolean     sayso_store_get_upload        (SaysoStore      *store,
                                            char           **url,
                                            guint8           service_pk[SAYSO_SIGN_PUBLIC_KEY_SIZE],
                                            GError         **error) G_GNUC_WARN_UNUSED_RESULT;
/* Both NULL turns sending off; bundles already in the outbox stay there. */
gboolean     sayso_store_set_upload        (SaysoStore      *store,
                                            const char      *url,
                                            const guint8    *service_pk,
                                            GError         **error) G_GNUC_WARN_UNUSED_RESULT;
/* The outbox folder of a store: beside it, "<store>.outbox". */
char        *sayso_outbox_dir_for_store    (SaysoStore      *store) G_GNUC_WARN_UNUSED_RESULT;
/* After an export: a copy of its bundle, written and synced as the export
 * writes, into the outbox and listed, when the store has an upload
 * address; *kept (optional) says whether it was. A result with no bundle
 * keeps nothing. */
gboolean     sayso_store_keep_for_upload   (SaysoStore              *store,
                                            const SaysoExportResult *result,
                                            gboolean                *kept,
                                            GError                 **error) G_GNUC_WARN_UNUSED_RESULT;

typedef enum
{
  SAYSO_OUTBOX_OFF,       /* no upload address */
  SAYSO_OUTBOX_SENT_ALL,  /* nothing waiting */
  SAYSO_OUTBOX_WAITING,   /* bundles not sent yet (or refused, kept) */
} SaysoOutboxState;

typedef struct
{
  SaysoOutboxState  state;
  guint             waiting;   /* bundles not sent, the refused among them */
  guint             refused;   /* refused for good by the service: a person must act */
  guint             sent;
  char             *last_day;  /* the day of the last receipt, or NULL */
  char             *error;     /* the last trouble in words, or NULL */
} SaysoOutboxStatus;

gboolean     sayso_store_get_outbox_status (SaysoStore        *store,
                                            SaysoOutboxStatus *status,
                                            GError           **error) G_GNUC_WARN_UNUSED_RESULT;
/* "Sent to the inspection team", "Waiting to send: 3 bundles", … */
char        *sayso_outbox_status_title     (const SaysoOutboxStatus *status) G_GNUC_WARN_UNUSED_RESULT;
/* The line under it: the day of the last receipt, or the last error. */
char        *sayso_outbox_status_detail    (const SaysoOutboxStatus *status) G_GNUC_WARN_UNUSED_RESULT;
void         sayso_outbox_status_clear     (SaysoOutboxStatus *status);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (SaysoOutboxStatus, sayso_outbox_status_clear)

/* Called before each wait after a failed try with the wait planned (its
 * jitter included); returns the wait to make. Tests record the plan. */
typedef guint64 (*SaysoOutboxWaitFunc) (guint     failures,
                                        guint64   planned_usec,
                                        gpointer  user_data);

#define SAYSO_TYPE_OUTBOX (sayso_outbox_get_type ())
G_DECLARE_FINAL_TYPE (SaysoOutbox, sayso_outbox, SAYSO, OUTBOX, GObject)

/* @monitor: the network's (g_network_monitor_get_default() in the kiosk;
 * tests give their own), or NULL not to watch it. Sends nothing until
 * started or asked. Emits "changed" whenever its status may have. */
SaysoOutbox *sayso_outbox_new              (SaysoStore          *store,
                                            GNetworkMonitor     *monitor);
void         sayso_outbox_set_wait_func    (SaysoOutbox         *self,
                                            SaysoOutboxWaitFunc  func,
                                            gpointer             user_data);
/* Sends what waits, now and after failures, and when the network comes back. */
void         sayso_outbox_start            (SaysoOutbox         *self);
/* Staff's "Send now": at once, the refused bundles too (the kiosk may
 * have been enrolled since), the back-off started afresh. */
void         sayso_outbox_send_now         (SaysoOutbox         *self);
/* One pass over what waits, the refused too: @callback when it ends. */
void         sayso_outbox_send_async       (SaysoOutbox         *self,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
/* TRUE when nothing is left waiting; else @error says the last trouble. */
gboolean     sayso_outbox_send_finish      (SaysoOutbox         *self,
                                            GAsyncResult        *result,
                                            GError             **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean     sayso_outbox_is_sending       (SaysoOutbox         *self);
/* The upload address changed: read it again. */
void         sayso_outbox_reload           (SaysoOutbox         *self);
gboolean     sayso_outbox_get_status       (SaysoOutbox         *self,
                                            SaysoOutboxStatus   *status,
                                            GError             **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
