#include "engine/store/duplicate_index.h"

#include <algorithm>
#include <cassert>
#include <limits>

namespace lienthong::store {
namespace {

constexpr std::size_t kMinCapacity = 1024;
constexpr std::int64_t kMaxOffset = std::numeric_limits<std::uint32_t>::max();

// FNV-1a over each part with its length, so ("AB", "C") and ("A", "BC") differ,
// then a 64-bit finalizer: FNV alone spreads keys that differ only in their
// last characters (control ids) poorly over the high bits.
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

unsigned shift_for(std::size_t capacity) {
  unsigned bits = 0;
  while ((std::size_t{1} << bits) < capacity) ++bits;
  return 64 - bits;
}

}  // namespace

DuplicateIndex::DuplicateIndex()
    : slots_(kMinCapacity), shift_(shift_for(kMinCapacity)), drop_at_(kMinCapacity / 2) {}

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
  std::size_t i = home(slot.tag);
  while (slots_[i].offset != 0) i = next(i);
  slots_[i] = slot;
}

void DuplicateIndex::add(std::uint64_t hash, std::int64_t id) {
  assert(id > 0);
  if (size_ != 0 && id <= base_) {
    // Rowids start again below what the table holds only when the rows above
    // are gone (a store emptied by hand): what it holds points at nothing.
    drop_below(std::numeric_limits<std::int64_t>::max());
  }
  if (size_ == 0) base_ = id - 1;
  if ((size_ + 1) * 2 > slots_.size()) {
    rebuild(slots_.size() * 2, 0);
  } else if (id - base_ > kMaxOffset) {
    rebuild(slots_.size(), 0);  // rebased on the smallest id kept
  }
  if (id - base_ > kMaxOffset) {
    // Every entry is 2^32 ids older than this one: far outside any window.
    drop_below(id);
    base_ = id - 1;
  }
  place(Slot{tag_of(hash), static_cast<std::uint32_t>(id - base_)});
  ++size_;
}

void DuplicateIndex::remove(std::uint64_t hash, std::int64_t id) {
  if (id <= base_ || id - base_ > kMaxOffset) return;
  const Slot target{tag_of(hash), static_cast<std::uint32_t>(id - base_)};
  std::size_t i = home(target.tag);
  while (slots_[i].offset != 0 && !(slots_[i].tag == target.tag && slots_[i].offset == target.offset)) i = next(i);
  if (slots_[i].offset == 0) return;
  // Backward shift: pull later entries of the run into the hole when their home
  // allows it, so a search never stops early at a hole that used to be full.
  std::size_t hole = i;
  for (std::size_t j = next(hole); slots_[j].offset != 0; j = next(j)) {
    const std::size_t want = home(slots_[j].tag);
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
  for (const Slot& s : slots_) kept += (s.offset != 0 && id_of(s) >= first_kept_id) ? 1 : 0;
  std::size_t capacity = slots_.size();
  while (capacity > kMinCapacity && kept * 8 < capacity) capacity /= 2;  // most left: give memory back
  if (kept != size_ || capacity != slots_.size()) rebuild(capacity, first_kept_id);
  drop_at_ = std::max(kept * 2, kMinCapacity / 2);
}

void DuplicateIndex::rebuild(std::size_t capacity, std::int64_t first_kept_id) {
  std::vector<Slot> old(capacity);
  old.swap(slots_);
  shift_ = shift_for(capacity);
  const std::int64_t old_base = base_;
  std::int64_t smallest = std::numeric_limits<std::int64_t>::max();
  for (const Slot& s : old) {
    if (s.offset != 0 && old_base + s.offset >= first_kept_id) smallest = std::min(smallest, old_base + s.offset);
  }
  base_ = smallest == std::numeric_limits<std::int64_t>::max() ? old_base : smallest - 1;
  size_ = 0;
  // In slot order from the start of a run, so entries sharing a tag keep the
  // order they were added in (find's "in the order they were added").
  std::size_t start = 0;
  while (start < old.size() && old[start].offset != 0) ++start;
  for (std::size_t k = 0; k < old.size(); ++k) {
    const Slot& s = old[(start + k) % old.size()];
    const std::int64_t id = old_base + s.offset;
    if (s.offset == 0 || id < first_kept_id) continue;
    place(Slot{s.tag, static_cast<std::uint32_t>(id - base_)});
    ++size_;
  }
}

}  // namespace lienthong::store
