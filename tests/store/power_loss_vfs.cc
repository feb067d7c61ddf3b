#include "tests/store/power_loss_vfs.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cassert>
#include <cstring>
#include <map>
#include <mutex>
#include <new>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace lienthong::testing {
namespace {

struct Undo {
  std::int64_t offset;
  std::string old_bytes;  // what the region held before the write, within the old size
};

struct FileState {
  std::int64_t synced_size = 0;
  std::vector<Undo> undo;  // oldest first
};

struct Shared {
  std::mutex mu;
  sqlite3_vfs* real = nullptr;
  std::map<std::string, FileState> files;  // by path
  bool dead = false;
  bool fail_syncs = false;
  bool fail_db_syncs = false;
  bool disk_full = false;
  std::uint64_t syncs = 0;
  std::uint64_t writes = 0;
  std::uint64_t db_syncs = 0;
  std::uint64_t wal_header_writes = 0;
  std::uint64_t temp_file_opens = 0;
  std::set<std::thread::id> db_writers;
};

Shared& shared() {
  static Shared s;
  return s;
}

struct ShimFile {
  sqlite3_file base;     // first: SQLite sees a ShimFile as a sqlite3_file
  sqlite3_file* real;    // lives right after this struct, in SQLite's allocation
  std::string path;      // empty for temporary files, which are not tracked
  bool is_db = false;    // a main database file (not a WAL or journal)
  bool is_wal = false;
};

bool ends_with(const std::string& s, const char* tail) {
  const std::size_t n = std::strlen(tail);
  return s.size() >= n && s.compare(s.size() - n, n, tail) == 0;
}

constexpr std::size_t kRealOffset = (sizeof(ShimFile) + 15) / 16 * 16;

ShimFile* shim(sqlite3_file* f) { return reinterpret_cast<ShimFile*>(f); }
sqlite3_file* real(sqlite3_file* f) { return shim(f)->real; }

std::int64_t real_size(sqlite3_file* r) {
  sqlite3_int64 size = 0;
  if (r->pMethods->xFileSize(r, &size) != SQLITE_OK) return 0;
  return size;
}

// The state of `path`; a file first seen counts as synced as it is now.
FileState& state_for(Shared& s, const std::string& path, sqlite3_file* r) {
  auto it = s.files.find(path);
  if (it == s.files.end()) it = s.files.emplace(path, FileState{real_size(r), {}}).first;
  return it->second;
}

// Keeps the bytes in [offset, offset+n) that exist now, before they change.
void save_old(Shared& s, ShimFile* f, std::int64_t offset, std::int64_t n) {
  FileState& st = state_for(s, f->path, f->real);
  std::int64_t size = real_size(f->real);
  if (offset >= size) return;
  std::int64_t len = std::min(n, size - offset);
  std::string old(static_cast<std::size_t>(len), '\0');
  f->real->pMethods->xRead(f->real, old.data(), static_cast<int>(len), offset);
  st.undo.push_back(Undo{offset, std::move(old)});
}

int shim_close(sqlite3_file* f) {
  int rc = real(f)->pMethods->xClose(real(f));
  shim(f)->~ShimFile();
  return rc;
}

int shim_read(sqlite3_file* f, void* buf, int n, sqlite3_int64 off) {
  return real(f)->pMethods->xRead(real(f), buf, n, off);
}

int shim_write(sqlite3_file* f, const void* buf, int n, sqlite3_int64 off) {
  Shared& s = shared();
  std::lock_guard lock(s.mu);
  if (s.dead) return SQLITE_IOERR_WRITE;
  if (shim(f)->path.empty()) return real(f)->pMethods->xWrite(real(f), buf, n, off);
  if (s.disk_full) return SQLITE_FULL;
  save_old(s, shim(f), off, n);
  ++s.writes;
  if (shim(f)->is_db) s.db_writers.insert(std::this_thread::get_id());
  if (shim(f)->is_wal && off == 0) ++s.wal_header_writes;
  return real(f)->pMethods->xWrite(real(f), buf, n, off);
}

int shim_truncate(sqlite3_file* f, sqlite3_int64 size) {
  Shared& s = shared();
  std::lock_guard lock(s.mu);
  if (s.dead) return SQLITE_IOERR_TRUNCATE;
  if (!shim(f)->path.empty()) {
    std::int64_t now = real_size(real(f));
    if (size < now) save_old(s, shim(f), size, now - size);
    ++s.writes;
  }
  return real(f)->pMethods->xTruncate(real(f), size);
}

int shim_sync(sqlite3_file* f, int flags) {
  Shared& s = shared();
  std::lock_guard lock(s.mu);
  if (s.dead || s.fail_syncs) return SQLITE_IOERR_FSYNC;
  if (s.fail_db_syncs && shim(f)->is_db) return SQLITE_IOERR_FSYNC;
  int rc = real(f)->pMethods->xSync(real(f), flags);
  if (rc == SQLITE_OK && !shim(f)->path.empty()) {
    FileState& st = state_for(s, shim(f)->path, real(f));
    st.undo.clear();
    st.synced_size = real_size(real(f));
    ++s.syncs;
    if (shim(f)->is_db) ++s.db_syncs;
  }
  return rc;
}

int shim_file_size(sqlite3_file* f, sqlite3_int64* size) {
  return real(f)->pMethods->xFileSize(real(f), size);
}
int shim_lock(sqlite3_file* f, int level) { return real(f)->pMethods->xLock(real(f), level); }
int shim_unlock(sqlite3_file* f, int level) { return real(f)->pMethods->xUnlock(real(f), level); }
int shim_check_reserved(sqlite3_file* f, int* out) {
  return real(f)->pMethods->xCheckReservedLock(real(f), out);
}
int shim_file_control(sqlite3_file* f, int op, void* arg) {
  return real(f)->pMethods->xFileControl(real(f), op, arg);
}
int shim_sector_size(sqlite3_file* f) { return real(f)->pMethods->xSectorSize(real(f)); }
int shim_device_characteristics(sqlite3_file* f) {
  return real(f)->pMethods->xDeviceCharacteristics(real(f));
}
int shim_shm_map(sqlite3_file* f, int region, int size, int extend, void volatile** out) {
  return real(f)->pMethods->xShmMap(real(f), region, size, extend, out);
}
int shim_shm_lock(sqlite3_file* f, int offset, int n, int flags) {
  return real(f)->pMethods->xShmLock(real(f), offset, n, flags);
}
void shim_shm_barrier(sqlite3_file* f) { real(f)->pMethods->xShmBarrier(real(f)); }
int shim_shm_unmap(sqlite3_file* f, int delete_flag) {
  return real(f)->pMethods->xShmUnmap(real(f), delete_flag);
}

// Version 2: shared memory, but no xFetch, so SQLite never reads around us via mmap.
const sqlite3_io_methods kIoMethods = {
    2,          shim_close,     shim_read,        shim_write,
    shim_truncate, shim_sync,   shim_file_size,   shim_lock,
    shim_unlock, shim_check_reserved, shim_file_control, shim_sector_size,
    shim_device_characteristics, shim_shm_map, shim_shm_lock, shim_shm_barrier,
    shim_shm_unmap, nullptr,    nullptr};

int vfs_open(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* file, int flags, int* out_flags) {
  Shared& s = shared();
  auto* f = new (file) ShimFile{};
  f->real = reinterpret_cast<sqlite3_file*>(reinterpret_cast<char*>(file) + kRealOffset);
  constexpr int kTempFiles =
      SQLITE_OPEN_SUBJOURNAL | SQLITE_OPEN_TEMP_JOURNAL | SQLITE_OPEN_TEMP_DB | SQLITE_OPEN_TRANSIENT_DB;
  if ((flags & kTempFiles) != 0) {
    std::lock_guard lock(s.mu);
    ++s.temp_file_opens;
  }
  int rc = s.real->xOpen(s.real, name, f->real, flags, out_flags);
  if (rc != SQLITE_OK) {
    if (f->real->pMethods != nullptr) f->real->pMethods->xClose(f->real);
    f->~ShimFile();
    file->pMethods = nullptr;
    return rc;
  }
  if (name != nullptr) {
    f->path = name;
    f->is_db = (flags & SQLITE_OPEN_MAIN_DB) != 0;
    f->is_wal = ends_with(f->path, "-wal");
    std::lock_guard lock(s.mu);
    state_for(s, f->path, f->real);
  }
  f->base.pMethods = &kIoMethods;
  return SQLITE_OK;
}

int vfs_delete(sqlite3_vfs*, const char* name, int sync_dir) {
  Shared& s = shared();
  std::lock_guard lock(s.mu);
  if (s.dead) return SQLITE_IOERR_DELETE;
  s.files.erase(name);
  return s.real->xDelete(s.real, name, sync_dir);
}

int vfs_access(sqlite3_vfs*, const char* name, int flags, int* out) {
  return shared().real->xAccess(shared().real, name, flags, out);
}
int vfs_full_pathname(sqlite3_vfs*, const char* name, int n, char* out) {
  return shared().real->xFullPathname(shared().real, name, n, out);
}
int vfs_randomness(sqlite3_vfs*, int n, char* out) {
  return shared().real->xRandomness(shared().real, n, out);
}
int vfs_sleep(sqlite3_vfs*, int us) { return shared().real->xSleep(shared().real, us); }
int vfs_current_time(sqlite3_vfs*, double* out) {
  return shared().real->xCurrentTime(shared().real, out);
}
int vfs_last_error(sqlite3_vfs*, int n, char* out) {
  return shared().real->xGetLastError(shared().real, n, out);
}
int vfs_current_time64(sqlite3_vfs*, sqlite3_int64* out) {
  return shared().real->xCurrentTimeInt64(shared().real, out);
}

sqlite3_vfs make_vfs(sqlite3_vfs* real) {
  sqlite3_vfs v{};
  v.iVersion = 2;
  v.szOsFile = static_cast<int>(kRealOffset) + real->szOsFile;
  v.mxPathname = real->mxPathname;
  v.zName = PowerLossVfs::kName;
  v.xOpen = vfs_open;
  v.xDelete = vfs_delete;
  v.xAccess = vfs_access;
  v.xFullPathname = vfs_full_pathname;
  v.xRandomness = vfs_randomness;
  v.xSleep = vfs_sleep;
  v.xCurrentTime = vfs_current_time;
  v.xGetLastError = vfs_last_error;
  v.xCurrentTimeInt64 = vfs_current_time64;
  return v;
}

}  // namespace

PowerLossVfs& PowerLossVfs::instance() {
  static PowerLossVfs* vfs = [] {
    Shared& s = shared();
    s.real = sqlite3_vfs_find(nullptr);
    assert(s.real != nullptr);
    static sqlite3_vfs shim_vfs = make_vfs(s.real);
    int rc = sqlite3_vfs_register(&shim_vfs, /*makeDflt=*/0);
    assert(rc == SQLITE_OK);
    (void)rc;
    return new PowerLossVfs();
  }();
  return *vfs;
}

void PowerLossVfs::power_cut() {
  Shared& s = shared();
  std::lock_guard lock(s.mu);
  for (auto& [path, st] : s.files) {
    int fd = ::open(path.c_str(), O_WRONLY);
    if (fd < 0) continue;  // deleted meanwhile
    for (auto it = st.undo.rbegin(); it != st.undo.rend(); ++it) {
      ssize_t n = ::pwrite(fd, it->old_bytes.data(), it->old_bytes.size(), it->offset);
      assert(n == static_cast<ssize_t>(it->old_bytes.size()));
      (void)n;
    }
    int rc = ::ftruncate(fd, st.synced_size);
    assert(rc == 0);
    (void)rc;
    ::close(fd);
    st.undo.clear();
  }
  s.dead = true;
}

void PowerLossVfs::revive() {
  Shared& s = shared();
  std::lock_guard lock(s.mu);
  s.files.clear();
  s.dead = false;
  s.fail_syncs = false;
  s.fail_db_syncs = false;
  s.disk_full = false;
  s.syncs = 0;
  s.writes = 0;
  s.db_syncs = 0;
  s.wal_header_writes = 0;
  s.db_writers.clear();
}

void PowerLossVfs::fail_syncs(bool on) {
  std::lock_guard lock(shared().mu);
  shared().fail_syncs = on;
}

void PowerLossVfs::fail_db_syncs(bool on) {
  std::lock_guard lock(shared().mu);
  shared().fail_db_syncs = on;
}

void PowerLossVfs::fail_writes_disk_full(bool on) {
  std::lock_guard lock(shared().mu);
  shared().disk_full = on;
}

std::uint64_t PowerLossVfs::syncs() const {
  std::lock_guard lock(shared().mu);
  return shared().syncs;
}

std::uint64_t PowerLossVfs::temp_file_opens() const {
  std::lock_guard lock(shared().mu);
  return shared().temp_file_opens;
}

std::uint64_t PowerLossVfs::writes() const {
  std::lock_guard lock(shared().mu);
  return shared().writes;
}

std::uint64_t PowerLossVfs::db_syncs() const {
  std::lock_guard lock(shared().mu);
  return shared().db_syncs;
}

std::uint64_t PowerLossVfs::wal_header_writes() const {
  std::lock_guard lock(shared().mu);
  return shared().wal_header_writes;
}

std::set<std::thread::id> PowerLossVfs::db_writers() const {
  std::lock_guard lock(shared().mu);
  return shared().db_writers;
}

}  // namespace lienthong::testing
