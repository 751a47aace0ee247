#pragma once

#include "sayso-db.h"

G_BEGIN_DECLS

/* For the durability tests' negative control only: a store that does not
 * sync must be seen to lose responses in a power cut. */
void _sayso_db_set_synchronous_off (SaysoDb *db);

/* For the arrival-order test's negative controls: records go into the
 * lowest free slot instead of one chosen at random, and the pool grows
 * without dealing them out again; the WAL keeps its frames until SQLite's
 * own checkpoint instead of being emptied after every write. */
void _sayso_db_set_first_free_slot (SaysoDb  *db,
                                    gboolean  first_free);
void _sayso_db_set_keep_wal        (SaysoDb  *db,
                                    gboolean  keep);
/* And the WAL emptied, but the wal-index's page numbers left as SQLite
 * leaves them. */
void _sayso_db_set_keep_wal_index  (SaysoDb  *db,
                                    gboolean  keep);
/* And the small rows of responses left where SQLite laid them. */
void _sayso_db_set_keep_row_order  (SaysoDb  *db,
                                    gboolean  keep);

/* For the full-disk tests' negative control only: TRUE brings back the old
 * rule, under which a full disk stopped the store writing until a restart. */
void _sayso_db_set_poison_when_full (gboolean poison);

G_END_DECLS
