// The hand-over between append() callers and the writer thread: a FIFO of
// pending writes (appends, and the other writes: item updates, replays,
// pruning) that the writer takes in batches and commits together.
//
// With `delay` 0 (the default) a batch is everything queued when the writer asks,
// up to `max`: group commit without a timer, since whatever arrives while one
// batch commits (its fsync) is queued for the next. With `delay` > 0 a batch of
// fewer than `max` waits up to `delay` for more. A batch of deferrable writes
// alone (nobody waits on them: delivery's item updates) waits up to
// `defer_delay` for more, until something that is not deferrable arrives
// (STORE-2.4). close() lets the writer drain what is left.
// Thread-safety: every method may be called from any thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <variant>
#include <vector>

#include "engine/store/body_codec.h"
#include "engine/store/store.h"

namespace lienthong::store {

struct PendingAppend {
  InboundRecord record;
  AppendCallback done;
  std::vector<StoredBody> bodies;  // record.outbound's bodies as stored, encoded by append()'s caller
};

class WriteTxn;

// Any other write: `apply` runs inside the writer's transaction (in a savepoint
// of its own); `done` gets its outcome after the commit.
struct PendingWrite {
  std::function<Status(WriteTxn&)> apply;
  WriteCallback done;
  bool deferrable = false;  // nobody waits on its outcome: it may wait for company (STORE-2.4)
};

using QueuedWrite = std::variant<PendingAppend, PendingWrite>;

class AppendQueue {
 public:
  // False (and `item` untouched) once the queue is closed.
  bool push(QueuedWrite& item);

  // Blocks until at least one record is queued or the queue is closed; empty
  // means closed and drained.
  std::vector<QueuedWrite> take_batch(std::size_t max, std::chrono::microseconds delay,
                                      std::chrono::microseconds defer_delay = std::chrono::microseconds(0));

  void close();

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<QueuedWrite> items_;
  std::size_t urgent_ = 0;  // queued writes that are not deferrable
  bool closed_ = false;
};

}  // namespace lienthong::store
