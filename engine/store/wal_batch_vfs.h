// A SQLite VFS over another one that writes each WAL commit with one call.
//
// SQLite writes every WAL frame with two pwrite calls (its 24-byte header, then
// the page): with one index leaf and part of a table page dirtied per message,
// that was ~3.5 calls per stored message at 64 connections, each paying the
// kernel's per-call cost for a few KiB. This VFS keeps contiguous writes to a
// WAL file in memory and writes them with one call as soon as a commit's last
// frame is complete (the frame whose header carries the commit size), and
// before anything that could look at the file: a sync, read, size query,
// truncate or close of it, a write elsewhere in it, or 64 KiB pending (the
// most the unix VFS writes in one call is just under 128 KiB).
//
// Durability and visibility are unchanged: SQLite syncs the WAL (FULL) and
// publishes a commit in the wal-index only after its last frame write has
// returned, and that write is the one that writes the commit out. A failure of
// the combined write is the result of that call, so the commit fails and rolls
// back as it did. Only files SQLite opens as WAL are buffered; every other file
// and every other method goes straight to the base VFS.
//
// Thread-safety: wal_batch_vfs() may be called from any thread. A file belongs
// to one connection, which SQLite uses from one thread at a time; only the base
// file under it (wal_sync_file) is synced from another.
#pragma once

#include <sqlite3.h>

#include <string>

#include "engine/base/result.h"

namespace lienthong::store {

// Registers (once per base) the batching VFS over `base_vfs` (empty: SQLite's
// default) and returns its name, for sqlite3_open_v2.
Result<std::string> wal_batch_vfs(const std::string& base_vfs);

// The file to sync for a WAL opened through this VFS (or any other file: that
// file itself; null for null or an unopened file). It is the base VFS's file,
// which holds no state of this VFS, so it may be synced from another thread
// while the connection writes (STORE-11): a commit's bytes are all written out
// before its COMMIT returns.
sqlite3_file* wal_sync_file(sqlite3_file* wal);

}  // namespace lienthong::store
