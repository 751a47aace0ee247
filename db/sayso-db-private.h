#pragma once

#include "sayso-db.h"

G_BEGIN_DECLS

/* For the durability tests' negative control only: a store that does not
 * sync must be seen to lose responses in a power cut. */
void _sayso_db_set_synchronous_off (SaysoDb *db);

G_END_DECLS
