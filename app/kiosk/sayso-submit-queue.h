/* sayso-submit-queue.h: responses on their way into the store. */
#pragma once

#include <glib-object.h>

#include "sayso-store.h"

G_BEGIN_DECLS

#define SAYSO_TYPE_SUBMIT_QUEUE (sayso_submit_queue_get_type ())

G_DECLARE_FINAL_TYPE (SaysoSubmitQueue, sayso_submit_queue, SAYSO, SUBMIT_QUEUE, GObject)

/* What became of a response handed to the queue, for what the screen says. */
typedef enum
{
  SAYSO_SUBMIT_STORED,   /* in the store: sealed and on the disk */
  SAYSO_SUBMIT_WAITING,  /* in memory only, tried again until stored */
  SAYSO_SUBMIT_REFUSED,  /* can never be stored, and is gone */
} SaysoSubmitOutcome;

SaysoSubmitQueue *sayso_submit_queue_new            (SaysoStore       *store);
SaysoStore       *sayso_submit_queue_get_store      (SaysoSubmitQueue *self);
SaysoSubmitOutcome sayso_submit_queue_push         (SaysoSubmitQueue *self,
                                                     SaysoResponse    *response,
                                                     SaysoMode         mode);
guint             sayso_submit_queue_get_n_pending  (SaysoSubmitQueue *self);
guint             sayso_submit_queue_get_n_refused  (SaysoSubmitQueue *self);
SaysoSubmitOutcome sayso_submit_queue_get_last_outcome (SaysoSubmitQueue *self);
const char       *sayso_submit_queue_get_last_error (SaysoSubmitQueue *self);
void              sayso_submit_queue_set_retry_interval (SaysoSubmitQueue *self,
                                                         guint             msec);
gboolean          sayso_submit_queue_retry_now      (SaysoSubmitQueue *self);

G_END_DECLS
