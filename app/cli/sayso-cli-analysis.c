/* sayso-cli-analysis.c: the analysts' commands of `sayso`: keygen, verify,
 * enroll, import (from a stick or a collection service) and report.
 *
 * Apart from the reception's commands (sayso-cli-kiosk.c) because they
 * work on the analysts' key and database, and change with the analysis
 * room. What they print of an import is counts, sites and kiosks; never
 * an id or an answer.
 */
#define G_LOG_DOMAIN "sayso-cli"

#include <glib/gstdio.h>
#include <sodium.h>
#include <string.h>

#include "sayso-bundle.h"
#include "sayso-cli-private.h"
#include "sayso-import.h"
#include "sayso-process.h"
#include "sayso-pull.h"
#include "sayso-headlines.h"
#include "sayso-report.h"

/* sayso keygen --out DIR */
int
_sayso_cli_keygen (int    argc,
                   char **argv)
{
  g_autofree char *out = NULL;
  g_autofree char *pub_path = NULL;
  g_autofree char *key_path = NULL;
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  guint8 pk[SAYSO_BOX_PUBLIC_KEY_SIZE];
  g_auto(SaysoSecretKey) sk = { { 0 } };
  gboolean protect = FALSE;
  g_autoptr(SaysoSecretText) passphrase = NULL;
  g_autofree char *fingerprint = NULL;
  gboolean written;
  int code = SAYSO_EXIT_OK;
  const GOptionEntry entries[] = {
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out, "Folder for recipient.pub and recipient.key", "DIR" },
    { "passphrase", 'p', 0, G_OPTION_ARG_NONE, &protect, "Protect recipient.key with a passphrase read from standard input", NULL },
    { NULL }
  };

  context = sayso_command_context ("--out DIR",
                             "Make the analysts' key pair: recipient.pub goes on every kiosk,\n"
                             "recipient.key (mode 0600) opens every response and stays with the analysts.",
                             entries);
  if (!sayso_command_parse (context, &argc, &argv, &code))
    return code;
  if (out == NULL || argc > 1)
    return sayso_command_fail (SAYSO_EXIT_BAD_INPUT, "keygen: give the folder with --out DIR and nothing else");

  if (!sayso_ensure_private_dir (out, &error))
    return sayso_command_fail (SAYSO_EXIT_FAILED, "%s", error->message);

  pub_path = g_build_filename (out, "recipient.pub", NULL);
  key_path = g_build_filename (out, "recipient.key", NULL);
  if (g_file_test (pub_path, G_FILE_TEST_EXISTS) || g_file_test (key_path, G_FILE_TEST_EXISTS))
    return sayso_command_fail (SAYSO_EXIT_BAD_INPUT, "%s already holds a key pair; Sayso never overwrites a key", out);

  if (protect && !(passphrase = _sayso_cli_read_secret_line ()))
    return sayso_command_fail (SAYSO_EXIT_BAD_INPUT, "keygen: --passphrase reads the passphrase from standard input; none came");

  sayso_recipient_keypair_new (pk, sk.bytes);
  written = protect ? sayso_secret_key_write_protected (sk.bytes, passphrase, key_path, &error)
                    : sayso_key_write_file (SAYSO_KEY_RECIPIENT_SECRET, sk.bytes, key_path, &error);
  written = written && sayso_key_write_file (SAYSO_KEY_RECIPIENT_PUBLIC, pk, pub_path, &error);
  if (!written)
    {
      g_unlink (key_path);
      return sayso_command_fail (g_error_matches (error, SAYSO_CRYPTO_ERROR, SAYSO_CRYPTO_ERROR_BAD_KEY) ? SAYSO_EXIT_BAD_INPUT : SAYSO_EXIT_FAILED,
                   "%s", error->message);
    }

  fingerprint = sayso_key_fingerprint (pk);
  g_print ("Wrote %s (give it to every kiosk)\n", pub_path);
  g_print ("Wrote %s (secret: keep it with the analysts, never on a kiosk)\n", key_path);
  g_print ("Fingerprint of the analysts' key: %s\n"
           "Give it to each site by another way than the key itself (a phone call, a letter),\n"
           "so that they can check that their kiosk seals answers to this key.\n", fingerprint);
  return SAYSO_EXIT_OK;
}

/* sayso verify BUNDLE... [--kiosk-key FILE] */
int
_sayso_cli_verify (int    argc,
                   char **argv)
{
  g_autofree char *kiosk_key_path = NULL;
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GHashTable) sequences = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  guint8 kiosk_key[SAYSO_SIGN_PUBLIC_KEY_SIZE];
  int code = SAYSO_EXIT_OK;
  const GOptionEntry entries[] = {
    { "kiosk-key", 'k', 0, G_OPTION_ARG_FILENAME, &kiosk_key_path, "Accept only bundles signed by this kiosk", "FILE" },
    { NULL }
  };

  context = sayso_command_context ("BUNDLE...",
                             "Check bundles: the kiosk's signature, every record's hash, and that no\n"
                             "sequence number of a kiosk is used by two different bundles.", entries);
  if (!sayso_command_parse (context, &argc, &argv, &code))
    return code;
  if (argc < 2)
    return sayso_command_fail (SAYSO_EXIT_BAD_INPUT, "verify: give at least one BUNDLE");

  if (kiosk_key_path != NULL)
    {
      g_autoptr(GError) error = NULL;
      if (!sayso_key_read_file (SAYSO_KEY_KIOSK_PUBLIC, kiosk_key_path, kiosk_key, &error))
        return sayso_command_fail (SAYSO_EXIT_BAD_INPUT, "%s", error->message);
    }

  for (int i = 1; i < argc; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(SaysoBundle) bundle = sayso_bundle_open (argv[i], kiosk_key_path ? kiosk_key : NULL, &error);
      g_autofree char *kiosk = NULL;
      g_autofree char *key = NULL;
      g_autofree char *ids = NULL;
      const char *seen;

      if (bundle == NULL)
        {
          g_printerr ("sayso: REFUSED %s\n", error->message);
          code = SAYSO_EXIT_BAD_INPUT;
          continue;
        }

      kiosk = g_base64_encode (bundle->kiosk_pk, sizeof bundle->kiosk_pk);
      key = g_strdup_printf ("%s/%" G_GINT64_FORMAT, kiosk, bundle->sequence);
      {
        /* The same number with the same records is a copy; with others, a replay. */
        g_autoptr(GString) list = g_string_new (NULL);
        for (guint k = 0; k < bundle->entries->len; k++)
          g_string_append_len (list, (const char *) ((SaysoBundleEntry *) g_ptr_array_index (bundle->entries, k))->hash, 32);
        ids = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) list->str, list->len);
      }
      if ((seen = g_hash_table_lookup (sequences, key)) && !g_str_equal (seen, ids))
        {
          g_printerr ("sayso: REFUSED %s: sequence %" G_GINT64_FORMAT " of kiosk %s was already used by another "
                      "bundle with other records (a replayed or forged sequence number)\n",
                      argv[i], bundle->sequence, kiosk);
          code = SAYSO_EXIT_BAD_INPUT;
          continue;
        }
      g_hash_table_replace (sequences, g_steal_pointer (&key), g_steal_pointer (&ids));

      g_print ("%s: OK, %u record%s from kiosk %s, site “%s”, bundle %" G_GINT64_FORMAT ", %s\n",
               argv[i], bundle->entries->len, bundle->entries->len == 1 ? "" : "s", kiosk,
               bundle->site, bundle->sequence, bundle->day);
    }

  return code;
}

/* sayso enroll --db ANALYSIS.db --site NAME KIOSK_KEY */
int
_sayso_cli_enroll (int    argc,
                   char **argv)
{
  g_autofree char *db_path = NULL;
  g_autofree char *site = NULL;
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(SaysoAnalysisDb) db = NULL;
  g_autoptr(GError) error = NULL;
  guint8 kiosk[SAYSO_SIGN_PUBLIC_KEY_SIZE];
  int code = SAYSO_EXIT_OK;
  const GOptionEntry entries[] = {
    { "db", 'd', 0, G_OPTION_ARG_FILENAME, &db_path, "The analysis database (made if missing)", "ANALYSIS.db" },
    { "site", 0, 0, G_OPTION_ARG_STRING, &site, "The site the kiosk stands in", "NAME" },
    { NULL }
  };

  context = sayso_command_context ("--db ANALYSIS.db --site NAME KIOSK_KEY",
                             "Trust a kiosk's exports. KIOSK_KEY is the file (or the text) that\n"
                             "“sayso init” printed on the kiosk.", entries);
  if (!sayso_command_parse (context, &argc, &argv, &code))
    return code;
  if (db_path == NULL || site == NULL || argc != 2)
    return sayso_command_fail (SAYSO_EXIT_BAD_INPUT, "enroll: give --db ANALYSIS.db --site NAME and one KIOSK_KEY");

  if (!sayso_key_read_argument (SAYSO_KEY_KIOSK_PUBLIC, argv[1], "KIOSK_KEY", kiosk, &error))
    return sayso_command_fail (SAYSO_EXIT_BAD_INPUT, "%s", error->message);

  if (!(db = sayso_analysis_db_open (db_path, TRUE, &error)) ||
      !sayso_analysis_db_enroll (db, kiosk, site, &error))
    return sayso_command_fail (SAYSO_EXIT_FAILED, "%s", error->message);

  g_print ("Enrolled the kiosk for site “%s”.\n", site);
  return SAYSO_EXIT_OK;
}

static GPtrArray *
load_questionnaires (char  **paths,
                     GError **error)
{
  g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func (g_object_unref);

  g_ptr_array_add (all, sayso_questionnaire_new_default ());
  for (guint i = 0; paths && paths[i]; i++)
    {
      SaysoQuestionnaire *q = sayso_questionnaire_new_from_file (paths[i], error);
      if (q == NULL)
        return NULL;
      g_ptr_array_add (all, q);
    }
  return g_steal_pointer (&all);
}

/* What an import kept aside or noticed, for the analyst to act on: one line
 * each, on standard error. Never an id or an answer. Returns whether there
 * was any. */
static gboolean
report_set_aside (const SaysoImportResult *result,
                  const char              *still,
                  const char              *db_path)
{
  g_autofree char *kiosk = _sayso_cli_kiosk_short (result->kiosk_pk);
  gboolean any = FALSE;

  if (result->restored)
    {
      g_printerr ("sayso: %s, kiosk %s: restored kiosk (bundle %" G_GINT64_FORMAT " seen twice with different "
                  "contents): imported %" G_GINT64_FORMAT " record%s not seen before. The kiosk's store was probably "
                  "put back from a backup; ask the site, and expect its next bundles to say the same.\n",
                  result->site, kiosk, result->sequence, result->added, result->added == 1 ? "" : "s");
      any = TRUE;
    }
  for (guint r = 0; r < SAYSO_IMPORT_N_REASONS; r++)
    if (result->by_reason[r] > 0)
      {
        g_autofree char *which = r == SAYSO_IMPORT_QUESTIONNAIRE_UNKNOWN && result->unknown_questionnaires
                                   ? g_strdup_printf (" (%s)", result->unknown_questionnaires) : g_strdup ("");
        g_printerr ("sayso: %s, kiosk %s: %" G_GINT64_FORMAT " record%s %s%s, %s\n", result->site, kiosk,
                    result->by_reason[r], result->by_reason[r] == 1 ? "" : "s",
                    sayso_import_reason_to_string (r), which, still);
        any = TRUE;
      }
  if (result->by_reason[SAYSO_IMPORT_SEALED_TO_ANOTHER_KEY] > 0 || result->by_reason[SAYSO_IMPORT_QUESTIONNAIRE_UNKNOWN] > 0)
    g_printerr ("sayso: with the key or the questionnaire they need, open them with: "
                "sayso import --db %s --key OTHER.key [--questionnaire FILE] --retry-quarantine\n", db_path);
  if (result->conflicts > 0)
    {
      /* A retry's records come from several bundles: none is named. */
      g_autofree char *of_bundle = result->sequence > 0
                                     ? g_strdup_printf (" of bundle %" G_GINT64_FORMAT, result->sequence) : g_strdup ("");
      g_printerr ("sayso: %s, kiosk %s: %" G_GINT64_FORMAT " record%s%s reuse%s the id of a record imported before, "
                  "with other contents: kept aside as conflicts and not counted. Ask the site whether the kiosk's "
                  "store was copied, restored or altered.\n",
                  result->site, kiosk, result->conflicts, result->conflicts == 1 ? "" : "s", of_bundle,
                  result->conflicts == 1 ? "s" : "");
      any = TRUE;
    }
  return any || result->quarantined > 0;
}

/* One bundle's import, with its messages; @label names it in them. Returns
 * whether it was imported (or had been), raising *code as it must. */
static gboolean
import_one (SaysoAnalysisDb *db,
            const char      *path,
            const char      *label,
            const guint8    *sk,
            GPtrArray       *questionnaires,
            gboolean         trust,
            const char      *db_path,
            int             *code)
{
  g_autoptr(GError) bundle_error = NULL;
  SaysoImportResult result = { 0 };

  if (!sayso_import_bundle (db, path, sk, questionnaires, trust, &result, &bundle_error))
    {
      /* A pulled bundle is named as the service serves it, not by the
       * temporary file it was fetched into. */
      if (!g_str_equal (path, label) && g_str_has_prefix (bundle_error->message, path))
        g_printerr ("sayso: REFUSED %s%s; nothing of it was imported\n", label,
                    bundle_error->message + strlen (path));
      else
        g_printerr ("sayso: REFUSED %s; nothing of it was imported\n", bundle_error->message);
      *code = SAYSO_EXIT_BAD_INPUT;
      return FALSE;
    }
  if (result.already_imported && result.quarantined > 0)
    {
      g_print ("%s: already imported, skipped\n", label);
      g_printerr ("sayso: %s: %" G_GINT64_FORMAT " of its records are still in quarantine; to open them with "
                  "another key or questionnaire: sayso import --db %s --key OTHER.key [--questionnaire FILE] "
                  "--retry-quarantine\n", label, result.quarantined, db_path);
      *code = MAX (*code, SAYSO_EXIT_FAILED);
    }
  else if (result.already_imported)
    g_print ("%s: already imported, skipped\n", label);
  else
    {
      g_print ("%s: %" G_GINT64_FORMAT " new response%s from “%s” (bundle %" G_GINT64_FORMAT
               "), %" G_GINT64_FORMAT " already imported",
               label, result.added, result.added == 1 ? "" : "s", result.site, result.sequence, result.duplicates);
      if (result.quarantined > 0)
        g_print (", %" G_GINT64_FORMAT " kept in quarantine", result.quarantined);
      if (result.conflicts > 0)
        g_print (", %" G_GINT64_FORMAT " in conflict", result.conflicts);
      g_print ("\n");
      if (report_set_aside (&result, "kept in quarantine", db_path))
        *code = MAX (*code, SAYSO_EXIT_FAILED);
    }
  sayso_import_result_clear (&result);
  return TRUE;
}

/* sayso import --from URL --token TOKEN: every bundle the service lists
 * after the last one pulled from it, each fetched to a file, checked
 * against the listing and imported as from a stick. Where it got to is
 * noted in the analysis database after each bundle, and only past bundles
 * that were all imported: a pull cut off, or one with a bundle refused,
 * goes on from there the next time. Returns FALSE when it could not begin. */
/* The service's bundles kept aside, by kiosk and number: what a pull must
 * not import, whichever of the two versions it was served. */
static GHashTable *
report_conflicts (GPtrArray *conflicts,
                  int       *code)
{
  GHashTable *aside = g_hash_table_new_full (g_bytes_hash, g_bytes_equal, (GDestroyNotify) g_bytes_unref, NULL);

  for (guint i = 0; i < conflicts->len; i++)
    {
      SaysoPullEntry *entry = g_ptr_array_index (conflicts, i);
      guint8 key[sizeof entry->kiosk_pk + sizeof (gint64)];
      g_autoptr(GBytes) bytes = NULL;

      memcpy (key, entry->kiosk_pk, sizeof entry->kiosk_pk);
      memcpy (key + sizeof entry->kiosk_pk, &entry->sequence, sizeof (gint64));
      bytes = g_bytes_new (key, sizeof key);
      /* One line a bundle, however many other versions came. */
      if (g_hash_table_contains (aside, bytes))
        continue;
      g_hash_table_add (aside, g_steal_pointer (&bytes));
      {
        /* Named without a day: the two versions may give different ones. */
        g_autofree char *hex = _sayso_cli_kiosk_short (entry->kiosk_pk);
        g_autofree char *kiosk = entry->number > 0
                                 ? g_strdup_printf ("%s, kiosk %" G_GINT64_FORMAT, entry->site, entry->number)
                                 : g_strdup_printf ("%s's kiosk %s", entry->site, hex);

        g_printerr ("sayso: CONFLICT bundle %" G_GINT64_FORMAT " of %s has two different versions at the service: "
                    "both kept aside, neither imported; see the inspection page (or “sayso-collect list” on the "
                    "service), and ask the site which is the kiosk's\n", entry->sequence, kiosk);
      }
      *code = MAX (*code, SAYSO_EXIT_FAILED);
    }
  return aside;
}

static gboolean
is_aside (GHashTable           *aside,
          const SaysoPullEntry *entry)
{
  guint8 key[sizeof entry->kiosk_pk + sizeof (gint64)];
  g_autoptr(GBytes) bytes = NULL;

  memcpy (key, entry->kiosk_pk, sizeof entry->kiosk_pk);
  memcpy (key + sizeof entry->kiosk_pk, &entry->sequence, sizeof (gint64));
  bytes = g_bytes_new (key, sizeof key);
  return g_hash_table_contains (aside, bytes);
}

static gboolean
pull_and_import (SaysoAnalysisDb *db,
                 const char      *from,
                 const char      *token,
                 const char      *ca_file,
                 const guint8    *sk,
                 GPtrArray       *questionnaires,
                 gboolean         trust,
                 const char      *db_path,
                 int             *code)
{
  g_autoptr(SaysoPull) pull = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) aside = NULL;
  g_autofree char *dir = NULL;
  gint64 noted = 0, listed;
  gboolean advancing = TRUE, more = TRUE;
  guint fetched = 0;

  if (!(pull = sayso_pull_new (from, token, ca_file, &error)))
    {
      *code = sayso_command_fail (SAYSO_EXIT_BAD_INPUT, "%s", error->message);
      return FALSE;
    }
  if (!sayso_analysis_db_get_pull (db, sayso_pull_get_url (pull), &noted, &error) ||
      !(dir = g_dir_make_tmp ("sayso-pull-XXXXXX", &error)))
    {
      *code = sayso_command_fail (SAYSO_EXIT_FAILED, "%s", error->message);
      return FALSE;
    }

  listed = noted;
  while (more)
    {
      g_autoptr(GPtrArray) conflicts = NULL;
      g_autoptr(GPtrArray) entries = sayso_pull_list (pull, listed, &more, &conflicts, &error);

      if (entries == NULL)
        {
          g_printerr ("sayso: %s\n", error->message);
          *code = MAX (*code, g_error_matches (error, SAYSO_PULL_ERROR, SAYSO_PULL_ERROR_NETWORK)
                                ? SAYSO_EXIT_FAILED : SAYSO_EXIT_BAD_INPUT);
          break;
        }
      /* Every page names them: said once, from the first. */
      if (aside == NULL)
        aside = report_conflicts (conflicts, code);
      for (guint i = 0; i < entries->len; i++)
        {
          SaysoPullEntry *entry = g_ptr_array_index (entries, i);
          g_autofree char *kiosk = sayso_hex (entry->kiosk_pk, 4);
          g_autofree char *name = g_strdup_printf ("sayso-%s-%s-%04" G_GINT64_FORMAT ".sayso", kiosk, entry->day, entry->sequence);
          g_autofree char *path = g_build_filename (dir, name, NULL);
          g_autofree char *label = g_strdup_printf ("%s/bundles/%" G_GINT64_FORMAT, sayso_pull_get_url (pull), entry->id);
          g_autoptr(GError) fetch_error = NULL;
          gboolean imported;

          listed = entry->id;
          /* Neither version is imported until a person has chosen: the
           * next pull starts here again. */
          if (is_aside (aside, entry))
            {
              advancing = FALSE;
              continue;
            }
          if (!sayso_pull_fetch (pull, entry, path, &fetch_error))
            {
              if (g_error_matches (fetch_error, SAYSO_PULL_ERROR, SAYSO_PULL_ERROR_NETWORK) ||
                  g_error_matches (fetch_error, SAYSO_PULL_ERROR, SAYSO_PULL_ERROR_IO))
                {
                  g_printerr ("sayso: %s\n", fetch_error->message);
                  *code = MAX (*code, SAYSO_EXIT_FAILED);
                  more = FALSE;
                  break;
                }
              g_printerr ("sayso: REFUSED %s\n", fetch_error->message);
              *code = SAYSO_EXIT_BAD_INPUT;
              advancing = FALSE;
              continue;
            }
          fetched++;
          imported = import_one (db, path, label, sk, questionnaires, trust, db_path, code);
          g_unlink (path);
          if (imported && advancing)
            {
              if (!sayso_analysis_db_set_pull (db, sayso_pull_get_url (pull), entry->id, &error))
                {
                  g_printerr ("sayso: %s\n", error->message);
                  *code = MAX (*code, SAYSO_EXIT_FAILED);
                  more = FALSE;
                  break;
                }
              noted = entry->id;
            }
          else
            advancing = FALSE;
        }
    }
  g_rmdir (dir);

  if (fetched == 0 && *code == SAYSO_EXIT_OK)
    g_print ("%s: nothing new since the last pull\n", sayso_pull_get_url (pull));
  else
    g_print ("%s: %u bundle%s fetched; the next pull starts after bundle id %" G_GINT64_FORMAT "\n",
             sayso_pull_get_url (pull), fetched, fetched == 1 ? "" : "s", noted);
  return TRUE;
}

#define MAX_TOKEN_FILE 4096

/* The token's file: its first line, the way "sayso-collect token" printed
 * it. Never named in a message with what it holds. */
static SaysoSecretText *
read_token_file (const char  *path,
                 GError     **error)
{
  g_autofree char *contents = NULL;
  g_autoptr(GError) local_error = NULL;
  char *token = NULL;
  gsize len = 0;

  if (!g_file_get_contents (path, &contents, &len, &local_error))
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED, "--token-file %s: cannot be read: %s", path, local_error->message);
      return NULL;
    }
  if (len <= MAX_TOKEN_FILE)
    {
      gsize end = strcspn (contents, "\r\n");

      contents[end] = '\0';
      token = g_strdup (g_strstrip (contents));
    }
  sodium_memzero (contents, len);
  if (token == NULL || *token == '\0')
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                   "--token-file %s: %s; put the token that “sayso-collect token” printed on its first line", path,
                   token == NULL ? "far longer than a token" : "no token on its first line");
      sayso_secret_text_free (token);
      return NULL;
    }
  return token;
}

/* sayso import --db ANALYSIS.db --key recipient.key [--retry-quarantine] BUNDLE... */
int
_sayso_cli_import (int    argc,
                   char **argv)
{
  g_autofree char *db_path = NULL;
  g_autofree char *key_path = NULL;
  g_autofree char *from = NULL;
  g_autofree char *token_argument = NULL;
  g_autofree char *token_file = NULL;
  g_autofree char *ca_file = NULL;
  g_autoptr(SaysoSecretText) token = NULL;
  g_auto(GStrv) definitions = NULL;
  gboolean trust = FALSE;
  gboolean retry = FALSE;
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(SaysoAnalysisDb) db = NULL;
  g_autoptr(GPtrArray) questionnaires = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SaysoSecretText) passphrase = NULL;
  g_auto(SaysoSecretKey) sk = { { 0 } };
  int code = SAYSO_EXIT_OK;
  const GOptionEntry entries[] = {
    { "db", 'd', 0, G_OPTION_ARG_FILENAME, &db_path, "The analysis database (made if missing)", "ANALYSIS.db" },
    { "key", 'k', 0, G_OPTION_ARG_FILENAME, &key_path, "The analysts' recipient.key (a passphrase is read from standard input)", "FILE" },
    { "trust-unknown", 0, 0, G_OPTION_ARG_NONE, &trust, "Import bundles from kiosks that are not enrolled, and enrol them", NULL },
    { "questionnaire", 'q', 0, G_OPTION_ARG_FILENAME_ARRAY, &definitions, "Another questionnaire the records may answer", "FILE" },
    { "retry-quarantine", 0, 0, G_OPTION_ARG_NONE, &retry, "Try the records in quarantine again, with this key and these questionnaires", NULL },
    { "from", 0, 0, G_OPTION_ARG_STRING, &from, "Fetch and import every bundle not yet pulled from this collection service", "URL" },
    { "token", 0, 0, G_OPTION_ARG_STRING, &token_argument, "The access token for --from (sayso-collect token); - reads it from standard input", "TOKEN" },
    { "token-file", 0, 0, G_OPTION_ARG_FILENAME, &token_file, "Read the access token for --from from this file's first line", "FILE" },
    { "ca-file", 0, 0, G_OPTION_ARG_FILENAME, &ca_file, "Trust the service's certificate in this PEM file, for this pull only (a self-signed one)", "CERT.pem" },
    { NULL }
  };

  context = sayso_command_context ("--db ANALYSIS.db --key recipient.key [--retry-quarantine] [--from URL --token-file FILE|--token -] [BUNDLE...]",
                             "Verify bundles, open their records and add them to the analysis database,\n"
                             "one transaction a bundle. A response is counted once, however often it was exported.\n"
                             "A bundle whose signature or any record's hash fails is refused whole. A record that\n"
                             "cannot be opened (sealed to another key, an unknown questionnaire) waits in quarantine\n"
                             "while the others are imported; --retry-quarantine tries those again. --from fetches\n"
                             "every bundle a collection service received since the last pull, and imports them so;\n"
                             "give its token in a file (--token-file) or on standard input (--token -), where the\n"
                             "process list and the shell's history do not keep it. A bundle the service kept\n"
                             "aside as a conflict (two versions of one kiosk's number) is named and not imported.",
                             entries);
  g_option_context_set_description (context,
                                    "Exit status: 0 every record imported or already there; 1 records kept in\n"
                                    "quarantine or aside as conflicts (here or at the service), or a restored kiosk\n"
                                    "(the rest imported), or the\n"
                                    "database or key failed; 2 a bundle refused (nothing of it imported) or a wrong\n"
                                    "command line.");
  if (!sayso_command_parse (context, &argc, &argv, &code))
    return code;
  if (db_path == NULL || key_path == NULL || (argc < 2 && !retry && from == NULL))
    return sayso_command_fail (SAYSO_EXIT_BAD_INPUT, "import: give --db ANALYSIS.db --key recipient.key and at least one BUNDLE, "
                                       "or --from URL --token TOKEN, or --retry-quarantine");
  if (token_argument != NULL && token_file != NULL)
    return sayso_command_fail (SAYSO_EXIT_BAD_INPUT, "import: give the token once: --token-file FILE or --token -");
  if ((from == NULL) != (token_argument == NULL && token_file == NULL))
    return sayso_command_fail (SAYSO_EXIT_BAD_INPUT, "import: give --from URL and --token-file FILE (or --token -) together");
  if (ca_file != NULL && from == NULL)
    return sayso_command_fail (SAYSO_EXIT_BAD_INPUT, "import: --ca-file is for --from URL");
  if (token_argument != NULL && g_str_equal (token_argument, "-") && sayso_secret_key_is_protected (key_path))
    return sayso_command_fail (SAYSO_EXIT_BAD_INPUT, "import: %s's passphrase comes on standard input: give the token "
                                                     "with --token-file FILE", key_path);

  if (sayso_secret_key_is_protected (key_path) && !(passphrase = _sayso_cli_read_secret_line ()))
    return sayso_command_fail (SAYSO_EXIT_BAD_INPUT, "import: %s is under a passphrase; give it on standard input", key_path);
  if (token_file != NULL && !(token = read_token_file (token_file, &error)))
    return sayso_command_fail (SAYSO_EXIT_BAD_INPUT, "%s", error->message);
  if (token_argument != NULL && g_str_equal (token_argument, "-") && !(token = _sayso_cli_read_secret_line ()))
    return sayso_command_fail (SAYSO_EXIT_BAD_INPUT, "import: --token - reads the token from standard input; none came");
  if (token_argument != NULL && token == NULL)
    token = g_strdup (token_argument);
  if (token_argument != NULL)
    sodium_memzero (token_argument, strlen (token_argument));
  if (!sayso_secret_key_read (key_path, passphrase, sk.bytes, &error))
    return sayso_command_fail (SAYSO_EXIT_BAD_INPUT, "%s", error->message);

  if (!(questionnaires = load_questionnaires (definitions, &error)))
    return sayso_command_fail (SAYSO_EXIT_BAD_INPUT, "%s", error->message);

  if (!(db = sayso_analysis_db_open (db_path, TRUE, &error)))
    return sayso_command_fail (SAYSO_EXIT_FAILED, "%s", error->message);

  for (int i = 1; i < argc; i++)
    import_one (db, argv[i], argv[i], sk.bytes, questionnaires, trust, db_path, &code);

  if (from != NULL && !pull_and_import (db, from, token, ca_file, sk.bytes, questionnaires, trust, db_path, &code))
    return code;

  if (retry)
    {
      g_autoptr(GPtrArray) results = NULL;

      if (!sayso_import_retry_quarantine (db, sk.bytes, questionnaires, &results, &error))
        return sayso_command_fail (SAYSO_EXIT_FAILED, "%s", error->message);
      if (results->len == 0)
        g_print ("Nothing is in quarantine.\n");
      for (guint i = 0; i < results->len; i++)
        {
          SaysoImportResult *result = g_ptr_array_index (results, i);
          g_autofree char *kiosk = _sayso_cli_kiosk_short (result->kiosk_pk);

          g_print ("%s, kiosk %s: %" G_GINT64_FORMAT " of %" G_GINT64_FORMAT " record%s in quarantine opened and "
                   "imported, %" G_GINT64_FORMAT " already imported\n",
                   result->site, kiosk, result->added, result->records, result->records == 1 ? "" : "s",
                   result->duplicates);
          if (report_set_aside (result, "still in quarantine", db_path))
            code = MAX (code, SAYSO_EXIT_FAILED);
        }
    }

  return code;
}

/* sayso report --db ANALYSIS.db [--site NAME] [--from DAY --to DAY] --format html|pdf|csv|sav|dta --out FILE */
int
_sayso_cli_report (int    argc,
                   char **argv)
{
  g_autofree char *db_path = NULL;
  g_autofree char *site = NULL;
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;
  g_autofree char *format = NULL;
  g_autofree char *out = NULL;
  g_autofree char *language = NULL;
  g_autofree char *definition = NULL;
  int small_number = SAYSO_REPORT_DEFAULT_SMALL_NUMBER;
  guint n_cut = 0;
  gboolean intervals = FALSE, all_quotes = FALSE;
  int min_n = SAYSO_HEADLINES_DEFAULT_MIN_N;
  g_autofree char *charts = NULL;
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(SaysoAnalysisDb) db = NULL;
  g_autoptr(SaysoQuestionnaire) questionnaire = NULL;
  g_autoptr(GError) error = NULL;
  SaysoReportOptions options = { 0 };
  int code = SAYSO_EXIT_OK;
  const GOptionEntry entries[] = {
    { "db", 'd', 0, G_OPTION_ARG_FILENAME, &db_path, "The analysis database", "ANALYSIS.db" },
    { "site", 0, 0, G_OPTION_ARG_STRING, &site, "One site, beside all sites (default: all sites)", "NAME" },
    { "from", 0, 0, G_OPTION_ARG_STRING, &from, "First day, YYYY-MM-DD", "DAY" },
    { "to", 0, 0, G_OPTION_ARG_STRING, &to, "Last day, YYYY-MM-DD", "DAY" },
    { "format", 'f', 0, G_OPTION_ARG_STRING, &format, "html, pdf, csv, sav (SPSS) or dta (Stata); csv, sav and dta with a codebook", "FORMAT" },
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out, "The file to write", "FILE" },
    { "small-number", 0, 0, G_OPTION_ARG_INT, &small_number, "Show demographic cells below N as “<N” (default 3, 0: off)", "N" },
    { "language", 0, 0, G_OPTION_ARG_STRING, &language, "Labels' language (default en)", "LANG" },
    { "questionnaire", 'q', 0, G_OPTION_ARG_FILENAME, &definition, "The questionnaire (default: the built-in survey)", "FILE" },
    { "intervals", 0, 0, G_OPTION_ARG_NONE, &intervals, "Show each share's Wilson 95% interval beside it", NULL },
    { "min-n", 0, 0, G_OPTION_ARG_INT, &min_n, "Headlines (with --site) need N who answered, at the site and elsewhere (default 30)", "N" },
    { "all-quotes", 0, 0, G_OPTION_ARG_NONE, &all_quotes, "Every free-text answer, in an appendix (default: the picked quotes only)", NULL },
    { "charts", 0, 0, G_OPTION_ARG_FILENAME, &charts, "Also write each chart alone as SVG and PNG into DIR", "DIR" },
    { NULL }
  };

  context = sayso_command_context ("--db ANALYSIS.db --format html|pdf|csv|sav|dta --out FILE",
                             "The figures, charts and quotes of the inspection reports, from the data;\n"
                             "or one CSV row per response with a codebook, for R, Excel or SPSS;\n"
                             "or one labelled case per response as an SPSS .sav or a Stata .dta file.", entries);
  if (!sayso_command_parse (context, &argc, &argv, &code))
    return code;
  if (db_path == NULL || format == NULL || out == NULL || argc > 1)
    return sayso_command_fail (SAYSO_EXIT_BAD_INPUT, "report: give --db ANALYSIS.db --format html|pdf|csv|sav|dta --out FILE");

  if (g_str_equal (format, "html"))
    options.format = SAYSO_REPORT_HTML;
  else if (g_str_equal (format, "pdf"))
    options.format = SAYSO_REPORT_PDF;
  else if (g_str_equal (format, "csv"))
    options.format = SAYSO_REPORT_CSV;
  else if (g_str_equal (format, "sav"))
    options.format = SAYSO_REPORT_SAV;
  else if (g_str_equal (format, "dta"))
    options.format = SAYSO_REPORT_DTA;
  else
    return sayso_command_fail (SAYSO_EXIT_BAD_INPUT, "report: --format must be html, pdf, csv, sav or dta");
  if (small_number < 0)
    return sayso_command_fail (SAYSO_EXIT_BAD_INPUT, "report: --small-number must be 0 or more");
  if (min_n < 1)
    return sayso_command_fail (SAYSO_EXIT_BAD_INPUT, "report: --min-n must be 1 or more");

  if (definition != NULL)
    {
      if (!(questionnaire = sayso_questionnaire_new_from_file (definition, &error)))
        return sayso_command_fail (SAYSO_EXIT_BAD_INPUT, "%s", error->message);
    }
  else
    questionnaire = sayso_questionnaire_new_default ();

  options.site = site;
  options.from = from;
  options.to = to;
  options.out = out;
  options.small_number = (guint) small_number;
  options.language = language;
  options.n_cut = &n_cut;
  options.intervals = intervals;
  options.min_n = (guint) min_n;
  options.all_quotes = all_quotes;
  options.charts_dir = charts;

  if (!(db = sayso_analysis_db_open (db_path, FALSE, &error)))
    return sayso_command_fail (SAYSO_EXIT_FAILED, "%s", error->message);
  if (!sayso_report_write (db, questionnaire, &options, &error))
    return sayso_command_fail (error->domain == SAYSO_REPORT_ERROR ? SAYSO_EXIT_BAD_INPUT : SAYSO_EXIT_FAILED, "%s", error->message);

  g_print ("Wrote %s\n", out);
  if (options.format == SAYSO_REPORT_CSV || options.format == SAYSO_REPORT_SAV || options.format == SAYSO_REPORT_DTA)
    {
      g_autofree char *codebook = sayso_report_codebook_path_for (out, options.format);
      g_print ("Wrote %s\n", codebook);
    }
  if (options.format == SAYSO_REPORT_CSV)
    {
      g_autofree char *figures = sayso_report_figures_path (out);
      g_print ("Wrote %s\n", figures);
    }
  if (n_cut > 0)
    g_printerr ("report: %u free-text answer%s longer than the format holds (SPSS: 32,767 bytes) %s cut there in %s; "
                "the CSV (--format csv) holds every answer whole\n",
                n_cut, n_cut == 1 ? "" : "s", n_cut == 1 ? "was" : "were", out);
  if (charts)
    g_print ("Wrote the charts alone as SVG and PNG into %s\n", charts);
  return SAYSO_EXIT_OK;
}
