// A test-only SQLite VFS over the default one that models a power cut.
//
// Writes go through to the real files, but before a write (or truncate) changes
// bytes that were synced, the old bytes are kept aside; xSync on a file forgets
// them (the data is now durable). power_cut() puts every file back to what it was
// at its last xSync (undoing unsynced writes newest first, then cutting the file
// to its synced size) and from then on fails every write, sync, truncate and
// delete, like a machine that lost power, until revive(). Files are modelled by
// their contents only: directory entries (create/delete) count as durable.
//
// It also injects faults on demand: xSync failing with SQLITE_IOERR_FSYNC (on
// every file, or on main database files only: what a checkpoint syncs), and
// xWrite failing with SQLITE_FULL (a full disk). It counts what tests need to
// see the checkpointer at work: writes, database file syncs, WAL header writes
// (the first one and each time the WAL starts over), which threads wrote a
// main database file, and temporary files opened.
//
// Thread-safety: every method may be called from any thread; the VFS serialises
// its own bookkeeping and the I/O of tracked files with one mutex.
#pragma once

#include <cstdint>
#include <set>
#include <thread>

namespace lienthong::testing {

class PowerLossVfs {
 public:
  static constexpr const char* kName = "lienthong_power_loss";

  // Registers the VFS (once per process) and returns it.
  static PowerLossVfs& instance();

  void power_cut();
  // Back to normal: I/O allowed, faults off, current contents count as synced.
  void revive();
  void fail_syncs(bool on);
  void fail_db_syncs(bool on);  // main database files only; the WAL syncs fine
  void fail_writes_disk_full(bool on);
  std::uint64_t syncs() const;
  std::uint64_t writes() const;             // xWrite + xTruncate calls that reached a tracked file
  std::uint64_t db_syncs() const;           // successful syncs of main database files
  std::uint64_t wal_header_writes() const;  // writes at offset 0 of a WAL
  std::uint64_t temp_file_opens() const;    // statement journals, temporary databases and journals
  std::set<std::thread::id> db_writers() const;  // threads that wrote a main database file

 private:
  PowerLossVfs() = default;
};

}  // namespace lienthong::testing
