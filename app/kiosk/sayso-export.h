/* sayso-export.h: the end-of-day export of a store to a signed bundle. */
#pragma once

#include "sayso-bundle.h"
#include "sayso-store.h"

G_BEGIN_DECLS

typedef enum
{
  SAYSO_EXPORT_DEFAULT = 0,
  /* Also the records already exported and still kept: a lost stick's worth. */
  SAYSO_EXPORT_AGAIN   = 1 << 0,
} SaysoExportFlags;

typedef struct
{
  char    *path;      /* the bundle written, or NULL if there was nothing to export */
  gint64   records;
  gint64   sequence;
  guint64  bytes;
  gint64   purged;    /* exported records deleted after their keep period */
  gint64   damaged;   /* records found damaged in the store and set aside, never to be exported */
  /* How long each step took, in microseconds: to tell a slow stick from a
   * slow kiosk (never logged: a log line carries the time of day). */
  gint64   write_usec;   /* reading the store and writing the bundle */
  gint64   flush_usec;   /* fsync, rename, the folder's fsync */
  gint64   check_usec;   /* reading back from the drive and checking */
  gint64   mark_usec;    /* marking the records exported */
} SaysoExportResult;

#define SAYSO_DEFAULT_KEEP_DAYS 14

gboolean sayso_store_export          (SaysoStore         *store,
                                      const char         *dir,
                                      SaysoExportFlags    flags,
                                      SaysoExportResult  *result,
                                      GError            **error) G_GNUC_WARN_UNUSED_RESULT;
/* Frees what a result holds and zeroes it, for one on the stack:
 * g_auto(SaysoExportResult) result = { 0 }; */
void     sayso_export_result_clear   (SaysoExportResult  *result);
/* Clears and frees one made with g_new0 (handed between threads):
 * g_autoptr(SaysoExportResult). */
void     sayso_export_result_free    (SaysoExportResult  *result);

gboolean sayso_store_purge_exported  (SaysoStore         *store,
                                      gint64             *n_deleted,
                                      GError            **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean sayso_store_get_keep_days   (SaysoStore         *store,
                                      gint64             *days,
                                      GError            **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean sayso_store_set_keep_days   (SaysoStore         *store,
                                      gint64              days,
                                      GError            **error) G_GNUC_WARN_UNUSED_RESULT;

char    *sayso_bundle_file_name      (const char         *site,
                                      const guint8       *kiosk_pk,
                                      const char         *day,
                                      gint64              sequence) G_GNUC_WARN_UNUSED_RESULT;

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (SaysoExportResult, sayso_export_result_clear)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SaysoExportResult, sayso_export_result_free)

G_END_DECLS
