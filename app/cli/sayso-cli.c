/* sayso-cli.c: the `sayso` command line, a thin front over the core library.
 *
 * It prints counts, keys and clear errors; it never prints an answer.
 * This file holds the table of commands and the helpers both sides use;
 * the commands live by room, the reception's in sayso-cli-kiosk.c and the
 * analysts' in sayso-cli-analysis.c, so that each is found beside the
 * room it drives.
 */
#define G_LOG_DOMAIN "sayso-cli"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "sayso-bundle.h"
#include "sayso-cli-private.h"

/* A PIN or passphrase is read from standard input, never from the command
 * line, where every user of the machine could see it in the process list. */
char *
_sayso_cli_read_secret_line (void)
{
  char line[256];
  size_t len;

  if (fgets (line, sizeof line, stdin) == NULL)
    return NULL;
  len = strcspn (line, "\r\n");
  line[len] = '\0';
  {
    char *pin = g_strdup (line);
    sodium_memzero (line, sizeof line);
    return pin;
  }
}

/* The kiosk as bundle names show it: the first 4 bytes of its key in hex. */
char *
_sayso_cli_kiosk_short (const guint8 kiosk_pk[32])
{
  return sayso_hex (kiosk_pk, 4);
}

static const SaysoCommand commands[] = {
  { "keygen", "Make the analysts' key pair", _sayso_cli_keygen },
  { "setup", "Enrol a new kiosk: store, staff PIN, key for the analysts", _sayso_cli_setup },
  { "init", "Make a kiosk store for a site", _sayso_cli_init },
  { "set-pin", "Set the staff PIN of a store", _sayso_cli_set_pin },
  { "set-upload", "Set where a kiosk sends its bundles, or turn it off", _sayso_cli_set_upload },
  { "check", "Check a questionnaire and its recorded voices", _sayso_cli_check },
  { "submit", "Seal and store responses given as JSON", _sayso_cli_submit },
  { "status", "Count the responses in a store", _sayso_cli_status },
  { "export", "Write the responses awaiting export to a signed bundle", _sayso_cli_export },
  { "verify", "Check bundles' signatures and records", _sayso_cli_verify },
  { "enroll", "Trust a kiosk's exports (analysts)", _sayso_cli_enroll },
  { "outbox", "What the kiosk has sent to the collection service; --send", _sayso_cli_outbox },
  { "upload", "Send bundles to the collection service", _sayso_cli_upload },
  { "import", "Open bundles into an analysis database (analysts)", _sayso_cli_import },
  { "report", "Figures, charts and quotes, or CSV (analysts)", _sayso_cli_report },
  { "quotes", "List the free-text answers, pick quotes for the report (analysts)", _sayso_cli_quotes },
};

static const SaysoCommandLine command_line = {
  .program = "sayso",
  .description = "Sayso keeps survey answers sealed to the analysts' key.",
  .commands = commands,
  .n_commands = G_N_ELEMENTS (commands),
};

int
sayso_cli_main (int    argc,
                char **argv)
{
  return sayso_command_line_run (&command_line, argc, argv);
}
