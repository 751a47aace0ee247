#pragma once

#include "sayso-db.h"
#include "sayso-store.h"

G_BEGIN_DECLS

SaysoDb *_sayso_store_get_db (SaysoStore *self);

G_END_DECLS
