// AnswerInbox: brings the sink's answers back to the network threads with one
// post per burst, not one per answer.
//
// The store's writer completes a whole group commit at once; posting each
// answer to its session separately costs a handler, a queue lock and often a
// wake-up of an io thread per message. Instead every answer of a listener goes
// into one inbox: the first answer into an empty inbox posts one drain to the
// io_context, later ones only append. The drain hands each answer, in the
// order delivered, to its target (an MllpSession, whose take_answer posts it to
// the session's strand, so with several io threads the answers' writes spread
// over them: a drain that wrote every answer itself measured no faster). Order between sessions is not kept, and
// need not be: each session puts its answers back in arrival order itself.
//
// Thread-safety: deliver() from any thread; the drain runs on an io thread.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "engine/core/message_sink.h"

namespace lienthong::adapters::mllp {

// Whoever waits for answers: an MllpSession (tests use their own).
class AnswerTarget {
 public:
  virtual ~AnswerTarget() = default;
  // Called on an io thread, from the drain.
  virtual void take_answer(std::uint64_t seq, core::Answer answer) = 0;
};

class AnswerInbox : public std::enable_shared_from_this<AnswerInbox> {
 public:
  explicit AnswerInbox(boost::asio::io_context::executor_type executor) : executor_(executor) {}

  void deliver(std::shared_ptr<AnswerTarget> target, std::uint64_t seq, core::Answer answer);

  // Drops answers not yet drained (the listener is going away and its io_context
  // may never run the drain): they hold their sessions, which hold the inbox.
  void clear();

  // Drains posted so far (for tests: a burst of answers should need few).
  std::uint64_t drains() const;

 private:
  struct Item {
    std::shared_ptr<AnswerTarget> target;
    std::uint64_t seq = 0;
    core::Answer answer;
  };

  void drain();

  boost::asio::io_context::executor_type executor_;
  mutable std::mutex mu_;
  std::vector<Item> items_;  // waiting for the posted drain
  std::vector<Item> spare_;  // an emptied batch, kept for its capacity
  bool drain_posted_ = false;
  std::uint64_t drains_ = 0;
};

}  // namespace lienthong::adapters::mllp
