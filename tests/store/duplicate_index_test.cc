// DuplicateIndex (engine/store/duplicate_index.h), against a plain multimap.
#include "engine/store/duplicate_index.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <iterator>
#include <map>
#include <random>
#include <set>
#include <vector>

using lienthong::store::DuplicateIndex;

namespace {

std::vector<std::int64_t> ids_under(const DuplicateIndex& index, std::uint64_t hash) {
  std::vector<std::int64_t> seen;
  index.find(hash, [&](std::int64_t id) {
    seen.push_back(id);
    return false;
  });
  return seen;
}

}  // namespace

TEST_CASE("duplicate index: the key's four parts are kept apart in its hash", "[store][duplicate_index]") {
  const auto h = DuplicateIndex::hash_key("mllp", "HIS", "BV", "MSG1");
  CHECK(h == DuplicateIndex::hash_key("mllp", "HIS", "BV", "MSG1"));
  CHECK(h != DuplicateIndex::hash_key("mllp", "HISB", "V", "MSG1"));
  CHECK(h != DuplicateIndex::hash_key("mllp", "HIS", "BVM", "SG1"));
  CHECK(h != DuplicateIndex::hash_key("mllp2", "HIS", "BV", "MSG1"));
  CHECK(h != DuplicateIndex::hash_key("mllp", "HIS", "BV", "MSG2"));
}

TEST_CASE("duplicate index: find stops at the first id the caller confirms, in the order ids were added",
          "[store][duplicate_index]") {
  DuplicateIndex index;
  index.add(7, 10);
  index.add(7, 11);
  index.add(8, 12);  // another hash: never offered for 7
  index.add(7, 13);
  CHECK(ids_under(index, 7) == std::vector<std::int64_t>{10, 11, 13});
  CHECK(index.find(7, [](std::int64_t id) { return id >= 11; }) == 11);
  CHECK(index.find(7, [](std::int64_t) { return false; }) == 0);
  CHECK(index.find(9, [](std::int64_t) { return true; }) == 0);
}

TEST_CASE("duplicate index: adds, removals and drops agree with a multimap under collisions and growth",
          "[store][duplicate_index]") {
  std::mt19937_64 random(20261125);
  DuplicateIndex index;
  std::multimap<std::uint64_t, std::int64_t> model;
  std::int64_t next_id = 1;
  std::int64_t dropped_below = 0;
  // Few distinct hashes, many ids under each: long probe runs that wrap
  // around the table's end, and removals in their middle.
  auto some_hash = [&] { return static_cast<std::uint64_t>(random() % 40); };
  for (int round = 0; round < 20000; ++round) {
    const auto action = random() % 10;
    if (action < 6) {
      const std::uint64_t h = some_hash();
      index.add(h, next_id);
      model.emplace(h, next_id);
      ++next_id;
    } else if (action < 9 && !model.empty()) {
      auto it = model.begin();
      std::advance(it, static_cast<long>(random() % model.size()));
      index.remove(it->first, it->second);
      model.erase(it);
    } else {
      dropped_below = std::max<std::int64_t>(dropped_below, next_id - 300 - static_cast<std::int64_t>(random() % 300));
      index.drop_below(dropped_below);
      for (auto it = model.begin(); it != model.end();) it = it->second < dropped_below ? model.erase(it) : std::next(it);
    }
    REQUIRE(index.size() == model.size());
    if (round % 997 == 0) {
      std::set<std::uint64_t> hashes;
      for (const auto& [h, id] : model) hashes.insert(h);
      for (std::uint64_t h : hashes) {
        std::vector<std::int64_t> expected;
        auto [first, last] = model.equal_range(h);
        for (auto it = first; it != last; ++it) expected.push_back(it->second);
        std::sort(expected.begin(), expected.end());
        REQUIRE(ids_under(index, h) == expected);  // added in id order, found in id order
      }
    }
  }
  CHECK(index.memory_bytes() >= index.size() * 16);  // at most half full
}

TEST_CASE("duplicate index: removing what is not there changes nothing; a drop that empties it shrinks it",
          "[store][duplicate_index]") {
  DuplicateIndex index;
  for (std::int64_t id = 1; id <= 100000; ++id) index.add(static_cast<std::uint64_t>(id) * 2654435761u, id);
  const std::size_t grown = index.memory_bytes();
  index.remove(12345, 99);
  CHECK(index.size() == 100000);
  index.drop_below(99990);
  CHECK(index.size() == 11);
  CHECK(index.memory_bytes() < grown / 8);
  CHECK(ids_under(index, static_cast<std::uint64_t>(99995) * 2654435761u) == std::vector<std::int64_t>{99995});
}

TEST_CASE("duplicate index: ids are offsets from a base; one 2^32 past the oldest drops what came before",
          "[store][duplicate_index]") {
  DuplicateIndex index;
  const std::int64_t far = (std::int64_t{1} << 32) + 10;
  index.add(1, 5'000'000'000);  // a store whose rowids are already large
  index.add(2, 5'000'000'001);
  CHECK(ids_under(index, 1) == std::vector<std::int64_t>{5'000'000'000});
  index.add(3, 5'000'000'000 + far);
  CHECK(ids_under(index, 1).empty());
  CHECK(ids_under(index, 2).empty());
  CHECK(ids_under(index, 3) == std::vector<std::int64_t>{5'000'000'000 + far});
  CHECK(index.size() == 1);
  index.remove(3, 5'000'000'000 + far);
  CHECK(index.size() == 0);
}

TEST_CASE("duplicate index: a drop is due each time the entries double", "[store][duplicate_index]") {
  DuplicateIndex index;
  std::int64_t id = 0;
  while (!index.drop_due()) {
    ++id;
    index.add(static_cast<std::uint64_t>(id), id);
  }
  CHECK(index.size() == 512);
  index.drop_below(100);  // 413 kept: next due at 826
  CHECK(index.size() == 413);
  CHECK_FALSE(index.drop_due());
  while (!index.drop_due()) {
    ++id;
    index.add(static_cast<std::uint64_t>(id), id);
  }
  CHECK(index.size() == 826);
}

TEST_CASE("duplicate index: an id below what it holds (rowids restarted) empties it first", "[store][duplicate_index]") {
  DuplicateIndex index;
  index.add(1, 500);
  index.add(2, 501);
  index.add(3, 7);
  CHECK(index.size() == 1);
  CHECK(ids_under(index, 1).empty());
  CHECK(ids_under(index, 3) == std::vector<std::int64_t>{7});
}
