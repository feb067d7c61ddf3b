// Intake: the engine's MessageSink. It reads each submitted message, builds
// its answer, stores it, and answers only after the store has committed it
// (docs/specs/ack.md, ACK-5):
//   - parses: the accepting ACK (AA, or CA in enhanced mode) is built before the
//     commit so it is stored with the message; answered once committed;
//   - a duplicate: answered with the original's stored ACK, byte for byte;
//   - does not parse: stored with status "rejected" (nothing received is lost),
//     then answered AR/CR with ERR; answered AR even if that store fails;
//   - the store cannot commit: AR/CR with ERR 207 "message not stored: <why>";
//   - routed (router.h): the outbound items are written in the same transaction;
//     a route's mapping that rejects the message, or no route with `unrouted`
//     "reject", makes it an AE/CE answer with ERR (207 / 200), stored with
//     status "error". Stored items are handed to the item sink after the commit.
// After stop(), submits are answered AR/CR 207 at once without being stored.
// A batch (FHS/BHS envelope, ACK-7, intake_batch.cc) is split into its messages,
// each taken as above; the answer is the batch of their ACKs, sent once the last
// of them is decided (so once every accepted one is stored).
//
// Thread-safety: submit() from any thread; answers run on the store's answering
// thread (store.h; or inline for a refusal). Counters are atomics.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>
#include <mutex>
#include <optional>
#include <string>

#include "engine/core/message_sink.h"
#include "engine/core/router.h"
#include "engine/hl7v2/ack.h"
#include "engine/hl7v2/parser.h"
#include "engine/store/store.h"

namespace lienthong::core {

struct IntakeCounters {
  std::uint64_t received = 0;
  std::uint64_t accepted = 0;    // stored and answered AA/CA (duplicates included)
  std::uint64_t rejected = 0;    // did not parse: answered AR/CR
  std::uint64_t duplicates = 0;
  std::uint64_t store_errors = 0;  // could not be stored: answered AR/CR 207
  std::uint64_t errors = 0;        // stored, answered AE/CE (mapping rejected it, no route)
  std::uint64_t in_flight = 0;   // submitted, not yet answered
};

class Intake final : public MessageSink {
 public:
  using ItemSink = std::function<void(std::vector<store::OutboundItem>)>;

  explicit Intake(store::Store& store);
  // Waits until every submitted message has been answered and its callback has
  // returned (the store answers every append, so this ends).
  ~Intake() override;

  // The routes messages go through from now on (reload swaps them); null: no
  // routing (every message is only stored). Any thread.
  void set_router(std::shared_ptr<const Router> router);
  // Where stored outbound items go (the delivery); set before the first submit.
  // Called on the store's answering thread (store.h).
  void set_item_sink(ItemSink sink) { item_sink_ = std::move(sink); }

  void submit(Inbound message, AnswerCallback done) override;
  std::optional<int> answer_utc_offset() const override;

  // From now on every submit is refused (AR/CR 207, not stored).
  void stop();
  // Waits until every submitted message has been answered, at most `timeout`.
  // True when none is left in flight.
  bool wait_idle(std::chrono::milliseconds timeout);

  IntakeCounters counters() const;

  // A new ACK control id: unique in this process and across restarts
  // ("L" + start time in base 36 + "-" + counter in base 36, at most 20 characters).
  std::string next_control_id();

 private:
  // One message; `envelope_error`: the bytes are a batch that does not split,
  // answered AR/CR with that error (and stored as rejected, as a message that
  // does not parse).
  void submit_message(Inbound message, AnswerCallback done, const hl7v2::ParseError* envelope_error);
  void submit_batch(Inbound batch, AnswerCallback done);
  // The ACK options of one answer: a new control id, MSH-7 in the configured zone.
  hl7v2::AckOptions ack_options(const Router* router);
  void finished();

  store::Store& store_;
  std::atomic<std::shared_ptr<const Router>> router_;
  ItemSink item_sink_;
  std::string id_prefix_;
  std::atomic<std::uint64_t> next_id_{1};
  std::atomic<bool> stopping_{false};
  std::atomic<std::uint64_t> received_{0}, accepted_{0}, rejected_{0}, duplicates_{0}, store_errors_{0}, errors_{0};
  std::atomic<std::uint64_t> in_flight_{0};
  std::mutex idle_mu_;
  std::condition_variable idle_cv_;
};

}  // namespace lienthong::core
