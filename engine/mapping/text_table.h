// TextTable: a hash table of texts whose memory is a run's pool (run_state.h
// JsonAllocator), for what a run remembers by text: the keys an array has
// output ($unique, MAP-2) and the ids uuid() has already computed (MAP-8).
// Keys and values are views the caller keeps alive for the run (pool, plan
// or message memory); the table copies nothing and never frees: the pool is
// dropped whole at the end of the run. Open addressing, linear probing;
// erase leaves a tombstone.
//
// Thread-safety: one table per run, used by one thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#include <rapidjson/allocators.h>

namespace lienthong::mapping {

class TextTable {
 public:
  using Allocator = rapidjson::MemoryPoolAllocator<rapidjson::CrtAllocator>;

  explicit TextTable(Allocator& allocator) : allocator_(&allocator) {}

  struct Entry {
    std::uint64_t hash = 0;  // 0: never used; kErased: erased
    std::string_view key;
    std::string_view value;
  };

  // The entry for `key`, or nullptr.
  const Entry* find(std::string_view key) const {
    if (size_ == 0) return nullptr;
    const std::uint64_t h = hash(key);
    for (std::size_t i = h & mask_;; i = (i + 1) & mask_) {
      const Entry& e = entries_[i];
      if (e.hash == 0) return nullptr;
      if (e.hash == h && e.key == key) return &e;
    }
  }

  // Adds `key` (not present) with `value`; the entry stays where it is until erased.
  Entry* insert(std::string_view key, std::string_view value = {}) {
    if ((used_ + 1) * 4 > capacity_ * 3) grow();
    const std::uint64_t h = hash(key);
    std::size_t i = h & mask_;
    while (entries_[i].hash != 0 && entries_[i].hash != kErased) i = (i + 1) & mask_;
    if (entries_[i].hash == 0) ++used_;
    entries_[i] = Entry{h, key, value};
    ++size_;
    return &entries_[i];
  }

  void erase(std::string_view key) {
    if (Entry* e = const_cast<Entry*>(find(key))) {
      e->hash = kErased;
      --size_;
    }
  }

  std::size_t size() const { return size_; }

 private:
  static constexpr std::uint64_t kErased = 1;

  // Eight bytes at a time, each word mixed in by a multiply (keys are ids
  // and codes of a few dozen bytes); kept away from the two reserved values.
  static std::uint64_t hash(std::string_view s) {
    constexpr std::uint64_t kMultiplier = 0x9E3779B97F4A7C15ULL;
    std::uint64_t h = s.size() * kMultiplier;
    const char* p = s.data();
    std::size_t n = s.size();
    for (; n >= 8; p += 8, n -= 8) {
      std::uint64_t word;
      std::memcpy(&word, p, 8);
      h = (h ^ word) * kMultiplier;
      h ^= h >> 32;
    }
    if (n > 0) {
      std::uint64_t word = 0;
      std::memcpy(&word, p, n);
      h = (h ^ word) * kMultiplier;
      h ^= h >> 32;
    }
    h ^= h >> 29;
    return h < 2 ? h + 2 : h;
  }

  // Twice the room (or 16 slots to start), live entries moved over; the old
  // array stays in the pool until the run ends.
  void grow() {
    const std::size_t capacity = capacity_ == 0 ? 16 : capacity_ * 2;
    auto* entries = static_cast<Entry*>(allocator_->Malloc(capacity * sizeof(Entry)));
    std::memset(static_cast<void*>(entries), 0, capacity * sizeof(Entry));
    const std::size_t mask = capacity - 1;
    for (std::size_t j = 0; j < capacity_; ++j) {
      const Entry& e = entries_[j];
      if (e.hash < 2) continue;
      std::size_t i = e.hash & mask;
      while (entries[i].hash != 0) i = (i + 1) & mask;
      entries[i] = e;
    }
    entries_ = entries;
    capacity_ = capacity;
    mask_ = mask;
    used_ = size_;
  }

  Allocator* allocator_;
  Entry* entries_ = nullptr;
  std::size_t capacity_ = 0;
  std::size_t mask_ = 0;
  std::size_t size_ = 0;  // live entries
  std::size_t used_ = 0;  // live and erased (slots that end no probe)
};

}  // namespace lienthong::mapping
