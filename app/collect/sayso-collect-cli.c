/* sayso-collect-cli.c: the `sayso-collect` command line.
 *
 * It sets the service up (its database and key, the kiosks it trusts, the
 * analysts' tokens), runs it, and backs it up. It prints keys, counts and
 * clear errors; it never holds an answer: the service cannot open one.
 */
#define G_LOG_DOMAIN "sayso-collect-cli"

#include <errno.h>
#include <gio/gio.h>
#include <glib-unix.h>
#include <glib/gstdio.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "sayso-bundle.h"
#include "sayso-collect-cli.h"
#include "sayso-collect-db.h"
#include "sayso-collect-service.h"
#include "sayso-crypto.h"
#include "sayso-process.h"

#define TOKEN_BYTES 32

static char *
today (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  return g_date_time_format (now, "%Y-%m-%d");
}

/* sayso-collect init --db FILE */
static int
cmd_init (int    argc,
          char **argv)
{
  g_autofree char *db_path = NULL;
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(SaysoCollectDb) db = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *key_text = NULL;
  guint8 pk[SAYSO_SIGN_PUBLIC_KEY_SIZE];
  guint8 *sk;
  int code = SAYSO_COLLECT_EXIT_OK;
  const GOptionEntry entries[] = {
    { "db", 'd', 0, G_OPTION_ARG_FILENAME, &db_path, "The service's database (made; never over a file)", "FILE" },
    { NULL }
  };

  context = sayso_command_context ("--db FILE",
                             "Make the collection service's database and its signing key, and print\n"
                             "the public key that senders check its receipts with.", entries);
  if (!sayso_command_parse (context, &argc, &argv, &code))
    return code;
  if (db_path == NULL || argc != 1)
    return sayso_command_fail (SAYSO_COLLECT_EXIT_BAD_INPUT, "init: give --db FILE");

  sk = sodium_malloc (SAYSO_SIGN_SECRET_KEY_SIZE);
  if (sk == NULL)
    g_error ("out of memory");
  sayso_sign_keypair_new (pk, sk);
  db = sayso_collect_db_create (db_path, pk, sk, &error);
  sodium_free (sk);
  if (db == NULL)
    return sayso_command_fail (SAYSO_COLLECT_EXIT_FAILED, "%s", error->message);

  key_text = sayso_key_to_text (SAYSO_KEY_SERVICE_PUBLIC, pk);
  g_print ("Made the collection database %s.\n"
           "Give this key to every kiosk and uploader, so that they can check the service's receipts:\n%s",
           db_path, key_text);
  return SAYSO_COLLECT_EXIT_OK;
}

static SaysoCollectDb *
open_db (const char *path,
         int        *code)
{
  g_autoptr(GError) error = NULL;
  SaysoCollectDb *db = sayso_collect_db_open (path, &error);

  if (db == NULL)
    *code = sayso_command_fail (SAYSO_COLLECT_EXIT_FAILED, "%s", error->message);
  return db;
}

/* sayso-collect enroll --db FILE --site NAME KIOSK_KEY */
static int
cmd_enroll (int    argc,
            char **argv)
{
  g_autofree char *db_path = NULL;
  g_autofree char *site = NULL;
  g_autofree char *day = today ();
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(SaysoCollectDb) db = NULL;
  g_autoptr(GError) error = NULL;
  guint8 kiosk[SAYSO_SIGN_PUBLIC_KEY_SIZE];
  gint64 number = 0;
  int code = SAYSO_COLLECT_EXIT_OK;
  const GOptionEntry entries[] = {
    { "db", 'd', 0, G_OPTION_ARG_FILENAME, &db_path, "The service's database", "FILE" },
    { "site", 0, 0, G_OPTION_ARG_STRING, &site, "The site the kiosk stands in", "NAME" },
    { NULL }
  };

  context = sayso_command_context ("--db FILE --site NAME KIOSK_KEY",
                             "Accept a kiosk's bundles. KIOSK_KEY is the file (or the text) that\n"
                             "“sayso setup” or “sayso init” printed on the kiosk. A site's kiosks are\n"
                             "numbered 1, 2, 3 in the order they are enrolled; enrolling one again\n"
                             "for the same site keeps its number.", entries);
  if (!sayso_command_parse (context, &argc, &argv, &code))
    return code;
  if (db_path == NULL || site == NULL || argc != 2)
    return sayso_command_fail (SAYSO_COLLECT_EXIT_BAD_INPUT, "enroll: give --db FILE --site NAME and one KIOSK_KEY");
  if (!g_utf8_validate (site, -1, NULL) || g_utf8_strlen (site, -1) < 1 || g_utf8_strlen (site, -1) > 100)
    return sayso_command_fail (SAYSO_COLLECT_EXIT_BAD_INPUT, "enroll: --site must be 1 to 100 characters");

  if (!sayso_key_read_argument (SAYSO_KEY_KIOSK_PUBLIC, argv[1], "KIOSK_KEY", kiosk, &error))
    return sayso_command_fail (SAYSO_COLLECT_EXIT_BAD_INPUT, "%s", error->message);

  if (!(db = open_db (db_path, &code)))
    return code;
  if (!sayso_collect_db_enroll (db, kiosk, site, day, &number, &error))
    return sayso_command_fail (SAYSO_COLLECT_EXIT_FAILED, "%s", error->message);

  {
    g_autofree char *fingerprint = sayso_key_fingerprint (kiosk);
    g_print ("Enrolled %s, kiosk %" G_GINT64_FORMAT " (key %s).\n", site, number, fingerprint);
  }
  return SAYSO_COLLECT_EXIT_OK;
}

/* sayso-collect token --db FILE --name NAME [--revoke] */
static int
cmd_token (int    argc,
           char **argv)
{
  g_autofree char *db_path = NULL;
  g_autofree char *name = NULL;
  g_autofree char *day = today ();
  gboolean revoke = FALSE;
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(SaysoCollectDb) db = NULL;
  g_autoptr(GError) error = NULL;
  int code = SAYSO_COLLECT_EXIT_OK;
  const GOptionEntry entries[] = {
    { "db", 'd', 0, G_OPTION_ARG_FILENAME, &db_path, "The service's database", "FILE" },
    { "name", 0, 0, G_OPTION_ARG_STRING, &name, "Whose token it is, e.g. an analyst's name", "NAME" },
    { "revoke", 0, 0, G_OPTION_ARG_NONE, &revoke, "Revoke every token of that name instead", NULL },
    { NULL }
  };

  context = sayso_command_context ("--db FILE --name NAME [--revoke]",
                             "Make an access token for the status page and the analysts' pull, and\n"
                             "print it once: the service keeps only its hash. --revoke stops every\n"
                             "token of that name working.", entries);
  if (!sayso_command_parse (context, &argc, &argv, &code))
    return code;
  if (db_path == NULL || name == NULL || argc != 1)
    return sayso_command_fail (SAYSO_COLLECT_EXIT_BAD_INPUT, "token: give --db FILE and --name NAME");
  if (!g_utf8_validate (name, -1, NULL) || *name == '\0')
    return sayso_command_fail (SAYSO_COLLECT_EXIT_BAD_INPUT, "token: --name must be some text");

  if (!(db = open_db (db_path, &code)))
    return code;

  if (revoke)
    {
      guint n = 0;

      if (!sayso_collect_db_revoke_tokens (db, name, &n, &error))
        return sayso_command_fail (SAYSO_COLLECT_EXIT_FAILED, "%s", error->message);
      if (n == 0)
        return sayso_command_fail (SAYSO_COLLECT_EXIT_BAD_INPUT, "token: no token named “%s” is in use; nothing was changed", name);
      g_print ("Revoked %u token%s of “%s”.\n", n, n == 1 ? "" : "s", name);
      return SAYSO_COLLECT_EXIT_OK;
    }

  {
    guint8 raw[TOKEN_BYTES];
    guint8 hash[SAYSO_COLLECT_HASH_SIZE];
    char token[sodium_base64_ENCODED_LEN (TOKEN_BYTES, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];

    sayso_random_bytes (raw, sizeof raw);
    sodium_bin2base64 (token, sizeof token, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_memzero (raw, sizeof raw);
    sayso_collect_token_hash (token, hash);
    if (!sayso_collect_db_add_token (db, name, hash, day, &error))
      {
        sodium_memzero (token, sizeof token);
        return sayso_command_fail (SAYSO_COLLECT_EXIT_FAILED, "%s", error->message);
      }
    g_print ("%s\n", token);
    sodium_memzero (token, sizeof token);
  }
  g_printerr ("The token above is shown only once: give it to %s. It is stored only as a hash.\n", name);
  return SAYSO_COLLECT_EXIT_OK;
}

typedef struct
{
  GMainLoop           *loop;
  SaysoCollectService *service;
  guint                stopping;
} Serving;

static gboolean
quit_when_idle (gpointer user_data)
{
  Serving *serving = user_data;

  if (sayso_collect_service_is_busy (serving->service))
    return G_SOURCE_CONTINUE;
  serving->stopping = 0;
  g_main_loop_quit (serving->loop);
  return G_SOURCE_REMOVE;
}

/* SIGTERM or SIGINT: stop once the uploads being stored are stored. */
static gboolean
quit_loop (gpointer user_data)
{
  Serving *serving = user_data;

  if (serving->stopping == 0)
    serving->stopping = g_timeout_add (20, quit_when_idle, serving);
  return G_SOURCE_CONTINUE;
}

/* sayso-collect serve --db FILE --listen ADDR:PORT */
static int
cmd_serve (int    argc,
           char **argv)
{
  g_autofree char *db_path = NULL;
  g_autofree char *listen = NULL;
  g_autofree char *bound = NULL;
  g_autofree char *tls_cert = NULL;
  g_autofree char *tls_key = NULL;
  gint64 max_size = SAYSO_COLLECT_DEFAULT_MAX_SIZE;
  int timeout = SAYSO_COLLECT_DEFAULT_TIMEOUT;
  int silent_days = SAYSO_COLLECT_DEFAULT_SILENT_DAYS;
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(SaysoCollectService) service = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(GError) error = NULL;
  SaysoCollectDb *db;
  int code = SAYSO_COLLECT_EXIT_OK;
  guint sigterm, sigint;
  const GOptionEntry entries[] = {
    { "db", 'd', 0, G_OPTION_ARG_FILENAME, &db_path, "The service's database", "FILE" },
    { "listen", 'l', 0, G_OPTION_ARG_STRING, &listen, "Where to listen: an IP address and a port (0: any free one)", "ADDR:PORT" },
    { "max-size", 0, 0, G_OPTION_ARG_INT64, &max_size, "The largest bundle accepted, in bytes (default 256 MiB)", "BYTES" },
    { "timeout", 0, 0, G_OPTION_ARG_INT, &timeout, "Seconds a request may take to arrive, and a connection stay silent (default 300)", "SECONDS" },
    { "silent-days", 0, 0, G_OPTION_ARG_INT, &silent_days, "Show a kiosk as silent when no bundle came for more days than this (default 7)", "N" },
    { "tls-cert", 0, 0, G_OPTION_ARG_FILENAME, &tls_cert, "Serve HTTPS with this certificate (PEM; with --tls-key)", "FILE" },
    { "tls-key", 0, 0, G_OPTION_ARG_FILENAME, &tls_key, "The certificate's private key (PEM)", "FILE" },
    { NULL }
  };

  context = sayso_command_context ("--db FILE --listen ADDR:PORT",
                             "Receive bundles over HTTP. Prints the address it listens on first.", entries);
  if (!sayso_command_parse (context, &argc, &argv, &code))
    return code;
  if (db_path == NULL || listen == NULL || argc != 1)
    return sayso_command_fail (SAYSO_COLLECT_EXIT_BAD_INPUT, "serve: give --db FILE and --listen ADDR:PORT");
  if (max_size < 1)
    return sayso_command_fail (SAYSO_COLLECT_EXIT_BAD_INPUT, "serve: --max-size must be at least 1 byte");
  if (timeout < 1)
    return sayso_command_fail (SAYSO_COLLECT_EXIT_BAD_INPUT, "serve: --timeout must be at least 1 second");
  if (silent_days < 0)
    return sayso_command_fail (SAYSO_COLLECT_EXIT_BAD_INPUT, "serve: --silent-days must be 0 or more");
  if ((tls_cert == NULL) != (tls_key == NULL))
    return sayso_command_fail (SAYSO_COLLECT_EXIT_BAD_INPUT, "serve: give --tls-cert and --tls-key together, or neither (plain HTTP behind a TLS proxy)");

  if (!(db = open_db (db_path, &code)))
    return code;
  if (!(service = sayso_collect_service_new (db, (guint64) max_size, (guint) timeout, &error)))
    return sayso_command_fail (SAYSO_COLLECT_EXIT_FAILED, "%s", error->message);
  sayso_collect_service_set_silent_days (service, (guint) silent_days);
  if (tls_cert != NULL && !sayso_collect_service_set_tls (service, tls_cert, tls_key, &error))
    return sayso_command_fail (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT)
                   ? SAYSO_COLLECT_EXIT_BAD_INPUT : SAYSO_COLLECT_EXIT_FAILED,
                 "%s", error->message);
  if (!sayso_collect_service_listen (service, listen, &bound, &error))
    return sayso_command_fail (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT)
                   ? SAYSO_COLLECT_EXIT_BAD_INPUT : SAYSO_COLLECT_EXIT_FAILED,
                 "%s", error->message);

  loop = g_main_loop_new (NULL, FALSE);
  {
    Serving serving = { loop, service, 0 };

    /* Handled before the first line: whoever reads it may stop the
     * service at once, and must see an orderly stop, not a death by the
     * signal. (The handler is in place from here; the signal waits for
     * the loop.) */
    sigterm = g_unix_signal_add (SIGTERM, quit_loop, &serving);
    sigint = g_unix_signal_add (SIGINT, quit_loop, &serving);

    /* The first line: whoever started it (a test, a unit) learns the port. */
    g_print ("%s\n", bound);
    fflush (stdout);

    g_main_loop_run (loop);
    g_source_remove (sigterm);
    g_source_remove (sigint);
  }
  return SAYSO_COLLECT_EXIT_OK;
}

/* sayso-collect backup --db FILE --to FILE */
static int
cmd_backup (int    argc,
            char **argv)
{
  g_autofree char *db_path = NULL;
  g_autofree char *to = NULL;
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(SaysoCollectDb) db = NULL;
  g_autoptr(GError) error = NULL;
  int code = SAYSO_COLLECT_EXIT_OK;
  const GOptionEntry entries[] = {
    { "db", 'd', 0, G_OPTION_ARG_FILENAME, &db_path, "The service's database", "FILE" },
    { "to", 0, 0, G_OPTION_ARG_FILENAME, &to, "The copy to make (never over a file)", "FILE" },
    { NULL }
  };

  context = sayso_command_context ("--db FILE --to FILE",
                             "Copy the database, bundles, kiosks, tokens and key, while the service\n"
                             "runs (SQLite's online backup). The copy holds the service's secret key:\n"
                             "keep it as safe as the database.", entries);
  if (!sayso_command_parse (context, &argc, &argv, &code))
    return code;
  if (db_path == NULL || to == NULL || argc != 1)
    return sayso_command_fail (SAYSO_COLLECT_EXIT_BAD_INPUT, "backup: give --db FILE and --to FILE");

  if (!(db = open_db (db_path, &code)))
    return code;
  if (!sayso_collect_db_backup (db, to, &error))
    return sayso_command_fail (SAYSO_COLLECT_EXIT_FAILED, "%s", error->message);
  g_print ("Backed up %s to %s.\n", db_path, to);
  return SAYSO_COLLECT_EXIT_OK;
}

/* sayso-collect list --db FILE */
static int
cmd_list (int    argc,
          char **argv)
{
  g_autofree char *db_path = NULL;
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(SaysoCollectDb) db = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GError) error = NULL;
  int code = SAYSO_COLLECT_EXIT_OK;
  const GOptionEntry entries[] = {
    { "db", 'd', 0, G_OPTION_ARG_FILENAME, &db_path, "The service's database", "FILE" },
    { NULL }
  };

  context = sayso_command_context ("--db FILE",
                             "List the bundles received, one a line: site, kiosk (its number in the\n"
                             "site), bundle number, responses, export day, day received, the kiosk's\n"
                             "key fingerprint, BLAKE2b-256 of the file; bundles kept aside as\n"
                             "conflicts are marked so.", entries);
  if (!sayso_command_parse (context, &argc, &argv, &code))
    return code;
  if (db_path == NULL || argc != 1)
    return sayso_command_fail (SAYSO_COLLECT_EXIT_BAD_INPUT, "list: give --db FILE");

  if (!(db = open_db (db_path, &code)))
    return code;
  if (!(rows = sayso_collect_db_list_bundles (db, &error)))
    return sayso_command_fail (SAYSO_COLLECT_EXIT_FAILED, "%s", error->message);
  for (guint i = 0; i < rows->len; i++)
    {
      SaysoCollectBundleRow *row = g_ptr_array_index (rows, i);
      g_autofree char *fingerprint = sayso_key_fingerprint (row->kiosk_pk);
      g_autofree char *hash = sayso_hex (row->hash, sizeof row->hash);

      g_print ("%s\tkiosk %" G_GINT64_FORMAT "\tbundle %" G_GINT64_FORMAT "\t%" G_GINT64_FORMAT " response%s\t%s\treceived %s\tkey %s\t%s%s\n",
               row->site, row->number, row->sequence, row->record_count, row->record_count == 1 ? "" : "s", row->day,
               row->received, fingerprint, hash,
               row->conflict ? "\tCONFLICT (kept aside)" : "");
    }
  return SAYSO_COLLECT_EXIT_OK;
}

static const SaysoCommand commands[] = {
  { "init", "Make the service's database and signing key", cmd_init },
  { "enroll", "Accept a kiosk's bundles", cmd_enroll },
  { "token", "Make (or revoke) an access token", cmd_token },
  { "serve", "Receive bundles over HTTP", cmd_serve },
  { "backup", "Copy the database while the service runs", cmd_backup },
  { "list", "List the bundles received", cmd_list },
};

static const SaysoCommandLine command_line = {
  .program = "sayso-collect",
  .description = "The collection point for Sayso bundles: it checks and keeps them, still sealed.",
  .commands = commands,
  .n_commands = G_N_ELEMENTS (commands),
};

int
sayso_collect_main (int    argc,
                    char **argv)
{
  return sayso_command_line_run (&command_line, argc, argv);
}
