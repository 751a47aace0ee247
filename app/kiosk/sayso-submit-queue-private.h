#pragma once

#include "sayso-submit-queue.h"

G_BEGIN_DECLS

/* The seam through which tests make the store fail. */
typedef gboolean (*SaysoSubmitFunc) (SaysoStore     *store,
                                     SaysoResponse  *response,
                                     SaysoMode       mode,
                                     GError        **error);

void _sayso_submit_queue_set_submit_func (SaysoSubmitQueue *self,
                                          SaysoSubmitFunc   func);

G_END_DECLS
