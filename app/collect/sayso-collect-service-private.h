/* sayso-collect-service-private.h: what the collection service's files
 * share: the object's struct, a request's upload, what checking one came
 * to, and the few functions one file calls in another. Not for use outside
 * app/collect.
 */
#pragma once

#include <libsoup/soup.h>
#include <sodium.h>

#include "sayso-collect-service.h"
#include "sayso-crypto.h"

G_BEGIN_DECLS

struct _SaysoCollectService
{
  GObject         parent_instance;

  SaysoCollectDb *db;
  SoupServer     *server;
  char           *incoming;     /* where uploads are written as they come */
  guint64         max_size;
  guint           timeout;      /* seconds a request may take to arrive */
  guint8          service_pk[SAYSO_SIGN_PUBLIC_KEY_SIZE];
  guint8         *service_sk;   /* locked */
  guint           busy;         /* uploads a worker is checking or storing */
  guint           silent_days;  /* a kiosk with no bundle for longer is silent */
  gboolean        tls;          /* listens with HTTPS: a certificate is set */
};

#define UPLOAD_KEY "sayso-upload"

/* One request's body, as it arrives. */
typedef struct
{
  SaysoCollectService *service;   /* borrowed: outlives every request */
  SoupServerMessage   *msg;       /* borrowed: the upload is the message's data */
  char                *path;      /* NULL: a body nobody asked for, dropped */
  int                  fd;
  guint64              received;
  gboolean             too_large;
  gboolean             complete;
  gboolean             form;      /* from the upload page: multipart/form-data */
  int                  write_errno;
  guint                deadline;
  GString             *small;     /* a form with a token: kept in memory, at most MAX_SMALL_BODY */
  /* The receipt's hash of the body, taken as it is written: the check then
   * need not read the whole file again for it. */
  crypto_generichash_state *hash;   /* 64-byte aligned, as libsodium declares it */
} Upload;

#define MAX_SMALL_BODY 4096

/* What checking an upload came to. */
typedef struct
{
  guint  status;
  char  *body;      /* JSON */
  char  *message;   /* the same in a sentence, for the upload page */
} Outcome;

typedef enum
{
  TOKEN_VALID,
  TOKEN_MISSING,
  TOKEN_INVALID,
  TOKEN_UNREADABLE,   /* the database failed */
} TokenCheck;

/* sayso-collect-service.c */
char       *_sayso_collect_service_error_json     (const char          *reason);
void        _sayso_collect_service_respond_json   (SoupServerMessage   *msg,
                                                   guint                status,
                                                   const char          *body);
void        _sayso_collect_service_respond_error  (SoupServerMessage   *msg,
                                                   guint                status,
                                                   const char          *reason);
char       *_sayso_collect_service_kiosk_name     (const char          *site,
                                                   gint64               number);
char       *_sayso_collect_service_kiosk_fingerprint (const guint8      kiosk_pk[SAYSO_SIGN_PUBLIC_KEY_SIZE]);
const char *_sayso_collect_service_bearer_token   (SoupServerMessage   *msg);
TokenCheck  _sayso_collect_service_check_token    (SaysoCollectService *self,
                                                   const char          *token);
/* For the JSON answers: whether the request may go on; if not, answered. */
gboolean    _sayso_collect_service_authorize_json (SaysoCollectService *self,
                                                   SoupServerMessage   *msg);

extern const char _sayso_collect_service_token_invalid_text[];
extern const char _sayso_collect_service_database_unreadable_text[];

/* sayso-collect-receive.c */
void        _sayso_collect_service_outcome_free    (Outcome                  *outcome);
void        _sayso_collect_service_upload_free     (Upload                   *upload);
Outcome    *_sayso_collect_service_check_and_store (SaysoCollectService      *self,
                                                    const char               *path,
                                                    int                       fd,
                                                    guint64                   size);
/* The same, with the body's hash taken as it came (NULL: read it again). */
Outcome    *_sayso_collect_service_check_and_store_hashed (SaysoCollectService *self,
                                                           const char          *path,
                                                           int                  fd,
                                                           guint64              size,
                                                           const guint8        *hash);
Outcome    *_sayso_collect_service_refuse_upload   (SaysoCollectService      *self,
                                                    Upload                   *upload);
void        _sayso_collect_service_respond_refused (SoupServerMessage        *msg,
                                                    Upload                   *upload,
                                                    Outcome                  *refused);
void        _sayso_collect_service_check_upload    (SaysoCollectService      *self,
                                                    SoupServerMessage        *msg,
                                                    Upload                   *upload);
void        _sayso_collect_service_start_upload    (SaysoCollectService      *self,
                                                    SoupServerMessage        *msg,
                                                    Upload                   *upload,
                                                    gboolean                  form);
void        _sayso_collect_service_got_chunk       (SoupServerMessage        *msg,
                                                    GBytes                   *chunk,
                                                    gpointer                  user_data);
void        _sayso_collect_service_got_body        (SoupServerMessage        *msg,
                                                    gpointer                  user_data);

/* sayso-collect-pages.c */
char       *_sayso_collect_service_form_page          (GPtrArray         *lines);
Outcome    *_sayso_collect_service_check_form         (Upload            *upload);
void        _sayso_collect_service_page_handler       (SoupServer        *server,
                                                       SoupServerMessage *msg,
                                                       const char        *path,
                                                       GHashTable        *query,
                                                       gpointer           user_data);
void        _sayso_collect_service_inspection_handler (SoupServer        *server,
                                                       SoupServerMessage *msg,
                                                       const char        *path,
                                                       GHashTable        *query,
                                                       gpointer           user_data);

/* sayso-collect-pull.c */
void        _sayso_collect_service_list_bundles (SaysoCollectService *self,
                                                 SoupServerMessage   *msg,
                                                 GHashTable          *query);
void        _sayso_collect_service_send_bundle  (SaysoCollectService *self,
                                                 SoupServerMessage   *msg,
                                                 const char          *id_text);

/* sayso-collect-status.c */
void        _sayso_collect_service_status_handler (SoupServer                 *server,
                                                   SoupServerMessage          *msg,
                                                   const char                 *path,
                                                   GHashTable                 *query,
                                                   gpointer                    user_data);
char       *_sayso_collect_service_day_in_words   (const char                 *day);
void        _sayso_collect_service_today_date     (GDate                      *today);
gint64      _sayso_collect_service_days_silent    (const SaysoCollectKioskRow *row,
                                                   const GDate                *today);

G_END_DECLS
