// Intake of a batch (docs/specs/ack.md ACK-7): its messages one by one, then one
// answer for all of them.
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "engine/core/intake.h"
#include "engine/hl7v2/batch.h"
#include "engine/hl7v2/batch_ack.h"

namespace lienthong::core {
namespace {

// The batch while its messages are decided: the views of `file` point into
// `bytes`, which stays where it is (the state is on the heap and never moves).
struct PendingBatch {
  std::string bytes;
  hl7v2::BatchFile file;
  std::string time;        // BHS-7 / FHS-7 of the answer
  std::string control_id;  // BHS-11 / FHS-11 of the answer
  AnswerCallback done;
  std::mutex mu;
  std::vector<std::string> acks;  // by message, in the batch's order
  std::size_t left = 0;
  bool accepted = true;  // every message accepted (stored, or a duplicate of a stored one)
};

}  // namespace

void Intake::submit_batch(Inbound in, AnswerCallback done) {
  auto batch = std::make_shared<PendingBatch>();
  batch->bytes = std::move(in.bytes);
  hl7v2::BatchOptions options;
  options.strict = in.strict;
  auto file = hl7v2::split_batch(std::string_view(batch->bytes), options);
  if (!file.ok()) {
    // Not a batch this engine can read (a count that disagrees, a segment outside
    // any message...): answered and stored as one message that does not parse.
    in.bytes = std::move(batch->bytes);
    submit_message(std::move(in), std::move(done), &file.error());
    return;
  }
  batch->file = std::move(*file);
  hl7v2::AckOptions answer = ack_options(router_.load().get());
  batch->time = hl7v2::ack_timestamp(answer);
  batch->control_id = std::move(answer.control_id);
  batch->done = std::move(done);
  const std::size_t count = batch->file.message_count();
  if (count == 0) {
    // An empty batch (BTS-1 = 0): nothing to store, answered by an empty batch.
    batch->done(Answer{hl7v2::build_batch_ack(batch->file, {}, batch->time, batch->control_id), true});
    return;
  }
  batch->acks.resize(count);
  batch->left = count;
  std::size_t index = 0;
  for (const hl7v2::Batch& part : batch->file.batches) {
    for (std::string_view message : part.messages) {
      Inbound one = in;  // source, peer, received time, listener settings; its bytes were moved out
      one.bytes = std::string(message);
      submit_message(std::move(one),
                     [batch, index](Answer answer) {
                       std::unique_lock lock(batch->mu);
                       batch->acks[index] = std::move(answer.bytes);
                       batch->accepted = batch->accepted && answer.accepted;
                       if (--batch->left > 0) return;
                       lock.unlock();
                       batch->done(Answer{hl7v2::build_batch_ack(batch->file, batch->acks, batch->time,
                                                                 batch->control_id),
                                          batch->accepted});
                     },
                     nullptr);
      ++index;
    }
  }
}

}  // namespace lienthong::core
