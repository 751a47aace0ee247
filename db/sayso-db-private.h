#pragma once

#include "sayso-db.h"

G_BEGIN_DECLS

/* For the durability tests' negative control only: a store that does not
 * sync must be seen to lose responses in a power cut. */
void _sayso_db_set_synchronous_off (SaysoDb *db);

/* For the test of a clash of random row keys: the next response stored is
 * first tried under this key. */
void _sayso_db_set_next_key (SaysoDb *db,
                             gint64   key);

/* For the full-disk tests' negative control only: TRUE brings back the old
 * rule, under which a full disk stopped the store writing until a restart. */
void _sayso_db_set_poison_when_full (gboolean poison);

G_END_DECLS
