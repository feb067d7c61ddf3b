// Outbound items: what a route produced from one inbound message for one
// destination, kept in the store from the intake transaction until delivered
// (docs/specs/delivery.md). An item's id grows with intake order, so per
// destination "intake order" is "id order".
//
// Item states (the `status` column):
//   pending  - waiting for (another) attempt; `attempts` > 0 means retrying
//   done     - the destination took it
//   dead     - given up (refused, attempts or age used up, or the mapping failed);
//              `blocks` = 1 when it holds back its key's later items (stop_on_dead)
//   held     - waiting behind a dead item of the same key
//   replayed - an operator requeued it: a copy with a new id carries on
//
// Thread-safety: plain values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace lienthong::store {

// Written with its inbound message, in the same transaction.
struct OutboundRecord {
  std::string route;
  std::string destination;
  std::string ordering_key;  // items with equal keys are delivered in id order
  std::string content_type;
  std::string body;
  std::string status = "pending";  // or "dead" (e.g. the route's mapping failed)
  std::string error;               // why it is dead
};

struct OutboundItem {
  std::int64_t id = 0;
  std::int64_t message_id = 0;
  std::string route;
  std::string destination;
  std::string ordering_key;
  std::string message_type;  // "ADT^A01"
  std::string control_id;    // MSH-10 of the inbound message
  std::string content_type;
  std::string body;          // empty once retention pruned it
  std::string status;
  bool blocks = false;
  int attempts = 0;
  std::int64_t next_attempt_at_us = 0;
  std::int64_t created_at_us = 0;
  std::int64_t updated_at_us = 0;
  std::string last_error;
  std::optional<std::int64_t> replay_of;
};

struct AttemptRecord {
  std::int64_t at_us = 0;
  std::int64_t duration_us = 0;
  std::string outcome;  // "ok" | "retry" | "fail"
  std::string detail;
};

// A delivery attempt's consequence for one item.
struct ItemUpdate {
  std::int64_t id = 0;
  std::string status;  // pending | done | dead | held
  bool blocks = false;
  int attempts = 0;
  std::int64_t next_attempt_at_us = 0;
  std::string error;
  std::optional<AttemptRecord> attempt;  // appended to the item's history
};

// What a delivery scheduler reads to (re)fill its window, in one snapshot.
struct QueueLoad {
  std::string destination;
  std::int64_t after_id = 0;  // items with a greater id
  std::size_t limit = 1000;
  bool with_blocked = false;  // also the blocked keys and orphaned held items (at start)
};

// What a running engine last reported for a destination (for `lienthong queue`).
struct DeliveryStatus {
  std::string destination;
  std::int64_t in_flight = 0;
  std::int64_t in_memory = 0;  // items in the scheduler's window
  std::int64_t updated_at_us = 0;
};

struct BlockedKey {
  std::string key;
  std::int64_t dead_id = 0;  // the dead item (blocks = 1) that holds the key back
};

struct QueueSnapshot {
  std::vector<OutboundItem> pending;      // status pending, id > after_id, in id order
  std::vector<BlockedKey> blocked;        // only with QueueLoad::with_blocked
  std::vector<std::int64_t> orphan_held;  // held items whose key nothing blocks (ditto)
};

struct QueueCounts {
  std::string destination;
  std::int64_t pending = 0;   // never tried yet
  std::int64_t retrying = 0;  // pending after at least one attempt
  std::int64_t held = 0;
  std::int64_t dead = 0;
  std::int64_t done = 0;
  std::optional<std::int64_t> oldest_pending_us;  // created_at of the oldest pending/held item
  std::optional<DeliveryStatus> engine;            // the running engine's last report, if any
};

// Requeue: the chosen items get pending copies with new ids (in their id order);
// the originals become "replayed". Held items of a replayed blocking item's key
// come along, after it.
struct ReplayRequest {
  std::vector<std::int64_t> ids;  // these items (any state but pending/done)...
  std::string destination;        // ...or every dead item of this destination
  std::optional<std::int64_t> since_us;  // dead items created at or after
};

struct PruneRequest {
  std::int64_t before_us = 0;  // messages received before
  bool drop_metadata = false;  // false: keep rows, drop bodies; true: delete rows
  std::size_t limit = 500;     // messages per call (small batches never stall intake)
};

struct PruneResult {
  std::int64_t messages = 0;  // messages pruned in this call
};

}  // namespace lienthong::store
