/* sayso-uploader.h: sending a bundle to the collection service.
 *
 * A bundle counts as delivered only on a receipt signed by the service's
 * key, which the sender was given beforehand, that names the file sent, its
 * kiosk, sequence number and record count (docs/format.md "The receipt"),
 * whatever the HTTP status says: a captive portal or an impostor can answer
 * 201 but cannot sign. The file is streamed from the disk, never read whole.
 * Network errors, timeouts and the service's own failures (5xx) are tried
 * again with exponential back-off and jitter, a bounded number of times;
 * a refusal (4xx) is not; nor is a machine that cannot send at all
 * (SAYSO_UPLOAD_ERROR_CANNOT_SEND, with the status TRY_AGAIN: the bundle
 * waits). Usable from a main loop (the kiosk's outbox) and,
 * through sayso_uploader_send(), from a program without one.
 */
#pragma once

#include <gio/gio.h>

#include "sayso-receipt.h"

G_BEGIN_DECLS

#define SAYSO_UPLOAD_ERROR (sayso_upload_error_quark ())

/* The error's code says what became of the bundle, as the status does. */
typedef enum
{
  SAYSO_UPLOAD_ERROR_BAD_FILE,         /* not sent: the file could not be read here */
  SAYSO_UPLOAD_ERROR_REFUSED,          /* the service refused it for good (4xx), with its reason */
  SAYSO_UPLOAD_ERROR_NOT_THE_SERVICE,  /* an answer with no valid receipt: a captive portal or an impostor */
  SAYSO_UPLOAD_ERROR_TRY_AGAIN,        /* no answer, or the service failed (5xx), after every retry */
  SAYSO_UPLOAD_ERROR_CANNOT_SEND,      /* not sent: this machine cannot send (libsoup could not be loaded) */
} SaysoUploadError;

typedef enum
{
  SAYSO_UPLOAD_RECEIVED,          /* received now: a valid receipt */
  SAYSO_UPLOAD_ALREADY_RECEIVED,  /* received before: a valid receipt */
  SAYSO_UPLOAD_BAD_FILE,
  SAYSO_UPLOAD_REFUSED,
  SAYSO_UPLOAD_NOT_THE_SERVICE,
  SAYSO_UPLOAD_TRY_AGAIN,
} SaysoUploadStatus;

#define SAYSO_UPLOAD_DEFAULT_RETRIES   5
/* The first wait; each next one doubles, up to the maximum, each with up to
 * half of it again at random so that kiosks do not come back in step. */
#define SAYSO_UPLOAD_FIRST_DELAY_USEC  G_USEC_PER_SEC
#define SAYSO_UPLOAD_MAX_DELAY_USEC    (60 * G_USEC_PER_SEC)
/* Seconds a connection may be silent. */
#define SAYSO_UPLOAD_DEFAULT_TIMEOUT   60
/* The service's answers are a few hundred bytes; anything longer is not one. */
#define SAYSO_UPLOAD_MAX_ANSWER_BYTES  (64 * 1024)

/* Called before each wait between tries, with why the last try failed and
 * the wait planned (its jitter included); returns the wait to make. The
 * command line says it is trying again; tests record the plan and return 0. */
typedef guint64 (*SaysoUploaderWaitFunc) (guint          retry,
                                          guint64        planned_usec,
                                          const GError  *why,
                                          gpointer       user_data);

#define SAYSO_TYPE_UPLOADER (sayso_uploader_get_type ())
G_DECLARE_FINAL_TYPE (SaysoUploader, sayso_uploader, SAYSO, UPLOADER, GObject)

GQuark          sayso_upload_error_quark    (void);

/* @url: the service's address, http:// or https://; bundles go to URL/bundles. */
SaysoUploader  *sayso_uploader_new          (const char             *url,
                                             const guint8            service_pk[SAYSO_SIGN_PUBLIC_KEY_SIZE],
                                             GError                **error) G_GNUC_WARN_UNUSED_RESULT;

void            sayso_uploader_set_retries  (SaysoUploader          *self,
                                             guint                   retries);
void            sayso_uploader_set_timeout  (SaysoUploader          *self,
                                             guint                   seconds);
void            sayso_uploader_set_wait_func (SaysoUploader         *self,
                                             SaysoUploaderWaitFunc   func,
                                             gpointer                user_data);

/* Sends @path; @callback is called in the thread-default main context. */
void            sayso_uploader_send_async   (SaysoUploader          *self,
                                             const char             *path,
                                             GCancellable           *cancellable,
                                             GAsyncReadyCallback     callback,
                                             gpointer                user_data);
/* @receipt: (out) (optional): the verified receipt, when delivered. @error
 * is set, naming the file, for every status but the two received ones. */
SaysoUploadStatus sayso_uploader_send_finish (SaysoUploader         *self,
                                             GAsyncResult           *result,
                                             SaysoReceipt           *receipt,
                                             GError                **error) G_GNUC_WARN_UNUSED_RESULT;
/* The same, waiting in a main context of its own. */
SaysoUploadStatus sayso_uploader_send       (SaysoUploader          *self,
                                             const char             *path,
                                             SaysoReceipt           *receipt,
                                             GError                **error) G_GNUC_WARN_UNUSED_RESULT;

gboolean        sayso_upload_status_is_delivered (SaysoUploadStatus status);

G_END_DECLS
