#include "engine/store/wal_batch_vfs.h"

#include <sqlite3.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <new>

namespace lienthong::store {
namespace {

// What may wait in memory. SQLite's unix VFS writes at most 128 KiB - 1 bytes
// per call (it masks the length to 17 bits), so a larger commit goes out in
// 64 KiB pieces: still one call for ~16 frames instead of ~32.
constexpr std::size_t kMaxPending = 64 * 1024;
constexpr int kFrameHeaderBytes = 24;  // WAL frame header; bytes 4..7: commit size or 0

struct BatchFile {
  sqlite3_file base;   // first: SQLite sees a BatchFile as a sqlite3_file
  sqlite3_file* real;  // the base VFS's file, right after this struct in SQLite's allocation
  bool wal = false;
  bool commit_header = false;  // the last write was the header of a commit frame
  sqlite3_int64 pending_offset = 0;
  std::string pending;  // contiguous bytes from pending_offset, not written yet
};

constexpr std::size_t kRealOffset = (sizeof(BatchFile) + 15) / 16 * 16;

BatchFile* batch(sqlite3_file* f) { return reinterpret_cast<BatchFile*>(f); }
sqlite3_file* real(sqlite3_file* f) { return batch(f)->real; }

std::uint32_t big_endian_32(const unsigned char* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) |
         std::uint32_t{p[3]};
}

int flush(BatchFile* f) {
  if (f->pending.empty()) return SQLITE_OK;
  int rc = f->real->pMethods->xWrite(f->real, f->pending.data(),
                                     static_cast<int>(f->pending.size()), f->pending_offset);
  // On failure SQLite rolls the transaction back and writes its frames again.
  f->pending.clear();
  return rc;
}

int batch_close(sqlite3_file* f) {
  int flushed = flush(batch(f));
  int rc = real(f)->pMethods->xClose(real(f));
  batch(f)->~BatchFile();
  return flushed != SQLITE_OK ? flushed : rc;
}

int batch_read(sqlite3_file* f, void* buf, int n, sqlite3_int64 off) {
  if (int rc = flush(batch(f)); rc != SQLITE_OK) return rc;
  return real(f)->pMethods->xRead(real(f), buf, n, off);
}

int batch_write(sqlite3_file* pf, const void* data, int n, sqlite3_int64 off) {
  BatchFile* f = batch(pf);
  if (!f->wal) return f->real->pMethods->xWrite(f->real, data, n, off);
  const auto len = static_cast<std::size_t>(n);
  const bool contiguous = off == f->pending_offset + static_cast<sqlite3_int64>(f->pending.size());
  // Writes are applied in order: anything elsewhere, or too much, goes out first.
  if (!f->pending.empty() && (!contiguous || f->pending.size() + len > f->pending.capacity())) {
    if (int rc = flush(f); rc != SQLITE_OK) return rc;
  }
  const bool completes_commit = f->commit_header;
  f->commit_header = n == kFrameHeaderBytes &&
                     big_endian_32(static_cast<const unsigned char*>(data) + 4) != 0;
  if (len > f->pending.capacity()) return f->real->pMethods->xWrite(f->real, data, n, off);
  if (f->pending.empty()) f->pending_offset = off;
  f->pending.append(static_cast<const char*>(data), len);  // within capacity: no allocation
  // The page after a commit frame's header ends the commit: SQLite syncs or
  // publishes it as soon as this call returns.
  if (completes_commit) return flush(f);
  return SQLITE_OK;
}

int batch_truncate(sqlite3_file* f, sqlite3_int64 size) {
  if (int rc = flush(batch(f)); rc != SQLITE_OK) return rc;
  return real(f)->pMethods->xTruncate(real(f), size);
}

int batch_sync(sqlite3_file* f, int flags) {
  if (int rc = flush(batch(f)); rc != SQLITE_OK) return rc;
  return real(f)->pMethods->xSync(real(f), flags);
}

int batch_file_size(sqlite3_file* f, sqlite3_int64* size) {
  if (int rc = flush(batch(f)); rc != SQLITE_OK) return rc;
  return real(f)->pMethods->xFileSize(real(f), size);
}

int batch_lock(sqlite3_file* f, int level) { return real(f)->pMethods->xLock(real(f), level); }
int batch_unlock(sqlite3_file* f, int level) { return real(f)->pMethods->xUnlock(real(f), level); }
int batch_check_reserved(sqlite3_file* f, int* out) {
  return real(f)->pMethods->xCheckReservedLock(real(f), out);
}
int batch_file_control(sqlite3_file* f, int op, void* arg) {
  return real(f)->pMethods->xFileControl(real(f), op, arg);
}
int batch_sector_size(sqlite3_file* f) { return real(f)->pMethods->xSectorSize(real(f)); }
int batch_device_characteristics(sqlite3_file* f) {
  return real(f)->pMethods->xDeviceCharacteristics(real(f));
}
int batch_shm_map(sqlite3_file* f, int region, int size, int extend, void volatile** out) {
  return real(f)->pMethods->xShmMap(real(f), region, size, extend, out);
}
int batch_shm_lock(sqlite3_file* f, int offset, int n, int flags) {
  return real(f)->pMethods->xShmLock(real(f), offset, n, flags);
}
void batch_shm_barrier(sqlite3_file* f) { real(f)->pMethods->xShmBarrier(real(f)); }
int batch_shm_unmap(sqlite3_file* f, int delete_flag) {
  return real(f)->pMethods->xShmUnmap(real(f), delete_flag);
}
int batch_fetch(sqlite3_file* f, sqlite3_int64 off, int n, void** out) {
  if (int rc = flush(batch(f)); rc != SQLITE_OK) return rc;
  return real(f)->pMethods->xFetch(real(f), off, n, out);
}
int batch_unfetch(sqlite3_file* f, sqlite3_int64 off, void* p) {
  return real(f)->pMethods->xUnfetch(real(f), off, p);
}

// One table per io-methods version, so SQLite never calls what the base file lacks.
constexpr sqlite3_io_methods methods(int version) {
  return {version,         batch_close,     batch_read,           batch_write,
          batch_truncate,  batch_sync,      batch_file_size,      batch_lock,
          batch_unlock,    batch_check_reserved, batch_file_control, batch_sector_size,
          batch_device_characteristics, batch_shm_map, batch_shm_lock, batch_shm_barrier,
          batch_shm_unmap, batch_fetch,     batch_unfetch};
}
const sqlite3_io_methods kMethods[] = {methods(1), methods(2), methods(3)};

sqlite3_vfs* base_of(sqlite3_vfs* vfs) { return static_cast<sqlite3_vfs*>(vfs->pAppData); }

int vfs_open(sqlite3_vfs* vfs, sqlite3_filename name, sqlite3_file* out, int flags,
             int* out_flags) {
  sqlite3_vfs* base = base_of(vfs);
  auto* f = new (out) BatchFile{};
  f->real = reinterpret_cast<sqlite3_file*>(reinterpret_cast<char*>(out) + kRealOffset);
  int rc = base->xOpen(base, name, f->real, flags, out_flags);
  if (rc == SQLITE_OK && (flags & SQLITE_OPEN_WAL) != 0) {
    f->wal = true;
    try {
      f->pending.reserve(kMaxPending);
    } catch (const std::bad_alloc&) {
      rc = SQLITE_NOMEM;
    }
  }
  if (rc != SQLITE_OK) {
    if (f->real->pMethods != nullptr) f->real->pMethods->xClose(f->real);
    f->~BatchFile();
    out->pMethods = nullptr;
    return rc;
  }
  const int version = std::clamp(f->real->pMethods->iVersion, 1, 3);
  f->base.pMethods = &kMethods[version - 1];
  return SQLITE_OK;
}

int vfs_delete(sqlite3_vfs* v, const char* name, int sync_dir) {
  return base_of(v)->xDelete(base_of(v), name, sync_dir);
}
int vfs_access(sqlite3_vfs* v, const char* name, int flags, int* out) {
  return base_of(v)->xAccess(base_of(v), name, flags, out);
}
int vfs_full_pathname(sqlite3_vfs* v, const char* name, int n, char* out) {
  return base_of(v)->xFullPathname(base_of(v), name, n, out);
}
void* vfs_dl_open(sqlite3_vfs* v, const char* name) { return base_of(v)->xDlOpen(base_of(v), name); }
void vfs_dl_error(sqlite3_vfs* v, int n, char* out) { base_of(v)->xDlError(base_of(v), n, out); }
void (*vfs_dl_sym(sqlite3_vfs* v, void* lib, const char* sym))(void) {
  return base_of(v)->xDlSym(base_of(v), lib, sym);
}
void vfs_dl_close(sqlite3_vfs* v, void* lib) { base_of(v)->xDlClose(base_of(v), lib); }
int vfs_randomness(sqlite3_vfs* v, int n, char* out) {
  return base_of(v)->xRandomness(base_of(v), n, out);
}
int vfs_sleep(sqlite3_vfs* v, int us) { return base_of(v)->xSleep(base_of(v), us); }
int vfs_current_time(sqlite3_vfs* v, double* out) {
  return base_of(v)->xCurrentTime(base_of(v), out);
}
int vfs_last_error(sqlite3_vfs* v, int n, char* out) {
  return base_of(v)->xGetLastError(base_of(v), n, out);
}
int vfs_current_time64(sqlite3_vfs* v, sqlite3_int64* out) {
  sqlite3_vfs* base = base_of(v);
  if (base->iVersion >= 2 && base->xCurrentTimeInt64 != nullptr) {
    return base->xCurrentTimeInt64(base, out);
  }
  double days = 0;
  int rc = base->xCurrentTime(base, &days);
  *out = static_cast<sqlite3_int64>(days * 86400000.0);
  return rc;
}

struct Registered {
  std::string name;
  sqlite3_vfs vfs{};
};

}  // namespace

sqlite3_file* wal_sync_file(sqlite3_file* wal) {
  if (wal == nullptr || wal->pMethods == nullptr) return nullptr;
  for (const sqlite3_io_methods& m : kMethods) {
    if (wal->pMethods == &m) return real(wal);
  }
  return wal;
}

Result<std::string> wal_batch_vfs(const std::string& base_vfs) {
  static std::mutex mu;
  static std::map<std::string, std::unique_ptr<Registered>> registered;  // by base name
  std::lock_guard lock(mu);
  if (auto it = registered.find(base_vfs); it != registered.end()) return it->second->name;
  sqlite3_vfs* base = sqlite3_vfs_find(base_vfs.empty() ? nullptr : base_vfs.c_str());
  if (base == nullptr) return Error{"no SQLite VFS named \"" + base_vfs + "\"", {}};

  auto r = std::make_unique<Registered>();
  r->name = "lienthong_wal_batch/" + std::string(base->zName);
  sqlite3_vfs& v = r->vfs;
  v.iVersion = 2;
  v.szOsFile = static_cast<int>(kRealOffset) + base->szOsFile;
  v.mxPathname = base->mxPathname;
  v.zName = r->name.c_str();
  v.pAppData = base;
  v.xOpen = vfs_open;
  v.xDelete = vfs_delete;
  v.xAccess = vfs_access;
  v.xFullPathname = vfs_full_pathname;
  // What the base lacks stays missing (a test VFS need not load extensions).
  if (base->xDlOpen != nullptr) {
    v.xDlOpen = vfs_dl_open;
    v.xDlError = vfs_dl_error;
    v.xDlSym = vfs_dl_sym;
    v.xDlClose = vfs_dl_close;
  }
  v.xRandomness = vfs_randomness;
  v.xSleep = vfs_sleep;
  v.xCurrentTime = vfs_current_time;
  if (base->xGetLastError != nullptr) v.xGetLastError = vfs_last_error;
  v.xCurrentTimeInt64 = vfs_current_time64;
  if (int rc = sqlite3_vfs_register(&v, /*makeDflt=*/0); rc != SQLITE_OK) {
    return Error{std::string("cannot register the WAL batching VFS: ") + sqlite3_errstr(rc), {}};
  }
  std::string name = r->name;
  registered.emplace(base_vfs, std::move(r));  // registered VFSes live as long as the process
  return name;
}

}  // namespace lienthong::store
