/* sayso-command.c: the command lines' shared frame.
 *
 * Each program is a table of commands; this runs the one named, prints the
 * usage, and prefixes every message with the program's name, so that a
 * message in a script's log says which program wrote it.
 */
#define G_LOG_DOMAIN "sayso-command"

#include "sayso-command.h"
#include "sayso-process.h"

/* The program running, for the prefix of its messages. */
static const char *program_name = "sayso";

int
sayso_command_fail (int         code,
                    const char *format,
                    ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  g_printerr ("%s: %s\n", program_name, message);
  return code;
}

GOptionContext *
sayso_command_context (const char         *parameter,
                       const char         *summary,
                       const GOptionEntry *entries)
{
  GOptionContext *context = g_option_context_new (parameter);

  g_option_context_set_summary (context, summary);
  g_option_context_add_main_entries (context, entries, NULL);
  return context;
}

gboolean
sayso_command_parse (GOptionContext   *context,
                     int              *argc,
                     char           ***argv,
                     int              *exit_code)
{
  g_autoptr(GError) error = NULL;

  g_return_val_if_fail (context != NULL && exit_code != NULL, FALSE);

  if (!g_option_context_parse (context, argc, argv, &error))
    {
      *exit_code = sayso_command_fail (SAYSO_COMMAND_EXIT_BAD_INPUT, "%s (see --help)", error->message);
      return FALSE;
    }
  return TRUE;
}

void
sayso_command_line_usage (const SaysoCommandLine *line,
                          FILE                   *out)
{
  g_return_if_fail (line != NULL && out != NULL);

  fprintf (out, "Usage: %s COMMAND [OPTIONS]\n\n%s\n\nCommands:\n", line->program, line->description);
  for (gsize i = 0; i < line->n_commands; i++)
    fprintf (out, "  %-10s %s\n", line->commands[i].name, line->commands[i].summary);
  fprintf (out, "\nRun “%s COMMAND --help” for a command's options.\n", line->program);
}

int
sayso_command_line_run (const SaysoCommandLine  *line,
                        int                      argc,
                        char                   **argv)
{
  g_autofree char *prgname = NULL;

  g_return_val_if_fail (line != NULL, SAYSO_COMMAND_EXIT_BAD_INPUT);

  program_name = line->program;
  sayso_disable_core_dumps ();
  sayso_init ();

  if (argc < 2 || g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h") ||
      g_str_equal (argv[1], "help"))
    {
      sayso_command_line_usage (line, argc < 2 ? stderr : stdout);
      return argc < 2 ? SAYSO_COMMAND_EXIT_BAD_INPUT : SAYSO_COMMAND_EXIT_OK;
    }

  if (g_str_equal (argv[1], "--version"))
    {
      g_print ("%s %s\n", line->program, PACKAGE_VERSION);
      return SAYSO_COMMAND_EXIT_OK;
    }

  for (gsize i = 0; i < line->n_commands; i++)
    if (g_str_equal (argv[1], line->commands[i].name))
      {
        prgname = g_strdup_printf ("%s %s", line->program, line->commands[i].name);
        g_set_prgname (prgname);
        return line->commands[i].run (argc - 1, argv + 1);
      }

  sayso_command_fail (SAYSO_COMMAND_EXIT_BAD_INPUT, "“%s” is not a command", argv[1]);
  sayso_command_line_usage (line, stderr);
  return SAYSO_COMMAND_EXIT_BAD_INPUT;
}
