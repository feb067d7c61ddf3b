#include "engine/store/append_queue.h"

namespace lienthong::store {
namespace {

bool deferrable(const QueuedWrite& item) {
  const auto* write = std::get_if<PendingWrite>(&item);
  return write != nullptr && write->deferrable;
}

}  // namespace

bool AppendQueue::push(QueuedWrite& item) {
  {
    std::lock_guard lock(mu_);
    if (closed_) return false;
    if (!deferrable(item)) ++urgent_;
    items_.push_back(std::move(item));
  }
  cv_.notify_one();
  return true;
}

std::vector<QueuedWrite> AppendQueue::take_batch(std::size_t max, std::chrono::microseconds delay,
                                                   std::chrono::microseconds defer_delay) {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [&] { return !items_.empty() || closed_; });
  if (defer_delay.count() > 0 && urgent_ == 0 && items_.size() < max && !closed_) {
    cv_.wait_for(lock, defer_delay, [&] { return urgent_ > 0 || items_.size() >= max || closed_; });
  }
  // A zero delay never reaches wait_for: a timed wait of 0 would still read the
  // clock and may enter the kernel, on every batch, for nothing.
  if (delay.count() > 0 && items_.size() < max && !closed_) {
    // Only the writer waits here, so a wake-up per push is cheap enough.
    cv_.wait_for(lock, delay, [&] { return items_.size() >= max || closed_; });
  }
  std::size_t n = std::min(max, items_.size());
  std::vector<QueuedWrite> batch;
  batch.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    if (!deferrable(items_.front())) --urgent_;
    batch.push_back(std::move(items_.front()));
    items_.pop_front();
  }
  return batch;
}

void AppendQueue::close() {
  {
    std::lock_guard lock(mu_);
    closed_ = true;
  }
  cv_.notify_all();
}

}  // namespace lienthong::store
