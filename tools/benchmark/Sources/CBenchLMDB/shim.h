#ifndef SUBLEDGER_BENCH_LMDB_SHIM_H
#define SUBLEDGER_BENCH_LMDB_SHIM_H
#include <lmdb.h>
#endif
