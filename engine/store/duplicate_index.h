// DuplicateIndex: the store writer's in-memory index of the accepted messages
// inside the duplicate window (docs/specs/store.md STORE-4): a 64-bit hash of
// (source, sending application, sending facility, control id) -> message id.
//
// Why in memory: a B-tree index on that key gets one insertion point per
// sender, so every commit dirtied about one index page per message (4 KB of
// WAL and checkpoint writes for a 425-byte message, half the writer's time).
// The table rows themselves are appended in id order.
//
// A hit is only a candidate: the caller reads the row to confirm the key, the
// status and the window, so a hash collision costs a read, never a wrong
// answer. Several ids may share one hash. Open addressing with linear probing
// and backward-shift deletion; 16 bytes a slot, at most half full.
//
// Thread-safety: none; the store's writer thread owns it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace lienthong::store {

class DuplicateIndex {
 public:
  DuplicateIndex();

  static std::uint64_t hash_key(std::string_view source, std::string_view sending_application,
                                std::string_view sending_facility, std::string_view control_id);

  // Calls `is_original(id)` for each id stored under `hash`, in the order they
  // were added, until one returns true; returns that id, or 0 when none did.
  template <class IsOriginal>
  std::int64_t find(std::uint64_t hash, IsOriginal&& is_original) const {
    for (std::size_t i = home(hash); slots_[i].id != 0; i = next(i)) {
      if (slots_[i].hash == hash && is_original(slots_[i].id)) return slots_[i].id;
    }
    return 0;
  }

  // `id` > 0. Grows the table when it would pass half full.
  void add(std::uint64_t hash, std::int64_t id);
  // Takes one (hash, id) out if it is there: an insert whose transaction rolled back.
  void remove(std::uint64_t hash, std::int64_t id);
  // Drops every entry whose id is below `first_kept_id` (messages that left
  // the window) and leaves the table at most a quarter full.
  void drop_below(std::int64_t first_kept_id);
  // The next add() would grow the table: the moment to drop what left the window first.
  bool full() const { return (size_ + 1) * 2 > slots_.size(); }

  std::size_t size() const { return size_; }
  std::size_t memory_bytes() const { return slots_.capacity() * sizeof(Slot); }

 private:
  struct Slot {
    std::uint64_t hash = 0;
    std::int64_t id = 0;  // 0: empty
  };

  std::size_t home(std::uint64_t hash) const { return static_cast<std::size_t>(hash) & (slots_.size() - 1); }
  std::size_t next(std::size_t i) const { return (i + 1) & (slots_.size() - 1); }
  void place(const Slot& slot);
  void rebuild(std::size_t capacity, std::int64_t first_kept_id);

  std::vector<Slot> slots_;  // a power of two
  std::size_t size_ = 0;
};

}  // namespace lienthong::store
