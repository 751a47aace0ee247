#pragma once

#include <gio/gio.h>

#include "sayso-crypto.h"
#include "sayso-db.h"
#include "sayso-record.h"
#include "sayso-store.h"

G_BEGIN_DECLS

/* A store in a fresh temporary folder, sealed to a key pair the test holds. */
typedef struct
{
  char       *dir;
  char       *path;
  guint8      pk[SAYSO_BOX_PUBLIC_KEY_SIZE];
  guint8      sk[SAYSO_BOX_SECRET_KEY_SIZE];
  SaysoStore *store;
} TestStore;

void       test_store_setup        (TestStore     *fixture,
                                    gconstpointer  data);
void       test_store_teardown     (TestStore     *fixture,
                                    gconstpointer  data);

char      *test_make_tmp_dir       (void);
void       test_remove_tree        (const char    *path);
gboolean   test_file_contains      (const char    *path,
                                    const char    *needle);
GPtrArray *test_open_all_records   (SaysoDb       *db,
                                    const guint8   sk[SAYSO_BOX_SECRET_KEY_SIZE]);
char      *test_answers_to_string  (SaysoRecord   *record);
void       test_assert_day_since   (const char    *before,
                                    const char    *day);
const char *test_sayso_binary      (void);
const char *test_collect_binary    (void);
/* `sayso ARGS... NULL` and `sayso-collect ARGS... NULL`: the exit status,
 * with the output in *out and *err if asked for. */
int        test_run_sayso          (const char    *stdin_text,
                                    char         **out,
                                    char         **err,
                                    ...) G_GNUC_NULL_TERMINATED;
int        test_run_collect        (char         **out,
                                    char         **err,
                                    ...) G_GNUC_NULL_TERMINATED;
/* `sayso-collect serve --db DB --listen LISTEN` and any further ARGS...
 * NULL, its stderr in @log: the process, and in *url where it listens (its
 * first line), once it does. */
GSubprocess *test_collect_serve    (const char    *db,
                                    const char    *listen,
                                    const char    *log,
                                    char         **url,
                                    ...) G_GNUC_NULL_TERMINATED;
/* Stops a service that test_collect_serve() started, as systemd does
 * (SIGTERM), and checks that it stopped in order. */
void       test_collect_stop       (GSubprocess  **server);
guint16    test_free_port          (GSocket      **reservation);

G_END_DECLS
