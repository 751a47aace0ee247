/* sayso-cli-quotes.c: `sayso quotes`, the analysts' list of free-text
 * answers with their references, and picking the quotes the report shows.
 *
 * It prints answers to the analyst's terminal, as the report shows them to
 * the analyst; nothing of them is logged.
 */
#define G_LOG_DOMAIN "sayso-cli"

#include <string.h>

#include "sayso-cli-private.h"
#include "sayso-process.h"
#include "sayso-quotes.h"

/* One answer: its reference, whether picked, its site, then its text, a
 * line of it under another, indented. */
static void
print_quote (const SaysoQuote *quote)
{
  g_auto(GStrv) lines = g_strsplit (quote->text, "\n", -1);

  g_print ("%-8s %s  %s\n", quote->ref, quote->picked ? "picked" : "      ", quote->site ? quote->site : "");
  for (guint i = 0; lines[i]; i++)
    {
      g_print ("    %s\n", lines[i]);
      memset (lines[i], 0, strlen (lines[i]));
    }
}

/* sayso quotes --db ANALYSIS.db [--question ID] [--pick REF... | --unpick REF...] */
int
_sayso_cli_quotes (int    argc,
                   char **argv)
{
  g_autofree char *db_path = NULL;
  g_autofree char *question = NULL;
  g_autofree char *definition = NULL;
  gboolean pick = FALSE, unpick = FALSE;
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(SaysoAnalysisDb) db = NULL;
  g_autoptr(SaysoQuestionnaire) questionnaire = NULL;
  g_autoptr(GPtrArray) quotes = NULL;
  g_autoptr(GError) error = NULL;
  SaysoQuestion *last = NULL;
  int code = SAYSO_EXIT_OK;
  const GOptionEntry entries[] = {
    { "db", 'd', 0, G_OPTION_ARG_FILENAME, &db_path, "The analysis database", "ANALYSIS.db" },
    { "question", 0, 0, G_OPTION_ARG_STRING, &question, "The answers to this free-text question only", "ID" },
    { "pick", 0, 0, G_OPTION_ARG_NONE, &pick, "Pick the answers of the references given, for the report", NULL },
    { "unpick", 0, 0, G_OPTION_ARG_NONE, &unpick, "Unpick the answers of the references given", NULL },
    { "questionnaire", 'q', 0, G_OPTION_ARG_FILENAME, &definition, "The questionnaire (default: the built-in survey)", "FILE" },
    { NULL }
  };

  context = sayso_command_context ("--db ANALYSIS.db [--question ID] [--pick REF… | --unpick REF…]",
                                   "Lists the free-text answers with a short reference each; --pick marks the\n"
                                   "ones the report shows as quotes, under the section of their question.", entries);
  if (!sayso_command_parse (context, &argc, &argv, &code))
    return code;
  if (db_path == NULL)
    return sayso_command_fail (SAYSO_EXIT_BAD_INPUT, "quotes: give --db ANALYSIS.db");
  if (pick && unpick)
    return sayso_command_fail (SAYSO_EXIT_BAD_INPUT, "quotes: give --pick or --unpick, not both");
  if ((pick || unpick) && argc < 2)
    return sayso_command_fail (SAYSO_EXIT_BAD_INPUT, "quotes: --%s needs one reference or more (“sayso quotes --db FILE” lists them)",
                               pick ? "pick" : "unpick");
  if (!pick && !unpick && argc > 1)
    return sayso_command_fail (SAYSO_EXIT_BAD_INPUT, "quotes: references are for --pick or --unpick");

  if (definition != NULL)
    {
      if (!(questionnaire = sayso_questionnaire_new_from_file (definition, &error)))
        return sayso_command_fail (SAYSO_EXIT_BAD_INPUT, "%s", error->message);
    }
  else
    questionnaire = sayso_questionnaire_new_default ();

  if (!(db = sayso_analysis_db_open (db_path, FALSE, &error)))
    return sayso_command_fail (SAYSO_EXIT_FAILED, "%s", error->message);

  if (pick || unpick)
    {
      if (!sayso_quotes_pick (db, questionnaire, (const char * const *) argv + 1, pick, &error))
        return sayso_command_fail (error->domain == SAYSO_QUOTES_ERROR ? SAYSO_EXIT_BAD_INPUT : SAYSO_EXIT_FAILED,
                                   "quotes: %s", error->message);
      g_print ("%s %d %s\n", pick ? "Picked" : "Unpicked", argc - 1, argc - 1 == 1 ? "quote" : "quotes");
      return SAYSO_EXIT_OK;
    }

  if (!(quotes = sayso_quotes_list (db, questionnaire, question, &error)))
    return sayso_command_fail (error->domain == SAYSO_QUOTES_ERROR ? SAYSO_EXIT_BAD_INPUT : SAYSO_EXIT_FAILED,
                               "quotes: %s", error->message);
  for (guint i = 0; i < quotes->len; i++)
    {
      const SaysoQuote *quote = g_ptr_array_index (quotes, i);

      if (quote->question != last)
        {
          const char *text = sayso_question_get_text (quote->question, "en");
          g_print ("%s%s: %s\n", last ? "\n" : "", sayso_question_get_id (quote->question), text ? text : "");
          last = quote->question;
        }
      print_quote (quote);
    }
  if (quotes->len == 0)
    g_print ("No free-text answers%s%s.\n", question ? " to " : "", question ? question : "");
  return SAYSO_EXIT_OK;
}
