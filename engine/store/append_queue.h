// The hand-over between append() callers and the writer thread: a FIFO of
// pending appends that the writer takes in batches.
//
// With `delay` 0 (the default) a batch is everything queued when the writer asks,
// up to `max`: group commit without a timer, since whatever arrives while one
// batch commits (its fsync) is queued for the next. With `delay` > 0 a batch of
// fewer than `max` waits up to `delay` for more. close() lets the writer drain
// what is left. Thread-safety: every method may be called from any thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <vector>

#include "engine/store/store.h"

namespace lienthong::store {

struct PendingAppend {
  InboundRecord record;
  AppendCallback done;
};

class AppendQueue {
 public:
  // False (and `item` untouched) once the queue is closed.
  bool push(PendingAppend& item);

  // Blocks until at least one record is queued or the queue is closed; empty
  // means closed and drained.
  std::vector<PendingAppend> take_batch(std::size_t max, std::chrono::microseconds delay);

  void close();

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<PendingAppend> items_;
  bool closed_ = false;
};

}  // namespace lienthong::store
