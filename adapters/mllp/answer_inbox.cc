#include "adapters/mllp/answer_inbox.h"

#include <utility>

#include <boost/asio/post.hpp>


namespace lienthong::adapters::mllp {

void AnswerInbox::deliver(std::shared_ptr<AnswerTarget> target, std::uint64_t seq, core::Answer answer) {
  bool post = false;
  {
    std::lock_guard lock(mu_);
    items_.push_back(Item{std::move(target), seq, std::move(answer)});
    if (!drain_posted_) {
      drain_posted_ = true;
      ++drains_;
      post = true;
    }
  }
  if (post) boost::asio::post(executor_, [self = shared_from_this()] { self->drain(); });
}

void AnswerInbox::clear() {
  std::vector<Item> dropped;
  {
    std::lock_guard lock(mu_);
    dropped.swap(items_);
  }
}

std::uint64_t AnswerInbox::drains() const {
  std::lock_guard lock(mu_);
  return drains_;
}

void AnswerInbox::drain() {
  std::vector<Item> batch;
  {
    std::lock_guard lock(mu_);
    batch.swap(items_);
    items_.swap(spare_);
    drain_posted_ = false;  // answers from now on need a new drain
  }
  for (Item& item : batch) item.target->take_answer(item.seq, std::move(item.answer));
  batch.clear();
  std::lock_guard lock(mu_);
  if (spare_.capacity() < batch.capacity()) spare_.swap(batch);
}

}  // namespace lienthong::adapters::mllp
