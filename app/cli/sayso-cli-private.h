/* sayso-cli-private.h: what the files of `sayso` share (sayso-cli.c, the
 * table; sayso-cli-kiosk.c, the reception's commands;
 * sayso-cli-analysis.c, the analysts'). Not installed, not for the tests. */
#pragma once

#include <glib.h>

#include "sayso-cli.h"

G_BEGIN_DECLS

/* Shared helpers (sayso-cli.c) */
char *_sayso_cli_read_secret_line (void) G_GNUC_WARN_UNUSED_RESULT;
char *_sayso_cli_kiosk_short      (const guint8 kiosk_pk[32]) G_GNUC_WARN_UNUSED_RESULT;

/* The reception's commands (sayso-cli-kiosk.c) */
int   _sayso_cli_setup            (int    argc,
                                   char **argv);
int   _sayso_cli_init             (int    argc,
                                   char **argv);
int   _sayso_cli_set_pin          (int    argc,
                                   char **argv);
int   _sayso_cli_check            (int    argc,
                                   char **argv);
int   _sayso_cli_submit           (int    argc,
                                   char **argv);
int   _sayso_cli_status           (int    argc,
                                   char **argv);
int   _sayso_cli_export           (int    argc,
                                   char **argv);
int   _sayso_cli_set_upload       (int    argc,
                                   char **argv);
int   _sayso_cli_outbox           (int    argc,
                                   char **argv);
int   _sayso_cli_upload           (int    argc,
                                   char **argv);

/* The analysts' commands (sayso-cli-analysis.c) */
int   _sayso_cli_keygen           (int    argc,
                                   char **argv);
int   _sayso_cli_verify           (int    argc,
                                   char **argv);
int   _sayso_cli_enroll           (int    argc,
                                   char **argv);
int   _sayso_cli_import           (int    argc,
                                   char **argv);
int   _sayso_cli_report           (int    argc,
                                   char **argv);
/* sayso-cli-quotes.c */
int   _sayso_cli_quotes           (int    argc,
                                   char **argv);

G_END_DECLS
