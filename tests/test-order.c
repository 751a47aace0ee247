/* The store's promise that nothing in its files orders the responses, tried
 * as an attacker holding the analysts' key and a copy of the kiosk's disk
 * would: every record is opened (its answers say when it came), every place
 * its bytes lie is found (each piece of the ciphertext, its id, its hash, in
 * the store, its -wal and -shm, and the bundles), and the rank correlation
 * between arrival and each of those places must be that of chance. The
 * negative controls run the same measurement over layouts that do follow
 * arrival: the slots filled in turn, the WAL left to SQLite, and the table of
 * 12 KiB rows that store schemas 3 to 6 kept. */
#include <glib/gstdio.h>
#include <math.h>
#include <signal.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sayso-db-private.h"
#include "sayso-export.h"
#include "sayso-process.h"
#include "sayso-store-private.h"
#include "sayso-test-utils.h"

/* |tau| of n independent ranks has a standard deviation of about
 * sqrt(2(2n+5) / 9n(n-1)): 0.047 at n = 200, 0.033 at n = 400. Chance stays
 * under 0.15 at n = 200 (3.2 sigma) and is further inside at the sizes here. */
#define CHANCE_TAU 0.15
#define FOLLOWS_TAU 0.5

#define PIECE_SIZE 16
#define PIECE_STEP 1024

static SaysoQuestionnaire *survey;

/* One record as the attacker knows it: when it came (from its answers, once
 * opened), and its bytes. */
typedef struct
{
  guint   arrival;
  GBytes *id;
  GBytes *hash;
  GBytes *sealed;
} Known;

static void
known_clear (Known *k)
{
  g_clear_pointer (&k->id, g_bytes_unref);
  g_clear_pointer (&k->hash, g_bytes_unref);
  g_clear_pointer (&k->sealed, g_bytes_unref);
}

static SaysoResponse *
arriving (guint arrival)
{
  SaysoResponse *r = sayso_response_new (survey, "en");
  g_autofree char *tag = g_strdup_printf ("arrival-%u", arrival);
  g_autoptr(GError) error = NULL;

  g_assert_true (sayso_response_set_choice (r, "contact_officer", arrival % 3 ? "agree" : "disagree", &error));
  g_assert_true (sayso_response_set_text (r, "solutions", tag, &error));
  g_assert_no_error (error);
  return r;
}

static void
submit_one_at_a_time (SaysoStore *store,
                      guint      *next,
                      guint       n)
{
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SaysoResponse) r = arriving ((*next)++);
      g_autoptr(GError) error = NULL;

      g_assert_true (sayso_store_submit (store, r, SAYSO_MODE_SELF, &error));
      g_assert_no_error (error);
    }
}

static guint
arrival_of (GBytes       *sealed,
            const guint8 *sk)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) plain = sayso_unseal (sk, sealed, &error);
  g_autoptr(SaysoRecord) record = NULL;
  const char *tag;

  g_assert_no_error (error);
  record = sayso_record_decode (plain, &error);
  g_assert_no_error (error);
  tag = json_object_get_string_member (json_node_get_object (record->answers), "solutions");
  g_assert_true (g_str_has_prefix (tag, "arrival-"));
  return (guint) g_ascii_strtoull (tag + strlen ("arrival-"), NULL, 10);
}

/* Opens every record of a store file with the key, through SQLite alone. */
static GArray *
open_store_file (const char   *path,
                 const guint8 *sk)
{
  GArray *all = g_array_new (FALSE, TRUE, sizeof (Known));
  sqlite3 *db;
  sqlite3_stmt *stmt;

  g_array_set_clear_func (all, (GDestroyNotify) known_clear);
  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT r.id, r.hash, s.sealed FROM responses r JOIN slots s ON s.key = r.slot",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      Known k = { 0 };

      k.id = g_bytes_new (sqlite3_column_blob (stmt, 0), sqlite3_column_bytes (stmt, 0));
      k.hash = g_bytes_new (sqlite3_column_blob (stmt, 1), sqlite3_column_bytes (stmt, 1));
      k.sealed = g_bytes_new (sqlite3_column_blob (stmt, 2), sqlite3_column_bytes (stmt, 2));
      k.arrival = arrival_of (k.sealed, sk);
      g_array_append_val (all, k);
    }
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return all;
}

/* What is looked for: 16-byte pieces of each record, numbered per record
 * (0-12 the ciphertext every kilobyte, 13 its id, 14 its hash). */
#define PIECE_ID   13
#define PIECE_HASH 14
#define N_PIECES   15

typedef struct
{
  guint  record;
  guint  piece;
  guint8 bytes[PIECE_SIZE];
} Piece;

/* Where each piece of each record was found in one file: offsets[record][piece]
 * is a list of every offset (a piece may lie in several places). */
typedef struct
{
  guint    n_records;
  GArray **offsets;   /* n_records * N_PIECES arrays of gint64 */
} Found;

static void
found_free (Found *found)
{
  for (guint i = 0; i < found->n_records * N_PIECES; i++)
    g_array_unref (found->offsets[i]);
  g_free (found->offsets);
  g_free (found);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Found, found_free)

static GArray *
found_at (Found *found,
          guint  record,
          guint  piece)
{
  return found->offsets[record * N_PIECES + piece];
}

static guint64
first_word (const guint8 *bytes)
{
  guint64 w;

  memcpy (&w, bytes, sizeof w);
  return w;
}

/* One pass over the file: every offset's first eight bytes are looked up
 * among the pieces' first eight, then compared in full. */
static Found *
find_pieces (GArray     *records,
             const char *path)
{
  g_autoptr(GHashTable) by_word = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                                         (GDestroyNotify) g_ptr_array_unref);
  g_autoptr(GArray) pieces = g_array_new (FALSE, FALSE, sizeof (Piece));
  g_autofree char *contents = NULL;
  Found *found = g_new0 (Found, 1);
  gsize length = 0;

  found->n_records = records->len;
  found->offsets = g_new0 (GArray *, records->len * N_PIECES);
  for (guint i = 0; i < records->len * N_PIECES; i++)
    found->offsets[i] = g_array_new (FALSE, FALSE, sizeof (gint64));

  for (guint i = 0; i < records->len; i++)
    {
      Known *k = &g_array_index (records, Known, i);
      gsize size;
      const guint8 *sealed = g_bytes_get_data (k->sealed, &size);

      for (guint p = 0; p < N_PIECES; p++)
        {
          Piece piece = { i, p, { 0 } };

          if (p == PIECE_ID)
            memcpy (piece.bytes, g_bytes_get_data (k->id, NULL), PIECE_SIZE);
          else if (p == PIECE_HASH)
            memcpy (piece.bytes, g_bytes_get_data (k->hash, NULL), PIECE_SIZE);
          else
            {
              g_assert_cmpuint (p * PIECE_STEP + PIECE_SIZE, <=, size);
              memcpy (piece.bytes, sealed + p * PIECE_STEP, PIECE_SIZE);
            }
          g_array_append_val (pieces, piece);
        }
    }
  for (guint i = 0; i < pieces->len; i++)
    {
      Piece *piece = &g_array_index (pieces, Piece, i);
      guint64 word = first_word (piece->bytes);
      GPtrArray *list = g_hash_table_lookup (by_word, &word);

      if (list == NULL)
        {
          list = g_ptr_array_new ();
          g_hash_table_insert (by_word, g_memdup2 (&word, sizeof word), list);
        }
      g_ptr_array_add (list, piece);
    }

  if (!g_file_get_contents (path, &contents, &length, NULL))
    return found;   /* no such file: nothing of anyone in it */

  for (gsize off = 0; off + PIECE_SIZE <= length; off++)
    {
      guint64 word = first_word ((const guint8 *) contents + off);
      GPtrArray *list = g_hash_table_lookup (by_word, &word);

      for (guint i = 0; list != NULL && i < list->len; i++)
        {
          Piece *piece = g_ptr_array_index (list, i);
          if (memcmp (piece->bytes, contents + off, PIECE_SIZE) == 0)
            {
              gint64 where = (gint64) off;
              g_array_append_val (found_at (found, piece->record, piece->piece), where);
            }
        }
    }
  return found;
}

static double
kendall_tau (const double *x,
             const double *y,
             guint         n)
{
  gint64 concordant = 0, discordant = 0;

  for (guint i = 0; i < n; i++)
    for (guint j = i + 1; j < n; j++)
      {
        double s = (x[i] - x[j]) * (y[i] - y[j]);
        concordant += s > 0;
        discordant += s < 0;
      }
  return n < 2 ? 0.0 : (double) (concordant - discordant) / ((double) n * (n - 1) / 2.0);
}

typedef enum
{
  AT_FIRST,
  AT_LAST,
  AT_MEAN,
} Summary;

/* Tau between arrival and one summary of where one piece lies, over the
 * records in which it was found at all; -2 when fewer than 20 were. */
static double
tau_of (GArray  *records,
        Found   *found,
        guint    piece,
        Summary  summary,
        guint   *n_found)
{
  g_autoptr(GArray) x = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) y = g_array_new (FALSE, FALSE, sizeof (double));

  for (guint i = 0; i < records->len; i++)
    {
      GArray *at = found_at (found, i, piece);
      double arrival = g_array_index (records, Known, i).arrival, where = 0;

      if (at->len == 0)
        continue;
      for (guint j = 0; j < at->len; j++)
        {
          double o = (double) g_array_index (at, gint64, j);
          if (summary == AT_MEAN)
            where += o / at->len;
          else if (j == 0 || (summary == AT_FIRST ? o < where : o > where))
            where = o;
        }
      g_array_append_val (x, arrival);
      g_array_append_val (y, where);
    }
  *n_found = x->len;
  if (x->len < 20)
    return -2;
  return kendall_tau ((double *) x->data, (double *) y->data, x->len);
}

/* The largest |tau| over every piece and summary in one file; how many
 * records any piece was found in goes to *most_found. */
static double
worst_tau (GArray     *records,
           const char *path,
           guint      *most_found)
{
  g_autoptr(Found) found = find_pieces (records, path);
  double worst = 0;

  *most_found = 0;
  for (guint piece = 0; piece < N_PIECES; piece++)
    for (Summary s = AT_FIRST; s <= AT_MEAN; s++)
      {
        guint n = 0;
        double tau = tau_of (records, found, piece, s, &n);

        *most_found = MAX (*most_found, n);
        if (tau > -2 && fabs (tau) > fabs (worst))
          worst = tau;
      }
  return worst;
}

/* Tau between arrival and the place within a page, over pairs of records
 * with a piece on the same 4 KiB page (the first such place of each): what
 * SQLite's cell layout inside a page can tell. Records arriving before
 * `from` are left out. */
static double
within_page_tau (GArray *records,
                 Found  *found,
                 guint   piece,
                 guint   from,
                 guint  *n_pairs)
{
  gint64 concordant = 0, discordant = 0;

  for (guint i = 0; i < records->len; i++)
    for (guint j = i + 1; j < records->len; j++)
      {
        GArray *a = found_at (found, i, piece), *b = found_at (found, j, piece);
        guint ai = g_array_index (records, Known, i).arrival, aj = g_array_index (records, Known, j).arrival;
        gboolean done = FALSE;

        if (ai < from || aj < from)
          continue;
        for (guint x = 0; x < a->len && !done; x++)
          for (guint y = 0; y < b->len && !done; y++)
            {
              gint64 oa = g_array_index (a, gint64, x), ob = g_array_index (b, gint64, y);

              if (oa / 4096 != ob / 4096)
                continue;
              concordant += (oa - ob) * ((gint64) ai - (gint64) aj) > 0;
              discordant += (oa - ob) * ((gint64) ai - (gint64) aj) < 0;
              done = TRUE;
            }
      }
  *n_pairs = (guint) (concordant + discordant);
  return *n_pairs == 0 ? 0.0 : (double) (concordant - discordant) / (double) *n_pairs;
}

/* The largest |within-page tau| of a record's id and hash, the pieces in
 * the small-row B-trees whose cells SQLite lays as they come (a slot's
 * place in its page is fixed when the pool is made), where 100 pairs or
 * more share pages. */
static double
worst_within_page_tau (GArray     *records,
                       const char *path,
                       guint       from,
                       guint      *most_pairs)
{
  g_autoptr(Found) found = find_pieces (records, path);
  double worst = 0;

  *most_pairs = 0;
  for (guint piece = PIECE_ID; piece <= PIECE_HASH; piece++)
    {
      guint n = 0;
      double tau = within_page_tau (records, found, piece, from, &n);

      *most_pairs = MAX (*most_pairs, n);
      if (n >= 100 && fabs (tau) > fabs (worst))
        worst = tau;
    }
  return worst;
}

/* A copy of the store's files as they are on the disk now, the store still
 * open (closing would checkpoint and delete the -wal and -shm). */
static void
copy_files (const char *store_path,
            const char *to)
{
  for (const char * const *suffix = (const char * const []) { "", "-wal", "-shm", NULL }; *suffix; suffix++)
    {
      g_autofree char *from_file = g_strconcat (store_path, *suffix, NULL);
      g_autofree char *to_file = g_strconcat (to, *suffix, NULL);
      g_autofree char *contents = NULL;
      gsize length = 0;

      g_unlink (to_file);
      if (g_file_get_contents (from_file, &contents, &length, NULL))
        g_assert_true (g_file_set_contents (to_file, contents, length, NULL));
    }
}

static char *
sibling (const char *path,
         const char *suffix)
{
  return g_strconcat (path, suffix, NULL);
}

static void
assert_wal_index_empty (const char *store_path)
{
  g_autofree char *shm = sibling (store_path, "-shm");
  g_autofree char *contents = NULL;
  gsize length = 0;

  if (!g_file_get_contents (shm, &contents, &length, NULL))
    return;
  /* Past the 136-byte header, every block's page numbers and hash table. */
  for (gsize i = 136; i < length; i++)
    g_assert_cmpint (contents[i], ==, 0);
}

/* The page numbers the wal-index lists for the frames of its first block. */
static GArray *
wal_index_pages (const char *store_path)
{
  g_autofree char *shm = sibling (store_path, "-shm");
  g_autofree char *contents = NULL;
  GArray *pages = g_array_new (FALSE, FALSE, sizeof (guint32));
  gsize length = 0;

  if (!g_file_get_contents (shm, &contents, &length, NULL))
    return pages;
  /* Each 32 KiB block: its page numbers, then its hash table; the first
   * block's numbers start after the 136-byte header. */
  for (gsize block = 0; block * 32768 < length; block++)
    for (gsize off = block * 32768 + (block == 0 ? 136 : 0); off + 4 <= MIN (length, block * 32768 + 16384); off += 4)
      {
        guint32 page;

        memcpy (&page, contents + off, sizeof page);
        if (page != 0)
          g_array_append_val (pages, page);
      }
  return pages;
}

/* How many of these records have a piece of their ciphertext past its
 * first kilobyte in the file. (A page a response was written to also holds
 * its neighbours' beginnings, ids and hashes: neighbours by slot or by
 * random id, not by time. The rest of a record is on pages of its own.) */
static guint
records_in (GArray     *records,
            const char *path)
{
  g_autoptr(Found) found = find_pieces (records, path);
  guint n = 0;

  for (guint i = 0; i < records->len; i++)
    for (guint p = 1; p < PIECE_ID; p++)
      if (found_at (found, i, p)->len > 0)
        {
          n++;
          break;
        }
  return n;
}

static void
drain (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static char *
only_bundle_in (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name = d ? g_dir_read_name (d) : NULL;

  g_assert_nonnull (name);
  g_assert_null (g_dir_read_name (d));
  return g_build_filename (dir, name, NULL);
}

/* Submits in a child that is killed while it goes on submitting: a crash at
 * whatever point of a submit the signal finds it. */
static void
crash_while_submitting (const char *path,
                        const char *image,
                        guint      *next)
{
  int fds[2];
  pid_t pid;
  int status;
  guint acked = 0;
  char c;

  g_assert_cmpint (pipe (fds), ==, 0);
  pid = fork ();
  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    {
      g_autoptr(SaysoStore) store = sayso_store_open (path, NULL);

      close (fds[0]);
      if (store == NULL)
        _exit (3);
      for (guint i = *next;; i++)
        {
          g_autoptr(SaysoResponse) r = arriving (i);
          if (!sayso_store_submit (store, r, SAYSO_MODE_SELF, NULL) || write (fds[1], "+", 1) != 1)
            _exit (4);
        }
    }
  close (fds[1]);
  while (acked < 40 && read (fds[0], &c, 1) == 1)
    acked++;
  /* A little into the next submit. */
  g_usleep (g_random_int_range (0, 3000));
  kill (pid, SIGKILL);
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_assert_true (WIFSIGNALED (status));
  /* The disk as the crash left it, before anyone opens the store again. */
  copy_files (path, image);
  while (read (fds[0], &c, 1) == 1)
    acked++;
  close (fds[0]);
  g_assert_cmpuint (acked, >=, 40);
  /* The next arrivals after whatever the child stored, acknowledged or not. */
  *next += acked + 2;
}

/* Submits, a restart, an export, a purge that frees every slot, a crash in
 * the middle of submitting, more submits and another export: at the end,
 * neither the store's files nor the bundles order the records. */
static void
test_nothing_orders_records (TestStore     *f,
                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) first = NULL;
  g_autoptr(GArray) last = NULL;
  g_autofree char *stick1 = g_build_filename (f->dir, "stick1", NULL);
  g_autofree char *stick2 = g_build_filename (f->dir, "stick2", NULL);
  g_autofree char *bundle1 = NULL;
  g_autofree char *bundle2 = NULL;
  g_autofree char *image = g_build_filename (f->dir, "image.db", NULL);
  g_autofree char *image_wal = sibling (image, "-wal");
  g_autofree char *crashed = g_build_filename (f->dir, "crashed.db", NULL);
  g_autofree char *crashed_wal = sibling (crashed, "-wal");
  g_auto(SaysoExportResult) result = { 0 };
  gint64 purged = 0;
  guint next = 0, n;
  double tau;

  g_assert_cmpint (g_mkdir (stick1, 0700), ==, 0);
  g_assert_cmpint (g_mkdir (stick2, 0700), ==, 0);

  submit_one_at_a_time (f->store, &next, 200);
  g_clear_object (&f->store);
  f->store = sayso_store_open (f->path, &error);
  g_assert_no_error (error);
  submit_one_at_a_time (f->store, &next, 100);

  /* The first bundle, of the first 300. */
  g_assert_true (sayso_store_export (f->store, stick1, SAYSO_EXPORT_DEFAULT, &result, &error));
  g_assert_no_error (error);
  g_assert_cmpint (result.records, ==, 300);
  sayso_export_result_clear (&result);
  first = open_store_file (f->path, f->sk);
  g_assert_cmpuint (first->len, ==, 300);
  bundle1 = only_bundle_in (stick1);
  tau = worst_tau (first, bundle1, &n);
  g_test_message ("bundle 1: worst |tau| %.3f over %u records", fabs (tau), n);
  g_assert_cmpuint (n, ==, 300);
  g_assert_cmpfloat (fabs (tau), <, CHANCE_TAU);

  /* Every slot freed, then filled again by later arrivals. */
  g_assert_true (sayso_db_purge_exported (_sayso_store_get_db (f->store), "9999-12-31", &purged, &error));
  g_assert_no_error (error);
  g_assert_cmpint (purged, ==, 300);
  g_clear_object (&f->store);

  crash_while_submitting (f->path, crashed, &next);
  f->store = sayso_store_open (f->path, &error);
  g_assert_no_error (error);
  submit_one_at_a_time (f->store, &next, 360);
  g_assert_true (sayso_store_export (f->store, stick2, SAYSO_EXPORT_DEFAULT, &result, &error));
  g_assert_no_error (error);
  sayso_export_result_clear (&result);
  /* The disk as a thief would copy it, the kiosk still running. */
  copy_files (f->path, image);
  g_clear_object (&f->store);

  last = open_store_file (f->path, f->sk);
  g_assert_cmpuint (last->len, >=, 400);

  tau = worst_tau (last, image, &n);
  g_test_message ("store: worst |tau| %.3f over %u records", fabs (tau), n);
  g_assert_cmpuint (n, ==, last->len);   /* every record was found, so the measure saw them */
  g_assert_cmpfloat (fabs (tau), <, CHANCE_TAU);
  /* Within each page, where a cell lies against where its neighbours do. */
  tau = worst_within_page_tau (last, image, 0, &n);
  g_test_message ("store: worst |tau| within pages %.3f over %u pairs", fabs (tau), n);
  g_assert_cmpuint (n, >=, 10000);
  g_assert_cmpfloat (fabs (tau), <, CHANCE_TAU);

  /* After the crash, the WAL held one response at most. */
  g_assert_cmpuint (records_in (last, crashed_wal), <=, 1);

  bundle2 = only_bundle_in (stick2);
  tau = worst_tau (last, bundle2, &n);
  g_test_message ("bundle 2: worst |tau| %.3f over %u records", fabs (tau), n);
  g_assert_cmpuint (n, ==, last->len);
  g_assert_cmpfloat (fabs (tau), <, CHANCE_TAU);

  /* The WAL held nothing of anyone, and the wal-index no page numbers. */
  tau = worst_tau (last, image_wal, &n);
  g_assert_cmpuint (n, ==, 0);
  {
    GStatBuf st;
    g_assert_cmpint (g_stat (image_wal, &st), ==, 0);
    g_assert_cmpint (st.st_size, ==, 0);
  }
  assert_wal_index_empty (image);
}

/* While the kiosk runs (its store open), after each submit: the WAL is
 * empty and the wal-index names no page the last response went to. */
static void
test_wal_empty_after_each_submit (TestStore     *f,
                                  gconstpointer  data)
{
  g_autofree char *wal = sibling (f->path, "-wal");
  guint next = 0;

  for (guint i = 0; i < 20; i++)
    {
      GStatBuf st;

      submit_one_at_a_time (f->store, &next, 1);
      g_assert_cmpint (g_stat (wal, &st), ==, 0);
      g_assert_cmpint (st.st_size, ==, 0);
      assert_wal_index_empty (f->path);
    }
}

/* The kiosk's way: the respondent is answered as soon as the response is
 * safe, and the WAL is settled on the next idle. Until then the WAL holds
 * that one response (never two: a write settles the one before first);
 * after it, none, and the wal-index lists only the first page, which the
 * WAL is started again with. */
static void
test_wal_settled_when_idle (TestStore     *f,
                            gconstpointer  data)
{
  g_autofree char *wal = sibling (f->path, "-wal");
  g_autofree char *copy = g_build_filename (f->dir, "wal-copy", NULL);
  g_autoptr(GArray) pages = NULL;
  guint next = 0;

  sayso_store_settle_when_idle (f->store);
  submit_one_at_a_time (f->store, &next, 1);
  drain ();

  for (guint round = 0; round < 10; round++)
    {
      g_autoptr(GArray) records = NULL;
      g_autofree char *contents = NULL;
      gsize length = 0;

      /* Two submits with no idle between them. */
      submit_one_at_a_time (f->store, &next, 2);
      g_assert_true (g_file_get_contents (wal, &contents, &length, NULL));
      g_assert_true (g_file_set_contents (copy, contents, length, NULL));
      records = open_store_file (f->path, f->sk);
      g_assert_cmpuint (records_in (records, copy), ==, 1);

      drain ();
      g_clear_pointer (&contents, g_free);
      g_assert_true (g_file_get_contents (wal, &contents, &length, NULL));
      g_assert_true (g_file_set_contents (copy, contents, length, NULL));
      g_assert_cmpuint (records_in (records, copy), ==, 0);
      /* The WAL's header and one frame of page 1. */
      g_assert_cmpuint (length, <=, 32 + 24 + 4096);
      pages = wal_index_pages (f->path);
      for (guint i = 0; i < pages->len; i++)
        g_assert_cmpuint (g_array_index (pages, guint32, i), ==, 1);
      g_clear_pointer (&pages, g_array_unref);
    }
}

/* The negative control of the within-page measure: 260 responses (the
 * pool grown to 512), then 60 more with their small rows left where SQLite
 * laid them: within a page, each new cell lies just below the last one laid,
 * so the newer lie below the older, and the measure sees it. (Its positive
 * side is /order/nothing-orders-records, over 400 records: so few as 60 on a
 * handful of pages make too noisy a measure of chance.) */
static void
test_control_rows_as_laid (TestStore     *f,
                           gconstpointer  data)
{
  g_autoptr(GArray) records = NULL;
  g_autofree char *image = g_build_filename (f->dir, "image.db", NULL);
  guint next = 0, n;
  double tau;

  submit_one_at_a_time (f->store, &next, 260);
  _sayso_db_set_keep_row_order (_sayso_store_get_db (f->store), TRUE);
  submit_one_at_a_time (f->store, &next, 60);
  copy_files (f->path, image);
  g_clear_object (&f->store);
  records = open_store_file (f->path, f->sk);
  tau = worst_within_page_tau (records, image, 260, &n);
  g_test_message ("rows as SQLite laid them: worst tau within pages %.3f over %u pairs", tau, n);
  g_assert_cmpuint (n, >=, 500);
  g_assert_cmpfloat (tau, <, -FOLLOWS_TAU);
}

typedef struct
{
  const char *path;
  guint       hold_msec;
  GMutex      lock;
  GCond       reading;
  gboolean    started;
} Reader;

/* Another connection holding a read transaction, as the staff's export or
 * `sayso status` does. */
static gpointer
read_for_a_while (gpointer data)
{
  Reader *reader = data;
  sqlite3 *db;

  g_assert_cmpint (sqlite3_open_v2 (reader->path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "BEGIN; SELECT count(*) FROM slots;", NULL, NULL, NULL), ==, SQLITE_OK);
  g_mutex_lock (&reader->lock);
  reader->started = TRUE;
  g_cond_signal (&reader->reading);
  g_mutex_unlock (&reader->lock);
  g_usleep (reader->hold_msec * 1000);
  sqlite3_exec (db, "COMMIT", NULL, NULL, NULL);
  sqlite3_close (db);
  return NULL;
}

/* The kiosk's way, while a reader holds the WAL: the first response cannot
 * be settled; the next write waits for the reader (up to the busy timeout,
 * 2 s) and settles it first, so the WAL holds one response, never two. A
 * reader holding on past the timeout (the control) lets two share it. */
static guint
records_in_wal_with_reader (TestStore *f,
                            guint      hold_msec)
{
  g_autofree char *image = g_build_filename (f->dir, "image.db", NULL);
  g_autofree char *image_wal = sibling (image, "-wal");
  g_autoptr(GArray) records = NULL;
  Reader reader = { f->path, hold_msec, { 0 }, { 0 }, FALSE };
  GThread *thread;
  guint next = 0;

  sayso_store_settle_when_idle (f->store);
  submit_one_at_a_time (f->store, &next, 1);
  drain ();

  g_mutex_init (&reader.lock);
  g_cond_init (&reader.reading);
  thread = g_thread_new ("reader", read_for_a_while, &reader);
  g_mutex_lock (&reader.lock);
  while (!reader.started)
    g_cond_wait (&reader.reading, &reader.lock);
  g_mutex_unlock (&reader.lock);

  submit_one_at_a_time (f->store, &next, 1);
  drain ();   /* tries to settle, and cannot */
  submit_one_at_a_time (f->store, &next, 1);
  copy_files (f->path, image);
  g_thread_join (thread);
  g_mutex_clear (&reader.lock);
  g_cond_clear (&reader.reading);

  drain ();
  g_clear_object (&f->store);
  records = open_store_file (f->path, f->sk);
  return records_in (records, image_wal);
}

static void
test_wal_one_response_with_reader (TestStore     *f,
                                   gconstpointer  data)
{
  g_assert_cmpuint (records_in_wal_with_reader (f, 300), ==, 1);
}

static void
test_control_reader_past_timeout (TestStore     *f,
                                  gconstpointer  data)
{
  g_assert_cmpuint (records_in_wal_with_reader (f, 3000), ==, 2);
}

/* Negative control for the wal-index check: left as SQLite leaves it, it
 * names the pages the last response went to. */
static void
test_control_wal_index_kept (TestStore     *f,
                             gconstpointer  data)
{
  g_autoptr(GArray) pages = NULL;
  guint next = 0;

  submit_one_at_a_time (f->store, &next, 1);
  _sayso_db_set_keep_wal_index (_sayso_store_get_db (f->store), TRUE);
  submit_one_at_a_time (f->store, &next, 1);
  pages = wal_index_pages (f->path);
  g_test_message ("wal-index left alone: %u page numbers", pages->len);
  /* The slot's four pages at least. */
  g_assert_cmpuint (pages->len, >=, 4);
}

/* Negative control: slots filled in turn, the pool grown without dealing
 * its records out again. The measure must see the order. */
static void
test_control_slots_in_turn (TestStore     *f,
                            gconstpointer  data)
{
  g_autoptr(GArray) records = NULL;
  guint next = 0, n;
  double tau;

  _sayso_db_set_first_free_slot (_sayso_store_get_db (f->store), TRUE);
  submit_one_at_a_time (f->store, &next, 200);
  g_clear_object (&f->store);

  records = open_store_file (f->path, f->sk);
  tau = worst_tau (records, f->path, &n);
  g_test_message ("slots in turn: worst tau %.3f over %u records", tau, n);
  g_assert_cmpfloat (tau, >, FOLLOWS_TAU);
}

/* Negative control: the WAL left to SQLite's own checkpoints keeps frames in
 * commit order. */
static void
test_control_wal_kept (TestStore     *f,
                       gconstpointer  data)
{
  g_autoptr(GArray) records = NULL;
  g_autofree char *wal = sibling (f->path, "-wal");
  g_autofree char *copy = g_build_filename (f->dir, "wal-copy", NULL);
  g_autofree char *contents = NULL;
  gsize length = 0;
  guint next = 0, n;
  double tau;

  /* The pool is made first, so that the WAL holds the records alone. */
  submit_one_at_a_time (f->store, &next, 1);
  _sayso_db_set_keep_wal (_sayso_store_get_db (f->store), TRUE);
  submit_one_at_a_time (f->store, &next, 60);
  /* Copied as a thief would, while the kiosk runs (closing checkpoints it). */
  g_assert_true (g_file_get_contents (wal, &contents, &length, NULL));
  g_assert_true (g_file_set_contents (copy, contents, length, NULL));
  g_clear_object (&f->store);

  records = open_store_file (f->path, f->sk);
  tau = worst_tau (records, copy, &n);
  g_test_message ("WAL kept: worst tau %.3f over %u records", tau, n);
  g_assert_cmpuint (n, >=, 50);
  g_assert_cmpfloat (tau, >, FOLLOWS_TAU);
}

/* The layout of store schemas 3 to 6, a table of 12 KiB rows under random
 * keys, which the review measured at tau +1.00: first the negative control,
 * the measure sees the order there; then the same store opened by this
 * Sayso, which moves its records into slots: the order is gone. */
static void
test_migrated_from_schema_6 (TestStore     *f,
                             gconstpointer  data)
{
  g_autoptr(GArray) records = NULL;
  g_autoptr(GArray) migrated = NULL;
  g_autoptr(SaysoStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *old = g_build_filename (f->dir, "schema6.db", NULL);
  g_autofree char *wal = sibling (old, "-wal");
  guint8 spk[32], ssk[64];
  sqlite3 *db;
  sqlite3_stmt *stmt;
  guint next = 0, n;
  double tau;

  submit_one_at_a_time (f->store, &next, 400);
  g_clear_object (&f->store);
  records = open_store_file (f->path, f->sk);

  sayso_sign_keypair_new (spk, ssk);
  g_assert_cmpint (sqlite3_open (old, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db,
                                 "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA secure_delete = ON;"
                                 "CREATE TABLE kiosk (one INTEGER PRIMARY KEY CHECK (one = 1), site TEXT NOT NULL,"
                                 " recipient_pk BLOB NOT NULL, sign_pk BLOB NOT NULL, sign_sk BLOB NOT NULL,"
                                 " export_seq INTEGER NOT NULL DEFAULT 0, keep_days INTEGER NOT NULL DEFAULT 14,"
                                 " pin_hash TEXT, pin_failures INTEGER NOT NULL DEFAULT 0);"
                                 "CREATE TABLE responses (key INTEGER PRIMARY KEY, id BLOB NOT NULL UNIQUE,"
                                 " questionnaire TEXT NOT NULL, version INTEGER NOT NULL, sealed BLOB NOT NULL, hash BLOB);"
                                 "CREATE TABLE exported (id BLOB PRIMARY KEY REFERENCES responses (id) ON DELETE CASCADE,"
                                 " day TEXT NOT NULL) WITHOUT ROWID;"
                                 "CREATE TABLE damaged (id BLOB PRIMARY KEY REFERENCES responses (id) ON DELETE CASCADE)"
                                 " WITHOUT ROWID;"
                                 "PRAGMA user_version = 6;",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "INSERT INTO kiosk (one, site, recipient_pk, sign_pk, sign_sk)"
                                       " VALUES (1, 'Old site', ?1, ?2, ?3)", -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_blob (stmt, 1, f->pk, 32, SQLITE_STATIC);
  sqlite3_bind_blob (stmt, 2, spk, 32, SQLITE_STATIC);
  sqlite3_bind_blob (stmt, 3, ssk, 64, SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
  sqlite3_finalize (stmt);

  /* One at a time, in the order they came, as schema 6 stored them. */
  g_assert_cmpint (sqlite3_prepare_v2 (db, "INSERT INTO responses VALUES (random (), ?1, 'hmip-user-voice', 1, ?2, ?3)",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  for (guint a = 0; a < next; a++)
    for (guint i = 0; i < records->len; i++)
      {
        Known *k = &g_array_index (records, Known, i);

        if (k->arrival != a)
          continue;
        sqlite3_bind_blob (stmt, 1, g_bytes_get_data (k->id, NULL), (int) g_bytes_get_size (k->id), SQLITE_STATIC);
        sqlite3_bind_blob (stmt, 2, g_bytes_get_data (k->sealed, NULL), (int) g_bytes_get_size (k->sealed), SQLITE_STATIC);
        sqlite3_bind_blob (stmt, 3, g_bytes_get_data (k->hash, NULL), (int) g_bytes_get_size (k->hash), SQLITE_STATIC);
        g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
        sqlite3_reset (stmt);
      }
  sqlite3_finalize (stmt);
  sqlite3_close (db);

  tau = worst_tau (records, old, &n);
  g_test_message ("rows of schema 6: worst tau %.3f over %u records", tau, n);
  g_assert_cmpuint (n, ==, records->len);
  g_assert_cmpfloat (tau, >, FOLLOWS_TAU);

  /* Opened by this Sayso, which migrates it; then a day's submits. */
  store = sayso_store_open (old, &error);
  g_assert_no_error (error);
  submit_one_at_a_time (store, &next, 1);
  g_clear_object (&store);
  migrated = open_store_file (old, f->sk);
  g_assert_cmpuint (migrated->len, ==, records->len + 1);
  tau = worst_tau (migrated, old, &n);
  g_test_message ("the same, migrated to slots: worst |tau| %.3f over %u records", fabs (tau), n);
  g_assert_cmpuint (n, ==, migrated->len);
  g_assert_cmpfloat (fabs (tau), <, CHANCE_TAU);
  tau = worst_tau (migrated, wal, &n);
  g_assert_cmpuint (n, ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  sayso_init ();
  survey = sayso_questionnaire_new_default ();

#define ADD(path, func) g_test_add (path, TestStore, NULL, test_store_setup, func, test_store_teardown)
  ADD ("/order/nothing-orders-records", test_nothing_orders_records);
  ADD ("/order/wal-empty-after-each-submit", test_wal_empty_after_each_submit);
  ADD ("/order/wal-settled-when-idle", test_wal_settled_when_idle);
  ADD ("/order/control/wal-index-kept", test_control_wal_index_kept);
  ADD ("/order/control/rows-as-laid", test_control_rows_as_laid);
  ADD ("/order/wal-one-response-with-reader", test_wal_one_response_with_reader);
  ADD ("/order/control/reader-past-timeout", test_control_reader_past_timeout);
  ADD ("/order/control/slots-in-turn", test_control_slots_in_turn);
  ADD ("/order/control/wal-kept", test_control_wal_kept);
  ADD ("/order/migrated-from-schema-6", test_migrated_from_schema_6);
#undef ADD

  return g_test_run ();
}
