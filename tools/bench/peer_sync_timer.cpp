// A VFS that forwards everything to SQLite's default VFS and times xSync (the fsync of the
// WAL at each commit with synchronous=FULL, and of the database at checkpoints), so the
// bench can say how much of a durable write is the disk. Measurement only: synclib opens its
// databases with the default VFS, which this becomes.
#include <chrono>

#include "peer_workload.hpp"

namespace bench::peer {

namespace {

struct TimedFile {
  sqlite3_file base;   // pMethods: kMethods once the real file is open
  sqlite3_file* real;  // right after this struct, szOsFile of the real VFS
  bool wal;
};

sqlite3_vfs* g_real = nullptr;
sqlite3_vfs g_vfs;
SyncTotals g_totals;

sqlite3_file* real(sqlite3_file* f) {
  return reinterpret_cast<TimedFile*>(f)->real;
}

int timed_sync(sqlite3_file* f, int flags) {
  auto t0 = std::chrono::steady_clock::now();
  int rc = real(f)->pMethods->xSync(real(f), flags);
  g_totals.seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  g_totals.calls++;
  if (reinterpret_cast<TimedFile*>(f)->wal) g_totals.wal_calls++;
  return rc;
}

// The other methods, forwarded as they are.
#define FORWARD(name, params, args)      \
  int name params {                      \
    return real(f)->pMethods->name args; \
  }
FORWARD(xRead, (sqlite3_file * f, void* p, int n, sqlite3_int64 o), (real(f), p, n, o))
FORWARD(xWrite, (sqlite3_file * f, const void* p, int n, sqlite3_int64 o), (real(f), p, n, o))
FORWARD(xTruncate, (sqlite3_file * f, sqlite3_int64 n), (real(f), n))
FORWARD(xFileSize, (sqlite3_file * f, sqlite3_int64* n), (real(f), n))
FORWARD(xLock, (sqlite3_file * f, int l), (real(f), l))
FORWARD(xUnlock, (sqlite3_file * f, int l), (real(f), l))
FORWARD(xCheckReservedLock, (sqlite3_file * f, int* r), (real(f), r))
FORWARD(xFileControl, (sqlite3_file * f, int op, void* a), (real(f), op, a))
FORWARD(xSectorSize, (sqlite3_file * f), (real(f)))
FORWARD(xDeviceCharacteristics, (sqlite3_file * f), (real(f)))
FORWARD(xShmMap, (sqlite3_file * f, int i, int n, int e, void volatile** p), (real(f), i, n, e, p))
FORWARD(xShmLock, (sqlite3_file * f, int o, int n, int fl), (real(f), o, n, fl))
FORWARD(xShmUnmap, (sqlite3_file * f, int d), (real(f), d))
FORWARD(xFetch, (sqlite3_file * f, sqlite3_int64 o, int n, void** p), (real(f), o, n, p))
FORWARD(xUnfetch, (sqlite3_file * f, sqlite3_int64 o, void* p), (real(f), o, p))
#undef FORWARD

void xShmBarrier(sqlite3_file* f) {
  real(f)->pMethods->xShmBarrier(real(f));
}

int xClose(sqlite3_file* f) {
  return real(f)->pMethods->xClose(real(f));
}

// iVersion 3 like the unix VFS's files (WAL needs the xShm* methods).
const sqlite3_io_methods kMethods = {.iVersion = 3,
                                     .xClose = xClose,
                                     .xRead = xRead,
                                     .xWrite = xWrite,
                                     .xTruncate = xTruncate,
                                     .xSync = timed_sync,
                                     .xFileSize = xFileSize,
                                     .xLock = xLock,
                                     .xUnlock = xUnlock,
                                     .xCheckReservedLock = xCheckReservedLock,
                                     .xFileControl = xFileControl,
                                     .xSectorSize = xSectorSize,
                                     .xDeviceCharacteristics = xDeviceCharacteristics,
                                     .xShmMap = xShmMap,
                                     .xShmLock = xShmLock,
                                     .xShmBarrier = xShmBarrier,
                                     .xShmUnmap = xShmUnmap,
                                     .xFetch = xFetch,
                                     .xUnfetch = xUnfetch};

int open_timed(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* f, int flags, int* out) {
  auto* t = reinterpret_cast<TimedFile*>(f);
  t->base.pMethods = nullptr;
  t->real = reinterpret_cast<sqlite3_file*>(t + 1);
  t->wal = (flags & SQLITE_OPEN_WAL) != 0;
  int rc = g_real->xOpen(g_real, name, t->real, flags, out);
  if (t->real->pMethods) t->base.pMethods = &kMethods;
  return rc;
}

}  // namespace

void install_sync_timer() {
  if (g_real) return;
  g_real = sqlite3_vfs_find(nullptr);
  if (!g_real || g_real->iVersion < 1) throw Failure("no default SQLite VFS");
  g_vfs = *g_real;
  g_vfs.pNext = nullptr;
  g_vfs.zName = "werkex-bench-timed";
  g_vfs.szOsFile = static_cast<int>(sizeof(TimedFile)) + g_real->szOsFile;
  g_vfs.xOpen = open_timed;
  if (sqlite3_vfs_register(&g_vfs, 1) != SQLITE_OK) throw Failure("cannot register the VFS");
}

SyncTotals sync_totals() {
  return g_totals;
}

}  // namespace bench::peer
