/* sayso-submit-queue.c: responses on their way into the store.
 *
 * When the store cannot take a response (the disk is full, another process
 * holds it), the respondent has already walked away: the response waits here,
 * out of every widget, and is retried until it is stored. Nothing is lost and
 * the next respondent sees nothing of it. The error text is for staff; it
 * never holds an answer, because the store's errors are about the store.
 *
 * Nothing here writes to the log: journald stamps every line with the time,
 * so "could not store a response" at 10:32 would date one person. Staff mode
 * shows the counts instead (n-pending, n-refused) and the last error.
 */
#define G_LOG_DOMAIN "sayso-submit-queue"

#include "sayso-submit-queue-private.h"

#define DEFAULT_RETRY_MSEC 5000
/* Retries wait twice as long after each failure, up to this many intervals. */
#define MAX_BACKOFF_SHIFT 3

typedef struct
{
  SaysoResponse *response;
  SaysoMode      mode;
} Pending;

struct _SaysoSubmitQueue
{
  GObject          parent_instance;

  SaysoStore      *store;
  GQueue           pending;
  char            *last_error;
  guint            retry_source;
  guint            retry_msec;
  guint            n_failed_tries;   /* since the last success: the back-off */
  guint            n_refused;
  Pending         *last;             /* the latest pushed, while it waits */
  SaysoSubmitOutcome last_outcome;
  SaysoSubmitFunc  submit;
};

G_DEFINE_FINAL_TYPE (SaysoSubmitQueue, sayso_submit_queue, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_STORE,
  PROP_LAST_ERROR,
  PROP_N_PENDING,
  PROP_N_REFUSED,
  PROP_LAST_OUTCOME,
  N_PROPS
};
static GParamSpec *properties[N_PROPS];

enum { STORED, N_SIGNALS };
static guint signals[N_SIGNALS];

static void
pending_free (Pending *pending)
{
  /* Wipes the answers' strings before they go back to the allocator. */
  sayso_response_clear (pending->response);
  g_object_unref (pending->response);
  g_free (pending);
}

static void
set_last_error (SaysoSubmitQueue *self,
                const char       *message)
{
  if (g_strcmp0 (self->last_error, message) == 0)
    return;
  g_free (self->last_error);
  self->last_error = g_strdup (message);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_ERROR]);
}

static gboolean retry_cb (gpointer user_data);

/* The latest response has left the queue: the thank-you on the screen may
 * have to say something else now. */
static void
settle (SaysoSubmitQueue   *self,
        Pending            *pending,
        SaysoSubmitOutcome  outcome)
{
  if (pending != self->last)
    return;
  self->last = NULL;
  self->last_outcome = outcome;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_OUTCOME]);
}

static void
schedule_retry (SaysoSubmitQueue *self)
{
  guint shift = MIN (self->n_failed_tries, MAX_BACKOFF_SHIFT);

  self->n_failed_tries++;
  if (self->retry_source == 0 && !g_queue_is_empty (&self->pending))
    self->retry_source = g_timeout_add (self->retry_msec << shift, retry_cb, self);
}

/* A response the store refuses for what it is (not for the state of the
 * disk) will be refused every time. */
static gboolean
is_permanent (const GError *error)
{
  return error->domain == SAYSO_RESPONSE_ERROR ||
         error->domain == SAYSO_RECORD_ERROR ||
         error->domain == SAYSO_CRYPTO_ERROR;
}

/* Stores waiting responses in order, stopping at the first failure. */
static gboolean
flush (SaysoSubmitQueue *self)
{
  guint n_before = self->pending.length;
  gboolean had_permanent = FALSE;
  Pending *pending;

  /* After a failed write or sync the store's handle writes nothing more:
   * the file is opened again, as a restart would, instead of retrying a
   * dead handle. (A full disk leaves the handle good: it is retried as it is.) */
  if (!g_queue_is_empty (&self->pending) && sayso_store_needs_reopen (self->store))
    {
      g_autoptr(GError) error = NULL;

      if (!sayso_store_reopen (self->store, &error))
        {
          set_last_error (self, error->message);
          schedule_retry (self);
          return FALSE;
        }
    }

  while ((pending = g_queue_peek_head (&self->pending)))
    {
      g_autoptr(GError) error = NULL;

      if (!self->submit (self->store, pending->response, pending->mode, &error))
        {
          if (is_permanent (error))
            {
              /* Trying again cannot help, and it would hold up every
               * response behind it. Errors name questions, never answers. */
              g_autofree char *message = g_strdup_printf ("A response could not be stored and was discarded: %s",
                                                          error->message);
              set_last_error (self, message);
              g_queue_pop_head (&self->pending);
              settle (self, pending, SAYSO_SUBMIT_REFUSED);
              pending_free (pending);
              self->n_refused++;
              g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_REFUSED]);
              g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_PENDING]);
              n_before = self->pending.length;
              had_permanent = TRUE;
              continue;
            }

          set_last_error (self, error->message);
          if (self->pending.length != n_before)
            g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_PENDING]);
          schedule_retry (self);
          return FALSE;
        }

      g_queue_pop_head (&self->pending);
      settle (self, pending, SAYSO_SUBMIT_STORED);
      pending_free (pending);
      g_signal_emit (self, signals[STORED], 0);
    }

  self->n_failed_tries = 0;
  if (!had_permanent)
    set_last_error (self, NULL);
  if (self->pending.length != n_before)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_PENDING]);
  sayso_store_prepare (self->store);
  return TRUE;
}

static gboolean
retry_cb (gpointer user_data)
{
  SaysoSubmitQueue *self = user_data;

  self->retry_source = 0;
  flush (self);
  return G_SOURCE_REMOVE;
}

static void
sayso_submit_queue_dispose (GObject *object)
{
  SaysoSubmitQueue *self = SAYSO_SUBMIT_QUEUE (object);

  g_clear_handle_id (&self->retry_source, g_source_remove);
  /* A last try, so that quitting the kiosk loses nothing it can save. */
  if (!g_queue_is_empty (&self->pending) && self->store != NULL)
    {
      flush (self);
      g_clear_handle_id (&self->retry_source, g_source_remove);
    }
  g_queue_clear_full (&self->pending, (GDestroyNotify) pending_free);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (sayso_submit_queue_parent_class)->dispose (object);
}

static void
sayso_submit_queue_finalize (GObject *object)
{
  SaysoSubmitQueue *self = SAYSO_SUBMIT_QUEUE (object);

  g_clear_pointer (&self->last_error, g_free);

  G_OBJECT_CLASS (sayso_submit_queue_parent_class)->finalize (object);
}

static void
sayso_submit_queue_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  SaysoSubmitQueue *self = SAYSO_SUBMIT_QUEUE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_LAST_ERROR:
      g_value_set_string (value, self->last_error);
      break;
    case PROP_N_PENDING:
      g_value_set_uint (value, self->pending.length);
      break;
    case PROP_N_REFUSED:
      g_value_set_uint (value, self->n_refused);
      break;
    case PROP_LAST_OUTCOME:
      g_value_set_int (value, self->last_outcome);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sayso_submit_queue_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  SaysoSubmitQueue *self = SAYSO_SUBMIT_QUEUE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sayso_submit_queue_class_init (SaysoSubmitQueueClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sayso_submit_queue_dispose;
  object_class->finalize = sayso_submit_queue_finalize;
  object_class->get_property = sayso_submit_queue_get_property;
  object_class->set_property = sayso_submit_queue_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, SAYSO_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LAST_ERROR] =
    g_param_spec_string ("last-error", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_PENDING] =
    g_param_spec_uint ("n-pending", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* Responses the store refused for what they are, and that were discarded. */
  properties[PROP_N_REFUSED] =
    g_param_spec_uint ("n-refused", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* What became of the latest response pushed (a SaysoSubmitOutcome). */
  properties[PROP_LAST_OUTCOME] =
    g_param_spec_int ("last-outcome", NULL, NULL, SAYSO_SUBMIT_STORED, SAYSO_SUBMIT_REFUSED, SAYSO_SUBMIT_STORED,
                      G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[STORED] =
    g_signal_new ("stored",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
sayso_submit_queue_init (SaysoSubmitQueue *self)
{
  g_queue_init (&self->pending);
  self->retry_msec = DEFAULT_RETRY_MSEC;
  self->submit = sayso_store_submit;
}

SaysoSubmitQueue *
sayso_submit_queue_new (SaysoStore *store)
{
  g_return_val_if_fail (SAYSO_IS_STORE (store), NULL);
  return g_object_new (SAYSO_TYPE_SUBMIT_QUEUE, "store", store, NULL);
}

SaysoStore *
sayso_submit_queue_get_store (SaysoSubmitQueue *self)
{
  g_return_val_if_fail (SAYSO_IS_SUBMIT_QUEUE (self), NULL);
  return self->store;
}

/**
 * sayso_submit_queue_push:
 * @response: (transfer full): the queue owns it from now on and wipes it once stored
 *
 * Returns: whether @response is stored now, waits in memory for a retry,
 * or was refused for good (it can never be stored, and is gone).
 */
SaysoSubmitOutcome
sayso_submit_queue_push (SaysoSubmitQueue *self,
                         SaysoResponse    *response,
                         SaysoMode         mode)
{
  Pending *pending;

  g_return_val_if_fail (SAYSO_IS_SUBMIT_QUEUE (self), SAYSO_SUBMIT_WAITING);
  g_return_val_if_fail (SAYSO_IS_RESPONSE (response), SAYSO_SUBMIT_WAITING);

  pending = g_new0 (Pending, 1);
  pending->response = response;
  pending->mode = mode;
  g_queue_push_tail (&self->pending, pending);
  self->last = pending;
  self->last_outcome = SAYSO_SUBMIT_WAITING;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_PENDING]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_OUTCOME]);

  /* Behind a failed one, wait for the timer rather than hammer the store. */
  if (self->retry_source == 0)
    flush (self);
  return self->last_outcome;
}

guint
sayso_submit_queue_get_n_pending (SaysoSubmitQueue *self)
{
  g_return_val_if_fail (SAYSO_IS_SUBMIT_QUEUE (self), 0);
  return self->pending.length;
}

SaysoSubmitOutcome
sayso_submit_queue_get_last_outcome (SaysoSubmitQueue *self)
{
  g_return_val_if_fail (SAYSO_IS_SUBMIT_QUEUE (self), SAYSO_SUBMIT_STORED);
  return self->last_outcome;
}

guint
sayso_submit_queue_get_n_refused (SaysoSubmitQueue *self)
{
  g_return_val_if_fail (SAYSO_IS_SUBMIT_QUEUE (self), 0);
  return self->n_refused;
}

const char *
sayso_submit_queue_get_last_error (SaysoSubmitQueue *self)
{
  g_return_val_if_fail (SAYSO_IS_SUBMIT_QUEUE (self), NULL);
  return self->last_error;
}

void
sayso_submit_queue_set_retry_interval (SaysoSubmitQueue *self,
                                       guint             msec)
{
  g_return_if_fail (SAYSO_IS_SUBMIT_QUEUE (self));
  g_return_if_fail (msec > 0);
  self->retry_msec = msec;
}

gboolean
sayso_submit_queue_retry_now (SaysoSubmitQueue *self)
{
  g_return_val_if_fail (SAYSO_IS_SUBMIT_QUEUE (self), FALSE);
  g_clear_handle_id (&self->retry_source, g_source_remove);
  /* Someone freed space and asks now: the next failure waits the shortest time. */
  self->n_failed_tries = 0;
  return flush (self);
}

void
_sayso_submit_queue_set_submit_func (SaysoSubmitQueue *self,
                                     SaysoSubmitFunc   func)
{
  g_return_if_fail (SAYSO_IS_SUBMIT_QUEUE (self));
  self->submit = func ? func : sayso_store_submit;
}
