/* sayso-store.h: a kiosk's store of sealed responses.
 *
 * A store is bound to one site and to the analysts' public key. It can seal
 * and keep responses, count them and export them; it cannot read them.
 */
#pragma once

#include <glib-object.h>

#include "sayso-crypto.h"
#include "sayso-record.h"
#include "sayso-response.h"

G_BEGIN_DECLS

#define SAYSO_TYPE_STORE (sayso_store_get_type ())

G_DECLARE_FINAL_TYPE (SaysoStore, sayso_store, SAYSO, STORE, GObject)

SaysoStore   *sayso_store_create             (const char    *path,
                                              const char    *site,
                                              const guint8   recipient_pk[SAYSO_BOX_PUBLIC_KEY_SIZE],
                                              GError       **error) G_GNUC_WARN_UNUSED_RESULT;
SaysoStore   *sayso_store_open               (const char    *path,
                                              GError       **error) G_GNUC_WARN_UNUSED_RESULT;
/* Takes away a store that was made but not finished being set up; it must be closed. */
void          sayso_store_delete_files       (const char    *path);

gboolean      sayso_store_needs_reopen       (SaysoStore    *self);
gboolean      sayso_store_reopen             (SaysoStore    *self,
                                              GError       **error) G_GNUC_WARN_UNUSED_RESULT;

const char   *sayso_store_get_path           (SaysoStore    *self);
const char   *sayso_store_get_site           (SaysoStore    *self);
const guint8 *sayso_store_get_recipient_key  (SaysoStore    *self);
const guint8 *sayso_store_get_kiosk_key      (SaysoStore    *self);

void          sayso_store_prepare            (SaysoStore    *self);
void          sayso_store_settle_when_idle   (SaysoStore    *self);
gboolean      sayso_store_submit             (SaysoStore    *self,
                                              SaysoResponse *response,
                                              SaysoMode      mode,
                                              GError       **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean      sayso_store_submit_all         (SaysoStore    *self,
                                              GPtrArray     *responses,
                                              SaysoMode      mode,
                                              GError       **error) G_GNUC_WARN_UNUSED_RESULT;

gboolean      sayso_store_count              (SaysoStore    *self,
                                              gint64        *total,
                                              gint64        *awaiting,
                                              GError       **error) G_GNUC_WARN_UNUSED_RESULT;
/* Records set aside because the disk changed them: kept, never exported. */
gboolean      sayso_store_count_damaged      (SaysoStore    *self,
                                              gint64        *damaged,
                                              GError       **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
