#include "engine/store/duplicate_index.h"

#include <cassert>

namespace lienthong::store {
namespace {

constexpr std::size_t kMinCapacity = 1024;

// FNV-1a over each part with its length, so ("AB", "C") and ("A", "BC") differ,
// then a 64-bit finalizer: linear probing takes the low bits, which FNV alone
// spreads poorly for keys that differ in their last characters (control ids).
std::uint64_t mix(std::uint64_t h, std::string_view part) {
  constexpr std::uint64_t kPrime = 0x100000001b3ULL;
  for (unsigned char c : part) h = (h ^ c) * kPrime;
  const std::uint64_t n = part.size();
  for (int i = 0; i < 4; ++i) h = (h ^ ((n >> (8 * i)) & 0xff)) * kPrime;
  return h;
}

std::uint64_t finalize(std::uint64_t h) {
  h ^= h >> 30;
  h *= 0xbf58476d1ce4e5b9ULL;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebULL;
  h ^= h >> 31;
  return h;
}

}  // namespace

DuplicateIndex::DuplicateIndex() : slots_(kMinCapacity) {}

std::uint64_t DuplicateIndex::hash_key(std::string_view source, std::string_view sending_application,
                                       std::string_view sending_facility, std::string_view control_id) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  h = mix(h, source);
  h = mix(h, sending_application);
  h = mix(h, sending_facility);
  h = mix(h, control_id);
  return finalize(h);
}

void DuplicateIndex::place(const Slot& slot) {
  std::size_t i = home(slot.hash);
  while (slots_[i].id != 0) i = next(i);
  slots_[i] = slot;
}

void DuplicateIndex::add(std::uint64_t hash, std::int64_t id) {
  assert(id > 0);
  if (full()) rebuild(slots_.size() * 2, 0);
  place(Slot{hash, id});
  ++size_;
}

void DuplicateIndex::remove(std::uint64_t hash, std::int64_t id) {
  std::size_t i = home(hash);
  while (slots_[i].id != 0 && !(slots_[i].hash == hash && slots_[i].id == id)) i = next(i);
  if (slots_[i].id == 0) return;
  // Backward shift: pull later entries of the run into the hole when their home
  // allows it, so a search never stops early at a hole that used to be full.
  std::size_t hole = i;
  for (std::size_t j = next(hole); slots_[j].id != 0; j = next(j)) {
    const std::size_t want = home(slots_[j].hash);
    // `j` may move to `hole` unless its home lies cyclically in (hole, j].
    const bool home_after_hole = hole <= j ? (want > hole && want <= j) : (want > hole || want <= j);
    if (!home_after_hole) {
      slots_[hole] = slots_[j];
      hole = j;
    }
  }
  slots_[hole] = Slot{};
  --size_;
}

void DuplicateIndex::drop_below(std::int64_t first_kept_id) {
  std::size_t kept = 0;
  for (const Slot& s : slots_) kept += (s.id != 0 && s.id >= first_kept_id) ? 1 : 0;
  // At most a quarter full afterwards, so the next full() is a doubling away
  // (a steady window would otherwise call this every few adds); shrink when
  // most left (a window that emptied).
  std::size_t capacity = slots_.size();
  while (kept * 4 > capacity) capacity *= 2;
  while (capacity > kMinCapacity && kept * 8 < capacity) capacity /= 2;
  if (kept == size_ && capacity == slots_.size()) return;
  rebuild(capacity, first_kept_id);
}

void DuplicateIndex::rebuild(std::size_t capacity, std::int64_t first_kept_id) {
  std::vector<Slot> old(capacity);
  old.swap(slots_);
  size_ = 0;
  // In slot order from the start of a run, so entries sharing a hash keep the
  // order they were added in (find's "in the order they were added").
  std::size_t start = 0;
  while (start < old.size() && old[start].id != 0) ++start;
  for (std::size_t k = 0; k < old.size(); ++k) {
    const Slot& s = old[(start + k) % old.size()];
    if (s.id == 0 || s.id < first_kept_id) continue;
    place(s);
    ++size_;
  }
}

}  // namespace lienthong::store
