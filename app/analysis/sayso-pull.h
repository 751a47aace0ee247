/* sayso-pull.h: fetching bundles from a collection service for import.
 *
 * The analysts' side of `GET /bundles?after=N` and `GET /bundles/ID`
 * (docs/format.md): a listing, then each bundle streamed to a file and
 * checked against the hash and size the listing gave, before anything of it
 * is imported.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define SAYSO_PULL_ERROR (sayso_pull_error_quark ())

typedef enum
{
  SAYSO_PULL_ERROR_NETWORK,    /* no answer, or cut off: run the pull again */
  SAYSO_PULL_ERROR_REFUSED,    /* the service said no (a token, an address) */
  SAYSO_PULL_ERROR_BAD_ANSWER, /* not what a collection service answers */
  SAYSO_PULL_ERROR_ALTERED,    /* the bytes are not the ones listed */
  SAYSO_PULL_ERROR_IO,         /* writing the file here failed */
} SaysoPullError;

typedef struct
{
  gint64  id;
  guint8  kiosk_pk[32];
  char   *site;
  gint64  sequence;
  char   *day;
  guint8  hash[32];
  gint64  size;     /* 0 for a bundle kept aside as a conflict: it is not served */
  gint64  number;   /* the kiosk's number within its site; 0 if the service did not say */
} SaysoPullEntry;

typedef struct _SaysoPull SaysoPull;

GQuark      sayso_pull_error_quark (void);

/* @url: the service's address, http:// or https://.
 * @ca_file: (nullable): a PEM file of the certificates to trust for this
 * pull only, instead of the system's (a service's self-signed one). */
SaysoPull  *sayso_pull_new         (const char      *url,
                                    const char      *token,
                                    const char      *ca_file,
                                    GError         **error) G_GNUC_WARN_UNUSED_RESULT;
void        sayso_pull_free        (SaysoPull       *pull);
/* The service's address as given, without a trailing slash: a pull's name. */
const char *sayso_pull_get_url     (SaysoPull       *pull);

/* Bundles listed after @after, in order of id; @more: whether others follow.
 * @conflicts: (out) (optional): the bundles the service kept aside, each a
 * kiosk's number it holds two versions of (entries with no id or size). */
GPtrArray  *sayso_pull_list        (SaysoPull       *pull,
                                    gint64           after,
                                    gboolean        *more,
                                    GPtrArray      **conflicts,
                                    GError         **error) G_GNUC_WARN_UNUSED_RESULT;
/* Streams the bundle into @path (made, 0600) and checks it; on failure
 * @path is removed. */
gboolean    sayso_pull_fetch       (SaysoPull             *pull,
                                    const SaysoPullEntry  *entry,
                                    const char            *path,
                                    GError               **error) G_GNUC_WARN_UNUSED_RESULT;
/* The bundle as people name it, for messages: "bundle 14 of Liverpool
 * North, kiosk 2 (2026-12-03)". */
char       *sayso_pull_entry_name  (const SaysoPullEntry  *entry);
void        sayso_pull_entry_free  (SaysoPullEntry        *entry);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SaysoPull, sayso_pull_free)

G_END_DECLS
