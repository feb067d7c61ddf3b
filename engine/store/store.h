// Store: where every received message is kept durably before it is answered.
//
// The engine talks to this interface only; SqliteStore (sqlite_store.h) is the
// embedded implementation, and a server backend can come later behind the same
// calls. Appends are asynchronous and grouped: many appends share one commit
// (one fsync), and each append's callback runs only after the commit that holds
// it has returned, so a callback saying "stored" means durably stored.
//
// Thread-safety: every method may be called from any thread. Append callbacks
// run on the store's answering thread (SqliteStore: the writer, or with
// synchronous FULL the WAL syncer): they must be quick and must not block (post
// work elsewhere, e.g. to an Asio strand).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "engine/base/result.h"
#include "engine/store/outbound.h"

namespace lienthong::store {

// One inbound message as received, with what intake learned from it.
struct InboundRecord {
  std::string source;            // listener name
  std::string peer;              // remote address "ip:port"
  std::int64_t received_at_us = 0;  // microseconds since the Unix epoch (UTC)
  std::string raw;               // bytes exactly as received (MLLP framing removed)
  std::string encoding;          // charset the bytes were read in ("utf-8", "tcvn3", ...)
  std::string message_type;      // MSH-9.1, e.g. "ADT" (empty if it did not parse)
  std::string trigger_event;     // MSH-9.2
  std::string version;           // MSH-12
  std::string control_id;        // MSH-10
  std::string sending_application;  // MSH-3 (raw)
  std::string sending_facility;     // MSH-4 (raw)
  std::string status;            // "accepted" | "rejected" | "error"
  std::string ack;               // the answer sent for it (bytes, CR-separated)
  std::string error;             // why it was rejected (no patient data); empty if accepted
  std::vector<OutboundRecord> outbound;  // written in the same transaction (not for a duplicate)
};

// Outcome of one append.
struct Appended {
  std::int64_t id = 0;       // the stored message's id (the original's, for a duplicate)
  bool duplicate = false;    // same (source, sending app, facility, control id) within the window
  std::string ack;           // for a duplicate: the ACK the original was answered with
  std::vector<OutboundItem> items;  // the stored outbound items, ids set, bodies moved in
};

using AppendCallback = std::function<void(Result<Appended>)>;
using WriteCallback = std::function<void(Status)>;

struct MessageFilter {
  std::optional<std::int64_t> since_us;  // received at or after
  std::string type;                      // "ADT" or "ADT^A01"; empty = any
  std::string control_id_pattern;        // SQL LIKE-free glob: '*' and '?'; empty = any
  std::string source;                    // empty = any
  std::size_t limit = 100;
};

struct MessageSummary {
  std::int64_t id = 0;
  std::string source;
  std::int64_t received_at_us = 0;
  std::string message_type;
  std::string trigger_event;
  std::string control_id;
  std::string status;
  std::size_t size = 0;
};

struct ItemDetail {
  OutboundItem item;
  std::vector<AttemptRecord> attempts;  // oldest first
};

struct MessageDetail {
  InboundRecord record;
  std::int64_t id = 0;
  std::vector<ItemDetail> items;  // its outbound items, in id order
};

class Store {
 public:
  virtual ~Store() = default;

  // Queues `record` for the next group commit. `done` receives the id (or the
  // duplicate's original) after the commit, or an Error if the commit failed
  // (disk full, locked, corrupt): then nothing of this record was stored.
  virtual void append(InboundRecord record, AppendCallback done) = 0;

  virtual Result<std::vector<MessageSummary>> list(const MessageFilter& filter) = 0;
  virtual Result<std::optional<MessageDetail>> get(std::int64_t id) = 0;

  // Outbound items (outbound.h). Writes share the appends' group commits; each
  // write's callback runs on the answering thread after its commit. A write that
  // fails is rolled back alone; the rest of the batch still commits.
  virtual void update_items(std::vector<ItemUpdate> updates, WriteCallback done) = 0;
  // `done` gets the new items' ids.
  virtual void replay(ReplayRequest request, std::function<void(Result<std::vector<std::int64_t>>)> done) = 0;
  virtual void prune(PruneRequest request, std::function<void(Result<PruneResult>)> done) = 0;
  // Records what the running engine says of its destinations (for `lienthong queue`).
  virtual void report_status(std::vector<DeliveryStatus> status, WriteCallback done) = 0;

  virtual Result<QueueSnapshot> load_queue(const QueueLoad& load) = 0;
  virtual Result<std::vector<QueueCounts>> queue_counts() = 0;

  // Finishes every queued append (their callbacks run) and closes cleanly.
  virtual void close() = 0;
};

}  // namespace lienthong::store
