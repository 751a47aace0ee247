/* test-command.c: the command lines' shared frame (sayso-command). */
#include "sayso-command.h"

static int ran;

static int
cmd_echo (int    argc,
          char **argv)
{
  ran = argc;
  g_print ("ran %s as %s\n", argv[0], g_get_prgname ());
  return 7;
}

static int
cmd_strict (int    argc,
            char **argv)
{
  gboolean flag = FALSE;
  int code = SAYSO_COMMAND_EXIT_OK;
  const GOptionEntry entries[] = {
    { "flag", 0, 0, G_OPTION_ARG_NONE, &flag, "A flag", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = sayso_command_context ("ARG", "A strict command.", entries);

  if (!sayso_command_parse (context, &argc, &argv, &code))
    return code;
  return sayso_command_fail (SAYSO_COMMAND_EXIT_FAILED, "%s: it went wrong", argc > 1 ? argv[1] : "nothing");
}

static const SaysoCommand commands[] = {
  { "echo", "Say what ran", cmd_echo },
  { "strict", "Refuse what it does not know", cmd_strict },
};

static const SaysoCommandLine line = {
  .program = "sayso-test",
  .description = "A program for the test.",
  .commands = commands,
  .n_commands = G_N_ELEMENTS (commands),
};

static int
run (const char *first,
     ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  va_list ap;

  g_ptr_array_add (args, (char *) "sayso-test");
  va_start (ap, first);
  for (const char *a = first; a != NULL; a = va_arg (ap, const char *))
    g_ptr_array_add (args, (char *) a);
  va_end (ap);
  g_ptr_array_add (args, NULL);
  return sayso_command_line_run (&line, (int) args->len - 1, (char **) args->pdata);
}

/* The command named runs, with its own arguments, under its own name; its
 * status is the program's. */
static void
test_dispatch (void)
{
  if (g_test_subprocess ())
    {
      ran = 0;
      exit (run ("echo", "one", "two", NULL) == 7 && ran == 3 ? 0 : 1);
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stdout ("ran echo as sayso-test echo\n");
}

/* What is not a command is refused with the usage, on standard error, and
 * status 2; asked for, the usage goes to standard output with status 0
 * (the control: the same words both ways). */
static void
test_usage (void)
{
  if (g_test_subprocess ())
    exit (run ("frobnicate", NULL));
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*sayso-test: *frobnicate* is not a command*Usage: sayso-test COMMAND*"
                             "echo*Say what ran*strict*");
  g_test_trap_assert_stdout ("");
}

static void
test_usage_help (void)
{
  if (g_test_subprocess ())
    exit (run ("--help", NULL));
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stdout ("Usage: sayso-test COMMAND*A program for the test.*echo*Say what ran*");
  g_test_trap_assert_stderr ("");
}

/* No command at all is a mistake (status 2), not a request for help. */
static void
test_nothing (void)
{
  if (g_test_subprocess ())
    {
      char *argv[] = { (char *) "sayso-test", NULL };
      exit (sayso_command_line_run (&line, 1, argv) == SAYSO_COMMAND_EXIT_BAD_INPUT ? 0 : 1);
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stderr ("Usage: sayso-test COMMAND*");
}

/* A bad option is named, with where to look, and is status 2; a failure
 * says which program failed (control: a good option reaches the command,
 * which fails in its own words with its own status). */
static void
test_options (void)
{
  if (g_test_subprocess ())
    exit (run ("strict", "--nonsense", NULL));
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("sayso-test: *--nonsense* (see --help)\n");
}

static void
test_options_good (void)
{
  if (g_test_subprocess ())
    exit (run ("strict", "--flag", "file.txt", NULL) == SAYSO_COMMAND_EXIT_FAILED ? 0 : 1);
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stderr ("sayso-test: file.txt: it went wrong\n");
}

static void
test_version (void)
{
  if (g_test_subprocess ())
    exit (run ("--version", NULL));
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stdout ("sayso-test " PACKAGE_VERSION "\n");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/command/dispatch", test_dispatch);
  g_test_add_func ("/command/usage", test_usage);
  g_test_add_func ("/command/usage/help", test_usage_help);
  g_test_add_func ("/command/nothing", test_nothing);
  g_test_add_func ("/command/options", test_options);
  g_test_add_func ("/command/options/good", test_options_good);
  g_test_add_func ("/command/version", test_version);

  return g_test_run ();
}
