// DuplicateIndex: the store writer's in-memory index of the accepted messages
// inside the duplicate window (docs/specs/store.md STORE-4.4): a hash of
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
// and backward-shift deletion; a slot is 8 bytes (32 bits of the hash, the id
// as an offset from a base), the table at most half full: 16-32 bytes a message.
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
    const std::uint32_t tag = tag_of(hash);
    for (std::size_t i = home(tag); slots_[i].offset != 0; i = next(i)) {
      if (slots_[i].tag == tag && is_original(id_of(slots_[i]))) return id_of(slots_[i]);
    }
    return 0;
  }

  // `id` > 0. Ids come in increasing order (rowids as inserted); one at or
  // below the base (rowids restarted: the rows it knew are gone) empties the
  // table first. Grows the table when it would pass half full.
  void add(std::uint64_t hash, std::int64_t id);
  // Takes one (hash, id) out if it is there: an insert whose transaction rolled back.
  void remove(std::uint64_t hash, std::int64_t id);
  // Time to call drop_below: the entries have doubled since the last drop, so
  // its full pass over the table costs O(1) per add.
  bool drop_due() const { return size_ >= drop_at_; }
  // Drops every entry whose id is below `first_kept_id` (messages that left the window).
  void drop_below(std::int64_t first_kept_id);

  std::size_t size() const { return size_; }
  std::size_t memory_bytes() const { return slots_.capacity() * sizeof(Slot); }

 private:
  struct Slot {
    std::uint32_t tag = 0;     // 32 bits of the key's hash
    std::uint32_t offset = 0;  // id - base_; 0: empty
  };

  static std::uint32_t tag_of(std::uint64_t hash) {
    return static_cast<std::uint32_t>(hash >> 32) ^ static_cast<std::uint32_t>(hash);
  }
  // The slot a tag starts at: its top bits (multiplied, so every bit counts).
  std::size_t home(std::uint32_t tag) const {
    return static_cast<std::size_t>((static_cast<std::uint64_t>(tag) * 0x9E3779B97F4A7C15ULL) >> shift_);
  }
  std::size_t next(std::size_t i) const { return (i + 1) & (slots_.size() - 1); }
  std::int64_t id_of(const Slot& s) const { return base_ + s.offset; }
  void place(const Slot& slot);
  // A table of `capacity` slots holding the entries from `first_kept_id` on,
  // based on the smallest id kept.
  void rebuild(std::size_t capacity, std::int64_t first_kept_id);

  std::vector<Slot> slots_;  // a power of two
  unsigned shift_ = 0;       // 64 - log2(slots_.size())
  std::int64_t base_ = 0;    // every id is base_ + offset, offset in 1..2^32-1
  std::size_t size_ = 0;
  std::size_t drop_at_ = 0;
};

}  // namespace lienthong::store
