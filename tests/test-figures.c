/* The report's figures, read from the figures model rather than a rendered
 * page: counts, N, shares, the national average, small cells hidden,
 * conditions, "prefer not to say", multiple choice over respondents, ranking,
 * the quotes listed.
 *
 * Responses go the whole way, as at a site: answered on a SaysoResponse (so
 * that a condition hides what it hides), submitted to a kiosk store,
 * exported, imported into an analysis database. The expected figures are
 * worked out by hand from the people below, never read back from the
 * database; each property has a control showing that the wrong definition
 * would give another figure. */
#include <math.h>
#include <string.h>

#include "sayso-export.h"
#include "sayso-figures.h"
#include "sayso-import.h"
#include "sayso-process.h"
#include "sayso-report.h"
#include "sayso-test-utils.h"

static SaysoQuestionnaire *survey;

/* One person: a day, a mode, and answers "question=value" given in this
 * order (a multiple choice's values joined by ","), as a person would give
 * them, going back to change one answer included. */
typedef struct
{
  const char *day;
  SaysoMode   mode;
  const char *answers[12];
} Person;

typedef struct
{
  char            *dir;
  guint8           pk[SAYSO_BOX_PUBLIC_KEY_SIZE];
  guint8           sk[SAYSO_BOX_SECRET_KEY_SIZE];
  SaysoAnalysisDb *db;
  GPtrArray       *questionnaires;
  guint            n_kiosks;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  f->dir = test_make_tmp_dir ();
  sayso_recipient_keypair_new (f->pk, f->sk);
  path = g_build_filename (f->dir, "analysis.db", NULL);
  f->db = sayso_analysis_db_open (path, TRUE, &error);
  g_assert_no_error (error);
  f->questionnaires = g_ptr_array_new ();
  g_ptr_array_add (f->questionnaires, survey);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_unsetenv ("SAYSO_TODAY");
  g_clear_pointer (&f->db, sayso_analysis_db_close);
  g_ptr_array_unref (f->questionnaires);
  test_remove_tree (f->dir);
  g_free (f->dir);
}

static SaysoResponse *
respond (const Person *person)
{
  SaysoResponse *r = sayso_response_new (survey, "en");
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (person->answers) && person->answers[i]; i++)
    {
      const char *eq = strchr (person->answers[i], '=');
      g_autofree char *id = g_strndup (person->answers[i], eq - person->answers[i]);
      SaysoQuestion *q = sayso_questionnaire_lookup_question (survey, id);
      gboolean ok;

      g_assert_nonnull (q);
      switch (sayso_question_get_kind (q))
        {
        case SAYSO_QUESTION_TEXT:
          ok = sayso_response_set_text (r, id, eq + 1, &error);
          break;
        case SAYSO_QUESTION_MULTIPLE:
          {
            g_auto(GStrv) values = g_strsplit (eq + 1, ",", -1);
            ok = sayso_response_set_choices (r, id, (const char * const *) values, &error);
          }
          break;
        default:
          ok = sayso_response_set_choice (r, id, eq + 1, &error);
          break;
        }
      g_assert_no_error (error);
      g_assert_true (ok);
    }
  return r;
}

/* The site's own kiosk: takes these people's answers, exports a bundle, and
 * the analysts import it. */
static void
kiosk (Fixture      *f,
       const char   *site,
       const Person *people,
       guint         n)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *name = g_strdup_printf ("kiosk-%u.db", f->n_kiosks++);
  g_autofree char *store_path = g_build_filename (f->dir, name, NULL);
  g_autofree char *stick = g_build_filename (f->dir, "stick", NULL);
  g_autoptr(SaysoStore) store = NULL;
  SaysoExportResult exported = { 0 };
  SaysoImportResult imported = { 0 };

  g_mkdir_with_parents (stick, 0700);
  store = sayso_store_create (store_path, site, f->pk, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SaysoResponse) r = respond (&people[i]);

      g_setenv ("SAYSO_TODAY", people[i].day, TRUE);
      g_assert_true (sayso_store_submit (store, r, people[i].mode, &error));
      g_assert_no_error (error);
    }
  g_unsetenv ("SAYSO_TODAY");

  g_assert_true (sayso_store_export (store, stick, SAYSO_EXPORT_DEFAULT, &exported, &error));
  g_assert_no_error (error);
  g_assert_true (sayso_import_bundle (f->db, exported.path, f->sk, f->questionnaires, TRUE, &imported, &error));
  g_assert_no_error (error);
  g_assert_cmpint (imported.added, ==, n);
  sayso_import_result_clear (&imported);
  sayso_export_result_clear (&exported);
}

/* North: ten people over two days. Persons 4 and 5 first said they needed
 * services, answered whether the services helped, then went back and said
 * they did not: they were, in the end, never asked. */
static const Person north[] = {
  { "2026-05-01", SAYSO_MODE_SELF, { "contact_officer=strongly_agree", "appointment_times=agree", "needed_services=yes",
    "services_helped=strongly_agree", "what_good=travel,reception", "biggest_issue=travel", "how_often=monthly",
    "face_or_remote=remote", "age_band=18_24", "solutions=Closer offices, please.", NULL } },
  { "2026-05-01", SAYSO_MODE_SELF, { "contact_officer=strongly_agree", "appointment_times=agree", "needed_services=yes",
    "services_helped=agree", "what_good=travel", "biggest_issue=travel", "how_often=monthly",
    "face_or_remote=face_to_face", "age_band=25_34", NULL } },
  { "2026-05-01", SAYSO_MODE_SELF, { "contact_officer=strongly_agree", "appointment_times=agree", "needed_services=yes",
    "services_helped=disagree", "what_good=appointments,travel,reception", "biggest_issue=housing", "how_often=weekly",
    "age_band=25_34", "solutions=The same officer each time.", NULL } },
  { "2026-05-01", SAYSO_MODE_SELF, { "contact_officer=agree", "appointment_times=disagree", "needed_services=yes",
    "services_helped=prefer_not_to_say", "what_good=no_positives", "biggest_issue=appointments", "how_often=weekly",
    "age_band=35_44", NULL } },
  { "2026-05-01", SAYSO_MODE_SELF, { "contact_officer=agree", "appointment_times=disagree", "needed_services=yes",
    "services_helped=agree", "needed_services=no", "biggest_issue=housing", "how_often=monthly", "age_band=45_54", NULL } },
  { "2026-05-01", SAYSO_MODE_SELF, { "contact_officer=neither", "appointment_times=disagree", "needed_services=yes",
    "services_helped=strongly_agree", "needed_services=no", "biggest_issue=housing", "age_band=35_44", NULL } },
  { "2026-05-10", SAYSO_MODE_STAFF, { "contact_officer=disagree", "needed_services=no", "age_band=35_44",
    "solutions=Texts I can read.", NULL } },
  { "2026-05-10", SAYSO_MODE_STAFF, { "contact_officer=prefer_not_to_say", "needed_services=no", "age_band=45_54", NULL } },
  { "2026-05-10", SAYSO_MODE_STAFF, { "contact_officer=prefer_not_to_say", "age_band=45_54", NULL } },
  { "2026-05-10", SAYSO_MODE_PAPER, { "contact_officer=prefer_not_to_say", "age_band=45_54", NULL } },
};

/* South: five people on the first day, all agreeing strongly. */
static const Person south[] = {
  { "2026-05-01", SAYSO_MODE_SELF, { "contact_officer=strongly_agree", "what_good=travel", "biggest_issue=travel",
    "age_band=18_24", "solutions=Nothing to add.", NULL } },
  { "2026-05-01", SAYSO_MODE_SELF, { "contact_officer=strongly_agree", "what_good=travel", "biggest_issue=travel", "age_band=18_24", NULL } },
  { "2026-05-01", SAYSO_MODE_SELF, { "contact_officer=strongly_agree", "what_good=travel", "biggest_issue=travel", "age_band=18_24", NULL } },
  { "2026-05-01", SAYSO_MODE_SELF, { "contact_officer=strongly_agree", "what_good=probation_officer", "biggest_issue=travel", "age_band=18_24", NULL } },
  { "2026-05-01", SAYSO_MODE_SELF, { "contact_officer=strongly_agree", "what_good=probation_officer", "biggest_issue=travel", "age_band=18_24", NULL } },
};

static SaysoFigures *
compute (Fixture    *f,
         const char *site,
         const char *from,
         const char *to,
         guint       small)
{
  g_autoptr(GError) error = NULL;
  SaysoAnalysisFilter filter = { site, from, to };
  SaysoFigures *figures = sayso_figures_compute (f->db, survey, &filter, small, &error);

  g_assert_no_error (error);
  g_assert_nonnull (figures);
  return figures;
}

static const SaysoFiguresQuestion *
question (SaysoFigures *figures,
          const char   *id)
{
  const SaysoFiguresQuestion *q = sayso_figures_lookup (figures, id);

  if (q == NULL)
    g_error ("no figures for %s", id);
  return q;
}

static const SaysoFiguresOption *
option (const SaysoFiguresQuestion *q,
        const char                 *id)
{
  const SaysoFiguresOption *o = sayso_figures_question_lookup_option (q, id);

  if (o == NULL)
    g_error ("no option %s", id);
  return o;
}

static void
build (Fixture *f)
{
  kiosk (f, "North", north, G_N_ELEMENTS (north));
  kiosk (f, "South", south, G_N_ELEMENTS (south));
}

/* Tests */

static void
test_share (void)
{
  /* Every figure quoted from the seeds' reports, rounded half up. */
  static const struct { gint64 n, of; const char *want; } cases[] = {
    { 7, 78, "9% (7/78)" },     { 12, 78, "15% (12/78)" }, { 8, 78, "10% (8/78)" },
    { 22, 78, "28% (22/78)" },  { 9, 78, "12% (9/78)" },   { 47, 78, "60% (47/78)" },
    { 35, 78, "45% (35/78)" },  { 23, 78, "29% (23/78)" }, { 44, 78, "56% (44/78)" },
    { 36, 52, "69% (36/52)" },  { 9, 60, "15% (9/60)" },   { 11, 61, "18% (11/61)" },
    { 7, 61, "11% (7/61)" },    { 22, 60, "37% (22/60)" }, { 28, 52, "54% (28/52)" },
    { 32, 61, "52% (32/61)" },  { 27, 60, "45% (27/60)" }, { 34, 61, "56% (34/61)" },
    { 17, 61, "28% (17/61)" },  { 16, 64, "25% (16/64)" }, { 8, 63, "13% (8/63)" },
    { 21, 64, "33% (21/64)" },  { 15, 63, "24% (15/63)" }, { 24, 44, "55% (24/44)" },
    { 36, 64, "56% (36/64)" },  { 17, 63, "27% (17/63)" }, { 25, 64, "39% (25/64)" },
    /* Exactly half: up, never to even (40/64 = 62.5%, Dorset prints 63%). */
    { 40, 64, "63% (40/64)" },  { 1, 200, "1% (1/200)" },  { 5, 200, "3% (5/200)" },
    { 1, 8, "13% (1/8)" },      { 0, 5, "0% (0/5)" },      { 5, 5, "100% (5/5)" },
    { 0, 0, "–% (0/0)" },
    /* Two seed figures cannot come from their own fractions under any one
     * rounding rule: Liverpool North prints "66% (51/78)" (51/78 = 65.4%) and
     * Cumbria "45% (25/61)" (25/61 = 41.0%). Sayso prints what the counts say. */
    { 51, 78, "65% (51/78)" },  { 25, 61, "41% (25/61)" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *got = sayso_figures_format_share (cases[i].n, cases[i].of);
      g_assert_cmpstr (got, ==, cases[i].want);
    }
  g_assert_cmpint (sayso_figures_percent (1, 3), ==, 33);
  g_assert_cmpint (sayso_figures_percent (2, 3), ==, 67);
  g_assert_cmpint (sayso_figures_percent (1, 0), ==, 0);
}

/* Wilson 95% intervals against values worked out independently (Wilson
 * 1927's formula in Python, and Newcombe 1998's table), the edges included. */
static void
test_wilson (void)
{
  static const struct { gint64 n, of; double low, high; const char *text; } cases[] = {
    { 7, 78, 0.044153, 0.173847, "4.4–17.4%" },
    { 40, 64, 0.502504, 0.733340, "50.3–73.3%" },
    { 20, 100, 0.133367, 0.288829, "13.3–28.9%" },
    { 1, 2, 0.094531, 0.905469, "9.5–90.5%" },
    /* Newcombe's examples 81/263 and 15/148. */
    { 81, 263, 0.2553, 0.3662, "25.5–36.6%" },
    { 15, 148, 0.0624, 0.1605, "6.2–16.0%" },
    /* The edges: never a point, never outside [0, 1]. */
    { 0, 10, 0.0, 0.277533, "0.0–27.8%" },
    { 10, 10, 0.722467, 1.0, "72.2–100.0%" },
    { 0, 1, 0.0, 0.793458, "0.0–79.3%" },
    { 0, 0, 0.0, 1.0, "0.0–100.0%" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      double low = -1, high = -1;
      g_autofree char *text = sayso_figures_format_interval (cases[i].n, cases[i].of);

      sayso_figures_wilson (cases[i].n, cases[i].of, &low, &high);
      g_assert_cmpfloat_with_epsilon (low, cases[i].low, 0.0001);
      g_assert_cmpfloat_with_epsilon (high, cases[i].high, 0.0001);
      g_assert_cmpfloat (low, >=, 0.0);
      g_assert_cmpfloat (high, <=, 1.0);
      g_assert_cmpfloat (low, <, high);
      g_assert_cmpstr (text, ==, cases[i].text);
    }

  /* Control: the plain Wald interval p ± 1.96 SE, which the Wilson replaces,
   * gives other figures for 7/78 (2.6–15.3%) and a point at 0/10; the cases
   * above would fail on it. */
  {
    double p = 7.0 / 78.0, se = sqrt (p * (1 - p) / 78.0), low, high;
    sayso_figures_wilson (7, 78, &low, &high);
    g_assert_cmpfloat (fabs ((p - 1.96 * se) - low), >, 0.01);
    g_assert_cmpfloat (fabs ((p + 1.96 * se) - high), >, 0.001);
  }
}

/* The pooled two-proportion z against values worked out by hand. */
static void
test_two_proportion (void)
{
  /* 20/100 against 40/100: pooled 0.3, SE sqrt(0.3 * 0.7 * 0.02) = 0.0648. */
  g_assert_cmpfloat_with_epsilon (sayso_figures_two_proportion_z (20, 100, 40, 100), -3.0861, 0.0001);
  g_assert_cmpfloat_with_epsilon (sayso_figures_two_proportion_z (40, 100, 20, 100), 3.0861, 0.0001);
  /* The same gap with ten times fewer people is no difference at 95%. */
  g_assert_cmpfloat (fabs (sayso_figures_two_proportion_z (2, 10, 4, 10)), <, SAYSO_FIGURES_Z_95);
  g_assert_cmpfloat (fabs (sayso_figures_two_proportion_z (20, 100, 40, 100)), >=, SAYSO_FIGURES_Z_95);
  /* Equal shares, empty groups, all or none: 0. */
  g_assert_cmpfloat (sayso_figures_two_proportion_z (40, 80, 80, 160), ==, 0.0);
  g_assert_cmpfloat (sayso_figures_two_proportion_z (0, 0, 5, 10), ==, 0.0);
  g_assert_cmpfloat (sayso_figures_two_proportion_z (10, 10, 20, 20), ==, 0.0);
  g_assert_cmpfloat (sayso_figures_two_proportion_z (0, 10, 0, 20), ==, 0.0);
}

/* How many had their say, by mode, at one site and over all. */
static void
test_totals (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(SaysoFigures) site = NULL;
  g_autoptr(SaysoFigures) all = NULL;

  build (f);
  site = compute (f, "North", NULL, NULL, 3);
  g_assert_cmpstr (sayso_figures_get_site (site), ==, "North");
  g_assert_true (sayso_figures_get_compared (site));
  g_assert_cmpint (sayso_figures_get_total (site), ==, 10);
  g_assert_cmpint (sayso_figures_get_by_mode (site, SAYSO_MODE_SELF), ==, 6);
  g_assert_cmpint (sayso_figures_get_by_mode (site, SAYSO_MODE_STAFF), ==, 3);
  g_assert_cmpint (sayso_figures_get_by_mode (site, SAYSO_MODE_PAPER), ==, 1);
  g_assert_cmpint (sayso_figures_get_all_total (site), ==, 15);
  g_assert_cmpint (sayso_figures_get_all_by_mode (site, SAYSO_MODE_SELF), ==, 11);
  g_assert_cmpuint (sayso_figures_get_n_questions (site), ==, sayso_questionnaire_get_n_questions (survey));
  g_assert_null (sayso_figures_lookup (site, "no_such_question"));

  /* Control: over all sites there is nothing beside the figures. */
  all = compute (f, NULL, NULL, NULL, 3);
  g_assert_null (sayso_figures_get_site (all));
  g_assert_false (sayso_figures_get_compared (all));
  g_assert_cmpint (sayso_figures_get_total (all), ==, 15);
  g_assert_cmpint (sayso_figures_get_by_mode (all, SAYSO_MODE_SELF), ==, 11);
  g_assert_cmpint (sayso_figures_get_all_total (all), ==, 0);
  g_assert_cmpint (question (all, "contact_officer")->all_answered, ==, 0);
}

/* N is who answered the question: a skipped question is not in it. */
static void
test_answered (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(SaysoFigures) figures = NULL;
  const SaysoFiguresQuestion *times, *contact;

  build (f);
  figures = compute (f, "North", NULL, NULL, 3);
  contact = question (figures, "contact_officer");
  times = question (figures, "appointment_times");

  g_assert_cmpint (times->kind, ==, SAYSO_FIGURES_LIKERT);
  g_assert_cmpint (times->answered, ==, 6);
  g_assert_cmpint (times->agree, ==, 3);
  g_assert_cmpint (times->agree_percent, ==, 50);
  g_assert_cmpint (option (times, "disagree")->count, ==, 3);
  g_assert_cmpint (option (times, "disagree")->percent, ==, 50);
  /* Control: everyone answered contact_officer, so its N is everyone; over
   * everyone, appointment_times' share would be 30%. */
  g_assert_cmpint (contact->answered, ==, sayso_figures_get_total (figures));
  g_assert_cmpint (sayso_figures_percent (times->agree, sayso_figures_get_total (figures)), ==, 30);
}

/* "Prefer not to say" is an answer: in N, and in the share who agree. */
static void
test_prefer_not_to_say (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(SaysoFigures) figures = NULL;
  const SaysoFiguresQuestion *contact;
  const SaysoFiguresOption *pnts;

  build (f);
  figures = compute (f, "North", NULL, NULL, 3);
  contact = question (figures, "contact_officer");
  pnts = option (contact, "prefer_not_to_say");

  g_assert_cmpint (contact->answered, ==, 10);
  g_assert_cmpint (pnts->count, ==, 3);
  g_assert_cmpint (pnts->percent, ==, 30);
  g_assert_cmpint (contact->agree, ==, 5);
  g_assert_cmpint (contact->agree_percent, ==, 50);
  g_assert_cmpint (option (contact, "strongly_agree")->count, ==, 3);
  g_assert_cmpint (option (contact, "agree")->count, ==, 2);
  g_assert_cmpint (option (contact, "neither")->count, ==, 1);
  g_assert_cmpint (option (contact, "disagree")->count, ==, 1);
  g_assert_cmpint (option (contact, "strongly_disagree")->count, ==, 0);
  /* Control: leaving "prefer not to say" out of N would print 71%. */
  g_assert_cmpint (sayso_figures_percent (contact->agree, contact->answered - pnts->count), ==, 71);
  /* A statement keeps the scale's order. */
  g_assert_false (contact->ranked);
  for (guint i = 0; i < contact->n_options; i++)
    g_assert_cmpuint (contact->options[i].index, ==, i);
}

/* A question hidden by an earlier answer is not counted, even where the
 * person answered it before changing the earlier answer. */
static void
test_conditions (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(SaysoFigures) figures = NULL;
  const SaysoFiguresQuestion *needed, *helped;

  build (f);
  figures = compute (f, "North", NULL, NULL, 3);
  needed = question (figures, "needed_services");
  helped = question (figures, "services_helped");

  g_assert_cmpint (needed->answered, ==, 8);
  g_assert_cmpint (option (needed, "yes")->count, ==, 4);
  g_assert_cmpint (option (needed, "no")->count, ==, 4);
  g_assert_cmpint (helped->answered, ==, 4);
  g_assert_cmpint (helped->answered, ==, option (needed, "yes")->count);
  g_assert_cmpint (helped->agree, ==, 2);
  g_assert_cmpint (helped->agree_percent, ==, 50);
  g_assert_cmpint (option (helped, "strongly_agree")->count, ==, 1);
  g_assert_cmpint (option (helped, "prefer_not_to_say")->count, ==, 1);
  /* Control: counting the two answers given before "no" would print 67% (4/6). */
  g_assert_cmpint (sayso_figures_percent (helped->agree + 2, helped->answered + 2), ==, 67);
}

/* A multiple choice: N is who picked anything, not the picks, so the shares
 * add up to more than 100%; categories ranked by count, ties in the
 * questionnaire's order. */
static void
test_multiple (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(SaysoFigures) figures = NULL;
  const SaysoFiguresQuestion *good;
  static const char * const order[] = { "travel", "reception", "appointments", "no_positives", "probation_officer",
                                        "communication" };
  gint64 picks = 0, percents = 0;

  build (f);
  figures = compute (f, "North", NULL, NULL, 3);
  good = question (figures, "what_good");

  g_assert_cmpint (good->kind, ==, SAYSO_FIGURES_CHOICE);
  g_assert_cmpint (good->answered, ==, 4);
  g_assert_cmpint (option (good, "travel")->count, ==, 3);
  g_assert_cmpint (option (good, "travel")->percent, ==, 75);
  g_assert_cmpint (option (good, "reception")->percent, ==, 50);
  g_assert_cmpint (option (good, "appointments")->percent, ==, 25);
  g_assert_cmpint (option (good, "no_positives")->percent, ==, 25);
  for (guint i = 0; i < good->n_options; i++)
    {
      picks += good->options[i].count;
      percents += good->options[i].percent;
    }
  g_assert_cmpint (percents, ==, 175);
  /* Control: over the 7 picks, travel would be 43%. */
  g_assert_cmpint (picks, ==, 7);
  g_assert_cmpint (sayso_figures_percent (option (good, "travel")->count, picks), ==, 43);

  g_assert_true (good->ranked);
  g_assert_cmpuint (good->n_options, ==, sayso_question_get_n_options (sayso_questionnaire_lookup_question (survey, "what_good")));
  for (guint i = 0; i < G_N_ELEMENTS (order); i++)
    g_assert_cmpstr (good->options[i].id, ==, order[i]);
  g_assert_cmpint (good->top, ==, 0);
  /* National average: over both sites' 9 who picked anything. */
  g_assert_cmpint (good->all_answered, ==, 9);
  g_assert_cmpint (option (good, "travel")->all_count, ==, 6);
  g_assert_cmpint (option (good, "travel")->all_percent, ==, 67);
}

/* A single choice: categories (many options) ranked, a scale kept in its
 * order; the most common answer; a tie goes to the one asked first. */
static void
test_single (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(SaysoFigures) figures = NULL;
  const SaysoFiguresQuestion *issue, *often, *where;

  build (f);
  figures = compute (f, "North", NULL, NULL, 3);
  issue = question (figures, "biggest_issue");
  often = question (figures, "how_often");
  where = question (figures, "face_or_remote");

  g_assert_true (issue->ranked);
  g_assert_cmpint (issue->answered, ==, 6);
  g_assert_cmpstr (issue->options[0].id, ==, "housing");
  g_assert_cmpstr (issue->options[1].id, ==, "travel");
  g_assert_cmpstr (issue->options[2].id, ==, "appointments");
  g_assert_cmpstr (issue->options[3].id, ==, "probation_officer");   /* the zeros in questionnaire order */
  g_assert_cmpint (issue->top, ==, 0);
  g_assert_cmpint (issue->options[issue->top].count, ==, 3);
  g_assert_cmpint (issue->options[issue->top].percent, ==, 50);

  /* Control: a scale of 7 is not ranked; its most common answer is
   * "monthly", the third. */
  g_assert_false (often->ranked);
  g_assert_cmpint (often->answered, ==, 5);
  for (guint i = 0; i < often->n_options; i++)
    g_assert_cmpuint (often->options[i].index, ==, i);
  g_assert_cmpstr (often->options[often->top].id, ==, "monthly");
  g_assert_cmpint (often->options[often->top].percent, ==, 60);
  g_assert_cmpint (option (often, "weekly")->percent, ==, 40);

  /* One each: the tie goes to face to face, asked before remote. */
  g_assert_cmpint (option (where, "face_to_face")->count, ==, 1);
  g_assert_cmpint (option (where, "remote")->count, ==, 1);
  g_assert_cmpstr (where->options[where->top].id, ==, "face_to_face");
}

/* Beside one site's figure, the same figure over all sites for the same days. */
static void
test_national_average (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(SaysoFigures) figures = NULL;
  g_autoptr(SaysoFigures) later = NULL;
  const SaysoFiguresQuestion *contact, *issue, *age;

  build (f);
  figures = compute (f, "North", NULL, NULL, 3);
  contact = question (figures, "contact_officer");
  issue = question (figures, "biggest_issue");
  age = question (figures, "age_band");

  g_assert_cmpint (contact->all_answered, ==, 15);
  g_assert_cmpint (contact->all_agree, ==, 10);
  g_assert_cmpint (contact->all_agree_percent, ==, 67);
  g_assert_cmpint (option (contact, "strongly_agree")->all_count, ==, 8);
  g_assert_cmpint (option (contact, "strongly_agree")->all_percent, ==, 53);
  g_assert_cmpint (issue->all_answered, ==, 11);
  g_assert_cmpint (option (issue, "travel")->all_count, ==, 7);
  g_assert_cmpint (option (issue, "travel")->all_percent, ==, 64);
  g_assert_cmpint (option (issue, "housing")->all_percent, ==, 27);
  /* Demographics have no national average. */
  g_assert_cmpint (age->all_answered, ==, 0);
  g_assert_cmpint (option (age, "18_24")->all_count, ==, 0);

  /* Control: from 10 May only North's last four answered, and the national
   * average is over those days too, not over everyone. */
  later = compute (f, "North", "2026-05-05", NULL, 3);
  contact = question (later, "contact_officer");
  g_assert_cmpint (sayso_figures_get_total (later), ==, 4);
  g_assert_cmpint (sayso_figures_get_all_total (later), ==, 4);
  g_assert_cmpint (contact->answered, ==, 4);
  g_assert_cmpint (contact->all_answered, ==, 4);
  g_assert_cmpint (contact->agree_percent, ==, 0);
  g_assert_cmpint (contact->all_agree_percent, ==, 0);
  /* No one answered: no most common answer, no share. */
  issue = question (later, "biggest_issue");
  g_assert_cmpint (issue->answered, ==, 0);
  g_assert_cmpint (issue->top, ==, -1);
  g_assert_cmpint (option (issue, "travel")->percent, ==, 0);
}

/* A demographic cell below the small number, but not empty, is hidden. */
static void
test_small_numbers (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(SaysoFigures) three = NULL;
  g_autoptr(SaysoFigures) five = NULL;
  g_autoptr(SaysoFigures) off = NULL;
  g_autoptr(SaysoFigures) all = NULL;
  const SaysoFiguresQuestion *age;
  static const struct { const char *id; gint64 count; gboolean at3, at5; } cells[] = {
    { "18_24", 1, TRUE, TRUE }, { "25_34", 2, TRUE, TRUE }, { "35_44", 3, FALSE, TRUE },
    { "45_54", 4, FALSE, TRUE }, { "55_64", 0, FALSE, FALSE },
  };

  build (f);
  three = compute (f, "North", NULL, NULL, 3);
  five = compute (f, "North", NULL, NULL, 5);
  off = compute (f, "North", NULL, NULL, 0);
  g_assert_cmpuint (sayso_figures_get_small_number (three), ==, 3);

  age = question (three, "age_band");
  g_assert_cmpint (age->kind, ==, SAYSO_FIGURES_DEMOGRAPHIC);
  g_assert_false (age->ranked);
  g_assert_cmpint (age->answered, ==, 10);
  for (guint i = 0; i < G_N_ELEMENTS (cells); i++)
    {
      g_assert_cmpint (option (age, cells[i].id)->count, ==, cells[i].count);
      g_assert_cmpint (option (age, cells[i].id)->hidden, ==, cells[i].at3);
      g_assert_cmpint (option (question (five, "age_band"), cells[i].id)->hidden, ==, cells[i].at5);
      /* Control: with small numbers off, nothing is hidden. */
      g_assert_false (option (question (off, "age_band"), cells[i].id)->hidden);
    }
  /* Control: over all sites 18-24 has 6, and shows. */
  all = compute (f, NULL, NULL, NULL, 3);
  g_assert_cmpint (option (question (all, "age_band"), "18_24")->count, ==, 6);
  g_assert_false (option (question (all, "age_band"), "18_24")->hidden);
  /* Only demographics hide: one person's answer elsewhere is a figure. */
  g_assert_cmpint (option (question (three, "biggest_issue"), "appointments")->count, ==, 1);
  g_assert_false (option (question (three, "biggest_issue"), "appointments")->hidden);
}

/* The free-text answers of the report's site, for choosing quotes. */
static void
test_quotes (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(SaysoFigures) site = NULL;
  g_autoptr(SaysoFigures) all = NULL;
  const SaysoFiguresQuestion *solutions;
  g_autoptr(GPtrArray) texts = g_ptr_array_new ();

  build (f);
  site = compute (f, "North", NULL, NULL, 3);
  solutions = question (site, "solutions");
  g_assert_cmpint (solutions->kind, ==, SAYSO_FIGURES_TEXT);
  g_assert_cmpint (solutions->n_texts, ==, 3);
  g_assert_cmpuint (solutions->quotes->len, ==, 3);
  for (guint i = 0; i < solutions->quotes->len; i++)
    {
      SaysoFiguresQuote *quote = g_ptr_array_index (solutions->quotes, i);
      g_assert_cmpstr (quote->site, ==, "North");
      g_ptr_array_add (texts, quote->text);
    }
  g_assert_true (g_ptr_array_find_with_equal_func (texts, "Closer offices, please.", g_str_equal, NULL));
  g_assert_true (g_ptr_array_find_with_equal_func (texts, "Texts I can read.", g_str_equal, NULL));
  g_assert_false (g_ptr_array_find_with_equal_func (texts, "Nothing to add.", g_str_equal, NULL));
  g_assert_cmpint (question (site, "induction")->n_texts, ==, 0);

  /* Control: over all sites South's answer is there too. */
  all = compute (f, NULL, NULL, NULL, 3);
  g_assert_cmpint (question (all, "solutions")->n_texts, ==, 4);
}

/* The HTML and PDF list the first SAYSO_FIGURES_MAX_QUOTES answers of a
 * question, and say how many there are; the control, a question with exactly
 * that many, lists them all. */
static void
test_quotes_cap (Fixture       *f,
                 gconstpointer  data)
{
  guint n = SAYSO_FIGURES_MAX_QUOTES + 5;
  g_autofree Person *people = g_new0 (Person, n);
  g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(SaysoFigures) figures = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = g_build_filename (f->dir, "quotes.html", NULL);
  SaysoReportOptions options = { .format = SAYSO_REPORT_HTML, .out = out, .small_number = 3,
                                 .all_quotes = TRUE };   /* the appendix lists them */
  g_autofree char *html = NULL;
  guint blockquotes = 0;

  for (guint i = 0; i < n; i++)
    {
      people[i].day = "2026-06-01";
      people[i].mode = SAYSO_MODE_SELF;
      g_ptr_array_add (texts, g_strdup_printf ("solutions=Idea %u.", i));
      people[i].answers[0] = g_ptr_array_index (texts, texts->len - 1);
      if (i < SAYSO_FIGURES_MAX_QUOTES)
        {
          g_ptr_array_add (texts, g_strdup_printf ("anything_else=Thought %u.", i));
          people[i].answers[1] = g_ptr_array_index (texts, texts->len - 1);
        }
    }
  kiosk (f, "Busy", people, n);

  figures = compute (f, NULL, NULL, NULL, 3);
  g_assert_cmpint (question (figures, "solutions")->n_texts, ==, n);
  g_assert_cmpuint (question (figures, "solutions")->quotes->len, ==, SAYSO_FIGURES_MAX_QUOTES);
  g_assert_cmpint (question (figures, "anything_else")->n_texts, ==, SAYSO_FIGURES_MAX_QUOTES);
  g_assert_cmpuint (question (figures, "anything_else")->quotes->len, ==, SAYSO_FIGURES_MAX_QUOTES);

  /* What a reader sees. */
  g_assert_true (sayso_report_write (f->db, survey, &options, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (out, &html, NULL, NULL));
  g_assert_nonnull (strstr (html, "1005 answers; the first 1000 are listed here, all of them are in the CSV export."));
  g_assert_nonnull (strstr (html, "<p class=\"note\">1000 answers.</p>"));
  for (const char *p = html; (p = strstr (p, "<blockquote>")); p++)
    blockquotes++;
  g_assert_cmpuint (blockquotes, ==, 2 * SAYSO_FIGURES_MAX_QUOTES);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  sayso_init ();
  survey = sayso_questionnaire_new_default ();

  g_test_add_func ("/figures/share", test_share);
  g_test_add_func ("/figures/wilson", test_wilson);
  g_test_add_func ("/figures/two-proportion", test_two_proportion);
  g_test_add ("/figures/totals", Fixture, NULL, fixture_setup, test_totals, fixture_teardown);
  g_test_add ("/figures/answered", Fixture, NULL, fixture_setup, test_answered, fixture_teardown);
  g_test_add ("/figures/prefer-not-to-say", Fixture, NULL, fixture_setup, test_prefer_not_to_say, fixture_teardown);
  g_test_add ("/figures/conditions", Fixture, NULL, fixture_setup, test_conditions, fixture_teardown);
  g_test_add ("/figures/multiple", Fixture, NULL, fixture_setup, test_multiple, fixture_teardown);
  g_test_add ("/figures/single", Fixture, NULL, fixture_setup, test_single, fixture_teardown);
  g_test_add ("/figures/national-average", Fixture, NULL, fixture_setup, test_national_average, fixture_teardown);
  g_test_add ("/figures/small-numbers", Fixture, NULL, fixture_setup, test_small_numbers, fixture_teardown);
  g_test_add ("/figures/quotes", Fixture, NULL, fixture_setup, test_quotes, fixture_teardown);
  g_test_add ("/figures/quotes-cap", Fixture, NULL, fixture_setup, test_quotes_cap, fixture_teardown);

  status = g_test_run ();
  g_object_unref (survey);
  return status;
}
