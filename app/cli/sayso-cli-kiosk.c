/* sayso-cli-kiosk.c: the reception's commands of `sayso`: setup, init,
 * set-pin, set-upload, submit, status, export, outbox and upload.
 *
 * Apart from the analysts' commands (sayso-cli-analysis.c) because they
 * work on a kiosk's store and its bundles on the way out, and change with
 * the kiosk room; the analysts' change with import and the report. They
 * print counts, keys and clear errors; never an answer.
 */
#define G_LOG_DOMAIN "sayso-cli"

#include <errno.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "sayso-cli-private.h"
#include "sayso-defaults.h"
#include "sayso-export.h"
#include "sayso-json-limits.h"
#include "sayso-outbox.h"
#include "sayso-pin-gate.h"
#include "sayso-process.h"
#include "sayso-store.h"
#include "sayso-uploader.h"

/* A day of responses is a few hundred kilobytes; anything near this is a mistake. */
#define MAX_INPUT_BYTES (64 * 1024 * 1024)

/* sayso init --store PATH --site NAME --recipient FILE, and
 * sayso setup, the same with the staff PIN on standard input. */
static int
make_kiosk (int       argc,
            char    **argv,
            gboolean  with_pin)
{
  const char *name = with_pin ? "setup" : "init";
  g_autofree char *store_path = NULL;
  g_autofree char *site = NULL;
  g_autofree char *recipient = NULL;
  g_autofree char *upload_url = NULL;
  g_autofree char *service_key = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *kiosk_key = NULL;
  g_autofree char *fingerprint = NULL;
  g_autofree char *upload_line = NULL;
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(SaysoStore) store = NULL;
  g_autoptr(GError) error = NULL;
  guint8 pk[SAYSO_BOX_PUBLIC_KEY_SIZE];
  guint8 service_pk[SAYSO_SIGN_PUBLIC_KEY_SIZE];
  g_autoptr(SaysoSecretText) pin = NULL;
  gboolean ok;
  int code = SAYSO_EXIT_OK;
  const GOptionEntry entries[] = {
    { "store", 's', 0, G_OPTION_ARG_FILENAME, &store_path, "The store to create (default: under the user's data folder)", "PATH" },
    { "site", 0, 0, G_OPTION_ARG_STRING, &site, "The site's name, as reports will show it", "NAME" },
    { "recipient", 'r', 0, G_OPTION_ARG_FILENAME, &recipient, "The analysts' recipient.pub", "FILE" },
    { "upload-url", 0, 0, G_OPTION_ARG_STRING, &upload_url, "Also send each export to this collection service", "URL" },
    { "service-key", 0, 0, G_OPTION_ARG_FILENAME, &service_key, "The service's public key: the file or the text that “sayso-collect init” printed", "KEY" },
    { NULL }
  };

  context = sayso_command_context ("--site NAME --recipient FILE",
                             with_pin
                               ? "Enrol a new kiosk in one step: make its store for the site, sealed to the\n"
                                 "analysts' key, set the staff PIN (read from standard input), and print the\n"
                                 "kiosk's key for the analysts to enrol."
                               : "Make a kiosk store bound to a site and to the analysts' public key.\n"
                                 "It also makes the kiosk's own signing key, printed for the analysts to enrol.",
                             entries);
  if (!sayso_command_parse (context, &argc, &argv, &code))
    return code;
  if (site == NULL || recipient == NULL || argc > 1)
    return sayso_command_fail (SAYSO_EXIT_BAD_INPUT, "%s: give --site NAME and --recipient FILE", name);

  if (!sayso_key_read_file (SAYSO_KEY_RECIPIENT_PUBLIC, recipient, pk, &error))
    return sayso_command_fail (SAYSO_EXIT_BAD_INPUT, "%s", error->message);
  if ((upload_url == NULL) != (service_key == NULL))
    return sayso_command_fail (SAYSO_EXIT_BAD_INPUT, "%s: give --upload-url URL and --service-key KEY together", name);
  if (upload_url != NULL &&
      (!sayso_upload_address_check (upload_url, &error) ||
       !sayso_key_read_argument (SAYSO_KEY_SERVICE_PUBLIC, service_key, "--service-key", service_pk, &error)))
    return sayso_command_fail (SAYSO_EXIT_BAD_INPUT, "%s: %s", name, error->message);

  /* Checked before anything is made, so a typo leaves no half-set-up kiosk. */
  if (with_pin)
    {
      if (!(pin = _sayso_cli_read_secret_line ()))
        return sayso_command_fail (SAYSO_EXIT_BAD_INPUT, "setup: the staff PIN is read from standard input; none came");
      if (!sayso_pin_is_well_formed (pin, &error))
        return sayso_command_fail (SAYSO_EXIT_BAD_INPUT, "setup: %s", error->message);
    }

  if (store_path == NULL)
    store_path = sayso_default_store_path ();
  dir = g_path_get_dirname (store_path);

  ok = sayso_ensure_private_dir (dir, &error) &&
       (store = sayso_store_create (store_path, site, pk, &error)) != NULL &&
       (pin == NULL || sayso_store_set_pin (store, pin, &error)) &&
       (upload_url == NULL || sayso_store_set_upload (store, upload_url, service_pk, &error));
  if (!ok)
    {
      /* A store made but not given its PIN is taken away again, so that the
       * kiosk is set up whole or not at all. */
      if (store != NULL)
        {
          g_clear_object (&store);
          sayso_store_delete_files (store_path);
        }
      return sayso_command_fail (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT) ? SAYSO_EXIT_BAD_INPUT
                                                                                    : SAYSO_EXIT_FAILED,
                   "%s", error->message);
    }

  kiosk_key = sayso_key_to_text (SAYSO_KEY_KIOSK_PUBLIC, sayso_store_get_kiosk_key (store));
  fingerprint = sayso_key_fingerprint (sayso_store_get_recipient_key (store));
  if (upload_url != NULL)
    {
      g_autofree char *service_fingerprint = sayso_key_fingerprint (service_pk);

      upload_line = g_strdup_printf ("Each export is also sent to %s, whose key has fingerprint %s;\n"
                                     "the inspection team enrols this kiosk there (sayso-collect enroll).\n",
                                     upload_url, service_fingerprint);
    }
  if (with_pin)
    g_print ("This kiosk is set up for site “%s”, with its staff PIN, in %s.\n"
             "Answers are sealed to the analysts' key with fingerprint %s:\n"
             "check that it is the one the analysts gave you.\n"
             "%s"
             "Send the analysts this kiosk key, so that they can enrol it (sayso enroll):\n%s",
             sayso_store_get_site (store), store_path, fingerprint, upload_line ? upload_line : "", kiosk_key);
  else
    g_print ("Created %s for site “%s”, with no staff PIN: for a kiosk, use “sayso setup”, or set one\n"
             "with “sayso set-pin”, before it is used.\n"
             "Answers are sealed to the analysts' key with fingerprint %s.\n"
             "%s"
             "Give the analysts this kiosk key to enrol:\n%s",
             store_path, sayso_store_get_site (store), fingerprint, upload_line ? upload_line : "", kiosk_key);
  return SAYSO_EXIT_OK;
}

int
_sayso_cli_init (int    argc,
                 char **argv)
{
  return make_kiosk (argc, argv, FALSE);
}

int
_sayso_cli_setup (int    argc,
                  char **argv)
{
  return make_kiosk (argc, argv, TRUE);
}

static GBytes *
read_input (const char  *path,
            GError     **error)
{
  g_autofree char *contents = NULL;
  gsize len = 0;

  if (g_strcmp0 (path, "-") != 0)
    {
      GStatBuf st;

      if (g_stat (path, &st) == 0 && st.st_size > MAX_INPUT_BYTES)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       "%s: larger than %d MiB; split it", path, MAX_INPUT_BYTES / (1024 * 1024));
          return NULL;
        }
      if (!g_file_get_contents (path, &contents, &len, error))
        return NULL;
    }
  else
    {
      g_autoptr(GByteArray) buffer = g_byte_array_new ();
      guint8 chunk[8192];
      size_t n;

      while ((n = fread (chunk, 1, sizeof chunk, stdin)) > 0)
        {
          g_byte_array_append (buffer, chunk, n);
          if (buffer->len > MAX_INPUT_BYTES)
            {
              sodium_memzero (buffer->data, buffer->len);
              g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           "standard input: larger than %d MiB; split it", MAX_INPUT_BYTES / (1024 * 1024));
              return NULL;
            }
        }
      sodium_memzero (chunk, sizeof chunk);
      if (ferror (stdin))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "standard input: %s", g_strerror (errno));
          return NULL;
        }
      len = buffer->len;
      g_byte_array_append (buffer, (const guint8 *) "", 1);
      contents = (char *) g_byte_array_free (g_steal_pointer (&buffer), FALSE);
    }

  return g_bytes_new_take (g_steal_pointer (&contents), len);
}

/* One JSON object, or JSON Lines: one object on each line. */
static GPtrArray *
parse_responses (SaysoQuestionnaire  *questionnaire,
                 GBytes              *input,
                 const char          *origin,
                 GError             **error)
{
  g_autoptr(GPtrArray) responses = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(JsonParser) probe = json_parser_new_immutable ();
  gsize len;
  const char *data = g_bytes_get_data (input, &len);
  const char *first_end = memchr (data, '\n', len);
  gsize first_len = first_end ? (gsize) (first_end - data) : len;
  gboolean lines;
  guint line = 1;

  /* The probe is a parse too: the first line is checked before it, and
   * whichever reading holds, a fault there is on line 1. */
  if (first_end != NULL)
    {
      const SaysoJsonLimits limits = sayso_json_response_limits (sayso_questionnaire_get_record_size (questionnaire));
      g_autoptr(GError) local_error = NULL;

      if (!sayso_json_check_limits (data, first_len, &limits, origin, 1, &local_error))
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, local_error->message);
          return NULL;
        }
    }

  /* If the first line is a whole object by itself, this is JSON Lines. */
  lines = first_end != NULL && json_parser_load_from_data (probe, data, first_len, NULL) &&
          json_parser_get_root (probe) != NULL && JSON_NODE_HOLDS_OBJECT (json_parser_get_root (probe));

  if (!lines)
    {
      SaysoResponse *response = sayso_response_new_from_text (questionnaire, data, len, origin, 0, error);
      if (response == NULL)
        return NULL;
      g_ptr_array_add (responses, response);
      return g_steal_pointer (&responses);
    }

  for (gsize start = 0; start < len; line++)
    {
      const char *end = memchr (data + start, '\n', len - start);
      gsize line_len = (end ? (gsize) (end - data) : len) - start;
      const char *text = data + start;

      start += line_len + 1;
      if (strspn (text, " \t\r") >= line_len)
        continue;

      {
        SaysoResponse *response = sayso_response_new_from_text (questionnaire, text, line_len, origin, line, error);

        if (response == NULL)
          return NULL;
        g_ptr_array_add (responses, response);
      }
    }

  if (responses->len == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s: no responses", origin);
      return NULL;
    }

  return g_steal_pointer (&responses);
}

/* sayso submit --store PATH [--mode self|staff|paper] FILE */
int
_sayso_cli_submit (int    argc,
                   char **argv)
{
  g_autofree char *store_path = NULL;
  g_autofree char *mode_name = NULL;
  g_autofree char *definition = NULL;
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(SaysoQuestionnaire) questionnaire = NULL;
  g_autoptr(SaysoStore) store = NULL;
  g_autoptr(GPtrArray) responses = NULL;
  g_autoptr(GBytes) input = NULL;
  g_autoptr(GError) error = NULL;
  SaysoMode mode = SAYSO_MODE_SELF;
  const char *origin;
  int code = SAYSO_EXIT_OK;
  const GOptionEntry entries[] = {
    { "store", 's', 0, G_OPTION_ARG_FILENAME, &store_path, "The kiosk store (default: under the user's data folder)", "PATH" },
    { "mode", 'm', 0, G_OPTION_ARG_STRING, &mode_name, "How it was answered: self (default), staff or paper", "MODE" },
    { "questionnaire", 'q', 0, G_OPTION_ARG_FILENAME, &definition, "A questionnaire file (default: the built-in survey)", "FILE" },
    { NULL }
  };

  context = sayso_command_context ("FILE",
                             "Seal and store responses given as JSON:\n"
                             "  {\"questionnaire\": ID, \"answers\": {QUESTION_ID: VALUE, ...}}\n"
                             "or JSON Lines, one response a line. FILE may be - for standard input.\n"
                             "All are checked first: if any is wrong, none is stored and the exit status is 2.",
                             entries);
  if (!sayso_command_parse (context, &argc, &argv, &code))
    return code;
  if (argc != 2)
    return sayso_command_fail (SAYSO_EXIT_BAD_INPUT, "submit: give one FILE (or - for standard input)");
  if (mode_name != NULL && !sayso_mode_from_string (mode_name, &mode))
    return sayso_command_fail (SAYSO_EXIT_BAD_INPUT, "submit: --mode must be self, staff or paper");

  if (definition != NULL)
    {
      if (!(questionnaire = sayso_questionnaire_new_from_file (definition, &error)))
        return sayso_command_fail (SAYSO_EXIT_BAD_INPUT, "%s", error->message);
    }
  else
    questionnaire = sayso_questionnaire_new_default ();

  origin = g_str_equal (argv[1], "-") ? "standard input" : argv[1];
  if (!(input = read_input (argv[1], &error)))
    return sayso_command_fail (SAYSO_EXIT_BAD_INPUT, "%s", error->message);

  responses = parse_responses (questionnaire, input, origin, &error);
  if (responses == NULL)
    return sayso_command_fail (SAYSO_EXIT_BAD_INPUT, "%s; nothing was stored", error->message);

  if (!(store = sayso_store_open_default (store_path, &error)) ||
      !sayso_store_submit_all (store, responses, mode, &error))
    return sayso_command_fail (SAYSO_EXIT_FAILED, "%s", error->message);

  g_print ("Stored %u response%s.\n", responses->len, responses->len == 1 ? "" : "s");
  return SAYSO_EXIT_OK;
}

/* sayso status --store PATH */
int
_sayso_cli_status (int    argc,
                   char **argv)
{
  g_autofree char *store_path = NULL;
  g_autofree char *kiosk_key = NULL;
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(SaysoStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *damaged_line = NULL;
  g_autofree char *fingerprint = NULL;
  gint64 total = 0, awaiting = 0, damaged = 0;
  int code = SAYSO_EXIT_OK;
  const GOptionEntry entries[] = {
    { "store", 's', 0, G_OPTION_ARG_FILENAME, &store_path, "The kiosk store (default: under the user's data folder)", "PATH" },
    { NULL }
  };

  context = sayso_command_context (NULL, "How many responses a store holds; never what they say.", entries);
  if (!sayso_command_parse (context, &argc, &argv, &code))
    return code;
  if (argc > 1)
    return sayso_command_fail (SAYSO_EXIT_BAD_INPUT, "status: unexpected “%s”", argv[1]);

  if (!(store = sayso_store_open_default (store_path, &error)) ||
      !sayso_store_count (store, &total, &awaiting, &error) ||
      !sayso_store_count_damaged (store, &damaged, &error))
    return sayso_command_fail (SAYSO_EXIT_FAILED, "%s", error->message);

  kiosk_key = sayso_key_to_text (SAYSO_KEY_KIOSK_PUBLIC, sayso_store_get_kiosk_key (store));
  if (damaged > 0)
    damaged_line = g_strdup_printf ("Damaged by the disk, kept but never exported: %" G_GINT64_FORMAT "\n", damaged);
  fingerprint = sayso_key_fingerprint (sayso_store_get_recipient_key (store));
  g_print ("Store: %s\n"
           "Site: %s\n"
           "Responses: %" G_GINT64_FORMAT "\n"
           "Awaiting export: %" G_GINT64_FORMAT "\n"
           "%s"
           "Analysts' key fingerprint: %s\n"
           "Kiosk key, for the analysts to enrol:\n%s",
           sayso_store_get_path (store), sayso_store_get_site (store), total, awaiting,
           damaged_line ? damaged_line : "", fingerprint, kiosk_key);
  return SAYSO_EXIT_OK;
}

/* sayso set-pin --store PATH  (the PIN on standard input) */
int
_sayso_cli_set_pin (int    argc,
                    char **argv)
{
  g_autofree char *store_path = NULL;
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(SaysoStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SaysoSecretText) pin = NULL;
  gboolean ok;
  int code = SAYSO_EXIT_OK;
  const GOptionEntry entries[] = {
    { "store", 's', 0, G_OPTION_ARG_FILENAME, &store_path, "The kiosk store (default: under the user's data folder)", "PATH" },
    { NULL }
  };

  context = sayso_command_context (NULL,
                             "Set the staff PIN (6 to 12 digits), read from standard input.\n"
                             "Only an Argon2id hash of it is kept.", entries);
  if (!sayso_command_parse (context, &argc, &argv, &code))
    return code;
  if (argc > 1)
    return sayso_command_fail (SAYSO_EXIT_BAD_INPUT, "set-pin: the PIN is read from standard input, not the command line");

  if (!(pin = _sayso_cli_read_secret_line ()))
    return sayso_command_fail (SAYSO_EXIT_BAD_INPUT, "set-pin: no PIN on standard input");
  if (!sayso_pin_is_well_formed (pin, &error))
    return sayso_command_fail (SAYSO_EXIT_BAD_INPUT, "set-pin: %s", error->message);

  ok = (store = sayso_store_open_default (store_path, &error)) && sayso_store_set_pin (store, pin, &error);
  if (!ok)
    return sayso_command_fail (SAYSO_EXIT_FAILED, "%s", error->message);

  g_print ("The staff PIN is set.\n");
  return SAYSO_EXIT_OK;
}

/* sayso export --store PATH --to DIR [--again] */
int
_sayso_cli_export (int    argc,
                   char **argv)
{
  g_autofree char *store_path = NULL;
  g_autofree char *to = NULL;
  gboolean again = FALSE;
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(SaysoStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(SaysoExportResult) result = { 0 };
  gboolean kept = FALSE;
  int code = SAYSO_EXIT_OK;
  const GOptionEntry entries[] = {
    { "store", 's', 0, G_OPTION_ARG_FILENAME, &store_path, "The kiosk store (default: under the user's data folder)", "PATH" },
    { "to", 't', 0, G_OPTION_ARG_FILENAME, &to, "The folder to write the bundle to, e.g. a USB stick", "DIR" },
    { "again", 0, 0, G_OPTION_ARG_NONE, &again, "Also the records exported before and still kept (a lost stick)", NULL },
    { NULL }
  };

  context = sayso_command_context ("[--to DIR]",
                             "Write every response awaiting export to one signed, encrypted bundle.\n"
                             "Records are marked exported only once the bundle is on the drive and checked.\n"
                             "A store with an upload address (sayso set-upload) also keeps the bundle in its\n"
                             "outbox, to send with “sayso outbox --send”; --to may then be left out.",
                             entries);
  if (!sayso_command_parse (context, &argc, &argv, &code))
    return code;
  if (argc > 1)
    return sayso_command_fail (SAYSO_EXIT_BAD_INPUT, "export: give the folder with --to DIR");

  if (!(store = sayso_store_open_default (store_path, &error)))
    return sayso_command_fail (SAYSO_EXIT_FAILED, "%s", error->message);
  if (to == NULL)
    {
      g_autofree char *url = NULL;
      guint8 service_pk[SAYSO_SIGN_PUBLIC_KEY_SIZE];

      if (!sayso_store_get_upload (store, &url, service_pk, &error))
        return sayso_command_fail (SAYSO_EXIT_FAILED, "%s", error->message);
      if (url == NULL)
        return sayso_command_fail (SAYSO_EXIT_BAD_INPUT, "export: give the folder with --to DIR (this store has no upload address)");
      to = sayso_outbox_dir_for_store (store);
      if (!sayso_ensure_private_dir (to, &error))
        return sayso_command_fail (SAYSO_EXIT_FAILED, "%s", error->message);
    }
  if (!sayso_store_export (store, to, again ? SAYSO_EXPORT_AGAIN : SAYSO_EXPORT_DEFAULT, &result, &error))
    return sayso_command_fail (SAYSO_EXIT_FAILED, "%s", error->message);
  if (!sayso_store_keep_for_upload (store, &result, &kept, &error))
    return sayso_command_fail (SAYSO_EXIT_FAILED, "%s", error->message);

  if (result.path == NULL && result.damaged == 0)
    g_print ("Nothing to export: no response is awaiting export.\n");
  else if (result.path == NULL)
    g_print ("Nothing exported: every response awaiting export was damaged by the disk.\n");
  else
    g_print ("Exported %" G_GINT64_FORMAT " response%s to %s (bundle %" G_GINT64_FORMAT ", %" G_GUINT64_FORMAT " bytes).\n",
             result.records, result.records == 1 ? "" : "s", result.path, result.sequence, result.bytes);
  if (result.purged > 0)
    g_print ("Deleted %" G_GINT64_FORMAT " exported response%s past the keep period.\n",
             result.purged, result.purged == 1 ? "" : "s");
  if (result.damaged > 0)
    g_print ("Set aside %" G_GINT64_FORMAT " response%s that the disk had damaged: kept, never exported "
             "(see “sayso status”).\n", result.damaged, result.damaged == 1 ? "" : "s");
  if (kept)
    g_print ("Kept in the outbox to send to the collection service (sayso outbox --send).\n");

  return SAYSO_EXIT_OK;
}

/* sayso set-upload --store PATH (--url URL --service-key KEY | --off) */
int
_sayso_cli_set_upload (int    argc,
                       char **argv)
{
  g_autofree char *store_path = NULL;
  g_autofree char *url = NULL;
  g_autofree char *key = NULL;
  g_autofree char *fingerprint = NULL;
  gboolean off = FALSE;
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(SaysoStore) store = NULL;
  g_autoptr(GError) error = NULL;
  guint8 service_pk[SAYSO_SIGN_PUBLIC_KEY_SIZE];
  int code = SAYSO_EXIT_OK;
  const GOptionEntry entries[] = {
    { "store", 's', 0, G_OPTION_ARG_FILENAME, &store_path, "The kiosk store (default: under the user's data folder)", "PATH" },
    { "url", 'u', 0, G_OPTION_ARG_STRING, &url, "The collection service's address", "URL" },
    { "service-key", 'k', 0, G_OPTION_ARG_FILENAME, &key, "The service's public key: the file or the text that “sayso-collect init” printed", "KEY" },
    { "off", 0, 0, G_OPTION_ARG_NONE, &off, "Stop sending from this kiosk (export to a stick only)", NULL },
    { NULL }
  };

  context = sayso_command_context ("--url URL --service-key KEY | --off",
                             "Set where this kiosk sends its bundles after each export, and the key its\n"
                             "receipts are signed with; or turn sending off. Bundles already waiting stay\n"
                             "in the outbox.", entries);
  if (!sayso_command_parse (context, &argc, &argv, &code))
    return code;
  if (argc > 1)
    return sayso_command_fail (SAYSO_EXIT_BAD_INPUT, "set-upload: unexpected “%s”", argv[1]);
  if (off == (url != NULL || key != NULL))
    return sayso_command_fail (SAYSO_EXIT_BAD_INPUT, "set-upload: give --url URL and --service-key KEY, or --off");
  if (!off && (url == NULL || key == NULL))
    return sayso_command_fail (SAYSO_EXIT_BAD_INPUT, "set-upload: give --url URL and --service-key KEY together");
  if (!off &&
      (!sayso_upload_address_check (url, &error) ||
       !sayso_key_read_argument (SAYSO_KEY_SERVICE_PUBLIC, key, "--service-key", service_pk, &error)))
    return sayso_command_fail (SAYSO_EXIT_BAD_INPUT, "set-upload: %s", error->message);

  if (!(store = sayso_store_open_default (store_path, &error)) ||
      !sayso_store_set_upload (store, off ? NULL : url, off ? NULL : service_pk, &error))
    return sayso_command_fail (SAYSO_EXIT_FAILED, "%s", error->message);

  if (off)
    {
      g_print ("Sending from this kiosk is off: export to a USB stick.\n");
      return SAYSO_EXIT_OK;
    }
  fingerprint = sayso_key_fingerprint (service_pk);
  g_print ("Each export is now also sent to %s, whose key has fingerprint %s.\n", url, fingerprint);
  return SAYSO_EXIT_OK;
}

typedef struct
{
  GMainLoop *loop;
  gboolean   all_sent;
  GError    *error;
} OutboxSend;

static void
outbox_sent (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  OutboxSend *send = user_data;

  send->all_sent = sayso_outbox_send_finish (SAYSO_OUTBOX (source), result, &send->error);
  g_main_loop_quit (send->loop);
}

/* sayso outbox --store PATH [--send] */
int
_sayso_cli_outbox (int    argc,
                   char **argv)
{
  g_autofree char *store_path = NULL;
  g_autofree char *url = NULL;
  g_autofree char *title = NULL;
  g_autofree char *detail = NULL;
  gboolean send = FALSE;
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(SaysoStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(SaysoOutboxStatus) status = { 0 };
  guint8 service_pk[SAYSO_SIGN_PUBLIC_KEY_SIZE];
  int code = SAYSO_EXIT_OK;
  const GOptionEntry entries[] = {
    { "store", 's', 0, G_OPTION_ARG_FILENAME, &store_path, "The kiosk store (default: under the user's data folder)", "PATH" },
    { "send", 0, 0, G_OPTION_ARG_NONE, &send, "Send what waits now, the refused bundles too", NULL },
    { NULL }
  };

  context = sayso_command_context ("[--send]",
                             "What became of the bundles this kiosk sends to the collection service, in the\n"
                             "words staff see; with --send, send what waits first.", entries);
  g_option_context_set_description (context,
                                    "Exit status: 0 nothing is waiting; 1 bundles wait to be sent (no network, no\n"
                                    "answer, an answer without a valid receipt): send again later; 2 a bundle was\n"
                                    "refused by the service (its reason is printed), or a wrong command line.");
  if (!sayso_command_parse (context, &argc, &argv, &code))
    return code;
  if (argc > 1)
    return sayso_command_fail (SAYSO_EXIT_BAD_INPUT, "outbox: unexpected “%s”", argv[1]);

  if (!(store = sayso_store_open_default (store_path, &error)) ||
      !sayso_store_get_upload (store, &url, service_pk, &error))
    return sayso_command_fail (SAYSO_EXIT_FAILED, "%s", error->message);
  if (send && url == NULL)
    return sayso_command_fail (SAYSO_EXIT_BAD_INPUT,
                               "outbox: this store has no upload address: set one with “sayso set-upload”");

  if (send)
    {
      g_autoptr(SaysoOutbox) outbox = sayso_outbox_new (store, g_network_monitor_get_default ());
      g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
      OutboxSend result = { loop, FALSE, NULL };

      sayso_outbox_send_async (outbox, NULL, outbox_sent, &result);
      g_main_loop_run (loop);
      g_clear_error (&result.error);
    }

  if (!sayso_store_get_outbox_status (store, &status, &error))
    return sayso_command_fail (SAYSO_EXIT_FAILED, "%s", error->message);
  title = sayso_outbox_status_title (&status);
  detail = sayso_outbox_status_detail (&status);
  g_print ("%s\n%s\n", title, detail);
  if (url != NULL)
    {
      g_autofree char *fingerprint = sayso_key_fingerprint (service_pk);
      g_print ("Address: %s\nService key fingerprint: %s\n", url, fingerprint);
    }

  if (status.refused > 0)
    return SAYSO_EXIT_BAD_INPUT;
  return status.waiting > 0 ? SAYSO_EXIT_FAILED : SAYSO_EXIT_OK;
}

/* The retry's wait, said on standard error: nothing of a record is in it. */
static guint64
say_retry (guint         retry,
           guint64       planned_usec,
           const GError *why,
           gpointer      user_data)
{
  guint retries = GPOINTER_TO_UINT (user_data);

  g_printerr ("sayso: %s; trying again in %.1f s (retry %u of %u)\n",
              why->message, planned_usec / (double) G_USEC_PER_SEC, retry, retries);
  return planned_usec;
}

/* sayso upload --to URL --service-key KEY BUNDLE... */
int
_sayso_cli_upload (int    argc,
                   char **argv)
{
  g_autofree char *url = NULL;
  g_autofree char *key = NULL;
  int retries = SAYSO_UPLOAD_DEFAULT_RETRIES;
  int timeout = SAYSO_UPLOAD_DEFAULT_TIMEOUT;
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(SaysoUploader) uploader = NULL;
  g_autoptr(GError) error = NULL;
  guint8 service_pk[SAYSO_SIGN_PUBLIC_KEY_SIZE];
  int code = SAYSO_EXIT_OK;
  const GOptionEntry entries[] = {
    { "to", 't', 0, G_OPTION_ARG_STRING, &url, "The collection service's address", "URL" },
    { "service-key", 'k', 0, G_OPTION_ARG_FILENAME, &key, "The service's public key: the file or the text that “sayso-collect init” printed", "KEY" },
    { "retries", 0, 0, G_OPTION_ARG_INT, &retries, "Tries again after a network error or the service's failure (default 5)", "N" },
    { "timeout", 0, 0, G_OPTION_ARG_INT, &timeout, "Seconds the connection may be silent (default 60)", "SECONDS" },
    { NULL }
  };

  context = sayso_command_context ("--to URL --service-key KEY BUNDLE...",
                             "Send bundles to the inspection team's collection service. A bundle counts as sent\n"
                             "only on a receipt signed with the service's key, naming the file: an answer from\n"
                             "anything else (a captive portal, a proxy) is not taken for one. Network errors and\n"
                             "the service's own failures are tried again, waiting longer each time.",
                             entries);
  g_option_context_set_description (context,
                                    "Exit status: 0 every bundle received (now or before); 1 a bundle not sent for\n"
                                    "now (no network, the service failing, an answer without a valid receipt): send\n"
                                    "it again later; 2 a bundle refused by the service (its reason is printed), a\n"
                                    "file that cannot be read, or a wrong command line.");
  if (!sayso_command_parse (context, &argc, &argv, &code))
    return code;
  if (url == NULL || key == NULL || argc < 2)
    return sayso_command_fail (SAYSO_EXIT_BAD_INPUT, "upload: give --to URL --service-key KEY and at least one BUNDLE");
  if (retries < 0 || retries > 20)
    return sayso_command_fail (SAYSO_EXIT_BAD_INPUT, "upload: --retries must be 0 to 20");
  if (timeout < 1)
    return sayso_command_fail (SAYSO_EXIT_BAD_INPUT, "upload: --timeout must be 1 second or more");

  if (!sayso_key_read_argument (SAYSO_KEY_SERVICE_PUBLIC, key, "--service-key", service_pk, &error))
    return sayso_command_fail (SAYSO_EXIT_BAD_INPUT, "%s", error->message);
  if (!(uploader = sayso_uploader_new (url, service_pk, &error)))
    return sayso_command_fail (SAYSO_EXIT_BAD_INPUT, "upload: %s", error->message);
  sayso_uploader_set_retries (uploader, (guint) retries);
  sayso_uploader_set_timeout (uploader, (guint) timeout);
  sayso_uploader_set_wait_func (uploader, say_retry, GUINT_TO_POINTER ((guint) retries));

  for (int i = 1; i < argc; i++)
    {
      g_autoptr(GError) send_error = NULL;
      g_auto(SaysoReceipt) receipt = { 0 };
      SaysoUploadStatus status = sayso_uploader_send (uploader, argv[i], &receipt, &send_error);

      if (sayso_upload_status_is_delivered (status))
        {
          g_autofree char *name = g_filename_display_name (argv[i]);
          g_autofree char *kiosk = _sayso_cli_kiosk_short (receipt.kiosk_pk);

          /* Said from the signed receipt, not from the answer's own words. */
          g_print ("sent: %s: %s: %s, kiosk %s, bundle %" G_GINT64_FORMAT ", %" G_GINT64_FORMAT " response%s\n",
                   name, status == SAYSO_UPLOAD_RECEIVED ? "received" : "already received",
                   receipt.site, kiosk, receipt.sequence, receipt.record_count, receipt.record_count == 1 ? "" : "s");
          continue;
        }

      g_print ("not sent: %s\n", send_error->message);
      if (status == SAYSO_UPLOAD_REFUSED || status == SAYSO_UPLOAD_BAD_FILE)
        code = SAYSO_EXIT_BAD_INPUT;
      else
        code = MAX (code, SAYSO_EXIT_FAILED);
    }

  return code;
}

/* sayso check [FILE]: a questionnaire's faults, and its recorded voices that
 * are not there to be played, before it reaches a kiosk. */
int
_sayso_cli_check (int    argc,
                  char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(SaysoQuestionnaire) questionnaire = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *languages = NULL;
  GPtrArray *problems;
  int code = SAYSO_EXIT_OK;
  const GOptionEntry entries[] = { { NULL } };

  context = sayso_command_context ("[FILE]",
                                   "Check a questionnaire (default: the built-in survey) and the recorded\n"
                                   "voices it names. A fault in the file: exit status 2. Clips that are\n"
                                   "missing or unreadable are listed (eSpeak NG would say those texts):\n"
                                   "exit status 1.",
                                   entries);
  if (!sayso_command_parse (context, &argc, &argv, &code))
    return code;
  if (argc > 2)
    return sayso_command_fail (SAYSO_EXIT_BAD_INPUT, "check: give at most one FILE");

  if (argc == 2)
    {
      if (!(questionnaire = sayso_questionnaire_new_from_file (argv[1], &error)))
        return sayso_command_fail (SAYSO_EXIT_BAD_INPUT, "%s", error->message);
    }
  else
    questionnaire = sayso_questionnaire_new_default ();

  languages = g_strjoinv (", ", (char **) sayso_questionnaire_get_languages (questionnaire));
  g_print ("%s: questionnaire \"%s\" version %" G_GINT64_FORMAT ", %u questions in %s; %u recorded clips found.\n",
           argc == 2 ? argv[1] : "built-in questionnaire", sayso_questionnaire_get_id (questionnaire),
           sayso_questionnaire_get_version (questionnaire), sayso_questionnaire_get_n_questions (questionnaire),
           languages, sayso_questionnaire_get_n_audio (questionnaire));

  problems = sayso_questionnaire_get_audio_problems (questionnaire);
  for (guint i = 0; i < problems->len; i++)
    g_printerr ("%s: %s\n", argc == 2 ? argv[1] : "built-in questionnaire",
                (const char *) g_ptr_array_index (problems, i));
  return problems->len > 0 ? SAYSO_EXIT_FAILED : SAYSO_EXIT_OK;
}
