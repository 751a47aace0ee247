/* sayso-command.h: what the programs' command lines share (`sayso`,
 * `sayso-collect`): a table of commands, their options, and one way of
 * saying what went wrong. */
#pragma once

#include <glib.h>
#include <stdio.h>

G_BEGIN_DECLS

/* Exit statuses of every Sayso program. */
typedef enum
{
  SAYSO_COMMAND_EXIT_OK = 0,
  SAYSO_COMMAND_EXIT_FAILED = 1,     /* it could not be done; see the message */
  SAYSO_COMMAND_EXIT_BAD_INPUT = 2,  /* the command line or the input was wrong */
} SaysoCommandExit;

typedef struct
{
  const char *name;
  const char *summary;
  int       (*run) (int argc, char **argv);
} SaysoCommand;

typedef struct
{
  const char         *program;      /* "sayso" */
  const char         *description;  /* a sentence under the usage line */
  const SaysoCommand *commands;
  gsize               n_commands;
} SaysoCommandLine;

int             sayso_command_line_run     (const SaysoCommandLine *line,
                                            int                     argc,
                                            char                  **argv);
void            sayso_command_line_usage   (const SaysoCommandLine *line,
                                            FILE                   *out);

int             sayso_command_fail         (int                     code,
                                            const char             *format,
                                            ...) G_GNUC_PRINTF (2, 3);
GOptionContext *sayso_command_context      (const char             *parameter,
                                            const char             *summary,
                                            const GOptionEntry     *entries) G_GNUC_WARN_UNUSED_RESULT;
gboolean        sayso_command_parse        (GOptionContext         *context,
                                            int                    *argc,
                                            char                 ***argv,
                                            int                    *exit_code) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
