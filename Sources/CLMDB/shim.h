#ifndef SUBLEDGER_CLMDB_SHIM_H
#define SUBLEDGER_CLMDB_SHIM_H
#include <lmdb.h>
#endif
