#include "engine/core/retention.h"

#include <boost/asio/post.hpp>

#include "engine/base/clock.h"
#include "engine/core/log.h"

namespace lienthong::core {

std::shared_ptr<Retention> Retention::start(boost::asio::io_context& io, store::Store& store, RetentionSettings settings) {
  std::shared_ptr<Retention> r(new Retention(io, store, settings));
  r->wait(std::chrono::seconds(1));
  return r;
}

void Retention::stop() {
  stopped_ = true;
  boost::asio::post(timer_.get_executor(), [self = shared_from_this()] { self->timer_.cancel(); });
}

void Retention::wait(std::chrono::microseconds delay) {
  if (stopped_) return;
  timer_.expires_after(delay);
  timer_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
    if (!ec && !self->stopped_) self->run_batch();
  });
}

void Retention::run_batch() {
  store::PruneRequest request;
  request.before_us = unix_now_us() - settings_.after.count();
  request.drop_metadata = settings_.drop_metadata;
  request.limit = settings_.batch;
  store_.prune(request, [self = shared_from_this()](Result<store::PruneResult> r) {
    // On the writer's thread: go back to the io_context for the next step.
    boost::asio::post(self->timer_.get_executor(), [self, r = std::move(r)] {
      if (!r) {
        log::error("retention.failed", {{"reason", r.error().to_string()}});
        self->wait(self->settings_.interval);
        return;
      }
      if (r->messages > 0) {
        self->pruned_.fetch_add(static_cast<std::uint64_t>(r->messages));
        log::info("retention.pruned", {{"messages", r->messages}, {"keep", self->settings_.drop_metadata ? "none" : "metadata"}});
      }
      // A full batch: more may be due; the next one after a short pause, so
      // intake's commits come in between.
      const bool more = static_cast<std::size_t>(r->messages) >= self->settings_.batch;
      self->wait(more ? std::chrono::microseconds(std::chrono::milliseconds(10)) : self->settings_.interval);
    });
  });
}

}  // namespace lienthong::core
