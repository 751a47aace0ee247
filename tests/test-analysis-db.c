/* test-analysis-db: the analysts' counters. Within a transaction they are
 * tallied in memory; what a report reads must not depend on when they were
 * written, and a rolled-back bundle must leave no count behind. */
#define G_LOG_DOMAIN "test-analysis-db"

#include <glib/gstdio.h>
#include <string.h>

#include "sayso-analysis-db.h"
#include "sayso-db.h"
#include "sayso-test-utils.h"

typedef struct
{
  char            *dir;
  SaysoAnalysisDb *db;
  guint8           kiosk[32];
  guint            next_id;
} Fixture;

static void
setup (Fixture       *f,
       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  f->dir = test_make_tmp_dir ();
  path = g_build_filename (f->dir, "analysis.db", NULL);
  f->db = sayso_analysis_db_open (path, TRUE, &error);
  g_assert_no_error (error);
  memset (f->kiosk, 7, sizeof f->kiosk);
}

static void
teardown (Fixture       *f,
          gconstpointer  data)
{
  g_clear_pointer (&f->db, sayso_analysis_db_close);
  test_remove_tree (f->dir);
  g_free (f->dir);
}

/* Adds a response with the given id number and record bytes (the hash is
 * made from them); returns what became of it. */
static SaysoAnalysisRecordState
add_record (Fixture            *f,
            guint               id_number,
            guint               bytes,
            const char         *site,
            const char         *day,
            const char * const *triples)
{
  g_autoptr(GError) error = NULL;
  guint8 id[16] = { 0 }, hash[32] = { 0 };
  SaysoAnalysisRecordState state = SAYSO_ANALYSIS_RECORD_CONFLICT;

  memcpy (id, &id_number, sizeof id_number);
  memcpy (hash, &bytes, sizeof bytes);
  g_assert_true (sayso_analysis_db_add_response (f->db, id, f->kiosk, hash, 1, "demo", 1, day, "self", site, "en",
                                                 "{}", triples, &state, &error));
  g_assert_no_error (error);
  return state;
}

/* Adds a response with the given id number; returns whether it was new. */
static gboolean
add (Fixture            *f,
     guint               id_number,
     const char         *site,
     const char         *day,
     const char * const *triples)
{
  SaysoAnalysisRecordState state = add_record (f, id_number, id_number, site, day, triples);

  g_assert_true (state == SAYSO_ANALYSIS_RECORD_ADDED || state == SAYSO_ANALYSIS_RECORD_SAME);
  return state == SAYSO_ANALYSIS_RECORD_ADDED;
}

static gint64
count (Fixture    *f,
       const char *site,
       const char *question,
       const char *value,
       gint64     *answered)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) counts = NULL;
  SaysoAnalysisFilter filter = { .site = site };
  gint64 *n;

  g_assert_true (sayso_analysis_db_count_answers (f->db, &filter, question, &counts, answered, &error));
  g_assert_no_error (error);
  n = g_hash_table_lookup (counts, value);
  return n ? *n : 0;
}

static const char * const agree[] = { "contact", "agree", "c", "issue", "housing", "c", "issue", "money", "c",
                                      "better", "More evening appointments", "t", NULL };
static const char * const disagree[] = { "contact", "disagree", "c", NULL };

/* Counts are the same whether read inside the transaction that added them,
 * after it committed, or after responses added with no transaction at all. */
static void
test_counts_in_and_out_of_transactions (Fixture       *f,
                                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gint64 answered = 0;

  g_assert_true (sayso_analysis_db_begin (f->db, &error));
  for (guint i = 0; i < 30; i++)
    g_assert_true (add (f, i, i % 3 ? "Leeds" : "Dorset", i < 15 ? "2026-11-02" : "2026-11-03", i % 2 ? disagree : agree));

  /* Read inside the transaction. */
  g_assert_cmpint (count (f, NULL, "contact", "agree", &answered), ==, 15);
  g_assert_cmpint (answered, ==, 30);
  g_assert_cmpint (count (f, "Dorset", "contact", "agree", &answered), ==, 5);
  g_assert_cmpint (answered, ==, 10);

  /* More after the read, then the commit. */
  for (guint i = 30; i < 40; i++)
    g_assert_true (add (f, i, "Leeds", "2026-11-03", agree));
  g_assert_true (sayso_analysis_db_commit (f->db, &error));
  g_assert_no_error (error);

  g_assert_cmpint (count (f, NULL, "contact", "agree", &answered), ==, 25);
  g_assert_cmpint (answered, ==, 40);
  /* A multiple choice: one answered per response, one count per option. */
  g_assert_cmpint (count (f, NULL, "issue", "housing", &answered), ==, 25);
  g_assert_cmpint (count (f, NULL, "issue", "money", &answered), ==, 25);
  g_assert_cmpint (answered, ==, 25);

  /* No transaction: counted at once. */
  g_assert_true (add (f, 100, "Leeds", "2026-11-04", disagree));
  g_assert_cmpint (count (f, "Leeds", "contact", "disagree", &answered), ==, 11);

  /* A response already imported is counted once, in or out of a transaction. */
  g_assert_false (add (f, 100, "Leeds", "2026-11-04", disagree));
  g_assert_true (sayso_analysis_db_begin (f->db, &error));
  g_assert_false (add (f, 3, "Leeds", "2026-11-02", disagree));
  g_assert_true (sayso_analysis_db_commit (f->db, &error));
  g_assert_cmpint (count (f, NULL, "contact", "disagree", &answered), ==, 16);
  g_assert_cmpint (answered, ==, 41);
}

/* A bundle that fails half way leaves no count behind, and the next bundle's
 * counts start from what was committed. */
static void
test_rollback_forgets_tallies (Fixture       *f,
                               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gint64 answered = 0;

  g_assert_true (sayso_analysis_db_begin (f->db, &error));
  g_assert_true (add (f, 1, "Leeds", "2026-11-02", agree));
  g_assert_true (sayso_analysis_db_commit (f->db, &error));

  g_assert_true (sayso_analysis_db_begin (f->db, &error));
  for (guint i = 2; i < 12; i++)
    g_assert_true (add (f, i, "Leeds", "2026-11-02", agree));
  sayso_analysis_db_rollback (f->db);

  g_assert_cmpint (count (f, NULL, "contact", "agree", &answered), ==, 1);
  g_assert_cmpint (answered, ==, 1);

  g_assert_true (sayso_analysis_db_begin (f->db, &error));
  g_assert_true (add (f, 2, "Leeds", "2026-11-02", agree));
  g_assert_true (sayso_analysis_db_commit (f->db, &error));
  g_assert_no_error (error);
  g_assert_cmpint (count (f, NULL, "contact", "agree", &answered), ==, 2);
  g_assert_cmpint (answered, ==, 2);
}

/* Sites are free text from enrolment: ones that share a prefix, or hold the
 * characters a key might be built with, are still counted apart. */
static void
test_sites_apart (Fixture       *f,
                  gconstpointer  data)
{
  static const char * const sites[] = { "Leeds", "Leeds\0372026-11-02", "Leeds 2", "", "Caerdydd — Cardiff" };
  g_autoptr(GError) error = NULL;
  gint64 answered = 0;

  g_assert_true (sayso_analysis_db_begin (f->db, &error));
  for (guint i = 0; i < G_N_ELEMENTS (sites); i++)
    for (guint j = 0; j <= i; j++)
      g_assert_true (add (f, 10 * i + j, sites[i], "2026-11-02", agree));
  g_assert_true (sayso_analysis_db_commit (f->db, &error));

  for (guint i = 0; i < G_N_ELEMENTS (sites); i++)
    {
      g_assert_cmpint (count (f, sites[i], "contact", "agree", &answered), ==, i + 1);
      g_assert_cmpint (answered, ==, i + 1);
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/analysis-db/counts-in-and-out-of-transactions", Fixture, NULL, setup,
              test_counts_in_and_out_of_transactions, teardown);
  g_test_add ("/analysis-db/rollback-forgets-tallies", Fixture, NULL, setup, test_rollback_forgets_tallies, teardown);
  g_test_add ("/analysis-db/sites-apart", Fixture, NULL, setup, test_sites_apart, teardown);

  return g_test_run ();
}
