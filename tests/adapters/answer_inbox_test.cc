// AnswerInbox: answers delivered from other threads reach their targets on the
// io_context, a burst with one post.
#include <catch2/catch.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "adapters/mllp/answer_inbox.h"

namespace lienthong::testing {
namespace {

using adapters::mllp::AnswerInbox;
using adapters::mllp::AnswerTarget;

struct RecordingTarget final : AnswerTarget {
  explicit RecordingTarget(boost::asio::io_context& io) : io(io) {}
  void take_answer(std::uint64_t seq, core::Answer answer) override {
    on_io_thread.push_back(io.get_executor().running_in_this_thread());
    got.emplace_back(seq, std::move(answer.bytes));
  }
  boost::asio::io_context& io;
  std::vector<std::pair<std::uint64_t, std::string>> got;
  std::vector<bool> on_io_thread;
};

TEST_CASE("answer inbox: a burst from another thread is one post, delivered in order", "[mllp][inbox]") {
  boost::asio::io_context io;
  auto inbox = std::make_shared<AnswerInbox>(io.get_executor());
  auto first = std::make_shared<RecordingTarget>(io);
  auto second = std::make_shared<RecordingTarget>(io);

  // Like the store's writer completing one commit: every answer from one thread,
  // while the io_context has not run yet.
  std::thread writer([&] {
    for (std::uint64_t i = 0; i < 50; ++i) {
      auto target = i % 2 == 0 ? first : second;
      inbox->deliver(target, i / 2, core::Answer{"ACK" + std::to_string(i), true});
    }
  });
  writer.join();
  CHECK(inbox->drains() == 1);
  CHECK(first->got.empty());

  io.run();
  REQUIRE(first->got.size() == 25);
  REQUIRE(second->got.size() == 25);
  for (std::uint64_t k = 0; k < 25; ++k) {
    CHECK(first->got[k] == std::make_pair(k, "ACK" + std::to_string(2 * k)));
    CHECK(second->got[k] == std::make_pair(k, "ACK" + std::to_string(2 * k + 1)));
  }
  CHECK(first->on_io_thread == std::vector<bool>(25, true));

  // Once drained, the next answer needs (and gets) a new post.
  inbox->deliver(first, 25, core::Answer{"LATE", true});
  CHECK(inbox->drains() == 2);
  io.restart();
  io.run();
  REQUIRE(first->got.size() == 26);
  CHECK(first->got.back().second == "LATE");
}

TEST_CASE("answer inbox: a target outlives its answers only as long as the inbox holds them", "[mllp][inbox]") {
  boost::asio::io_context io;
  auto inbox = std::make_shared<AnswerInbox>(io.get_executor());
  auto target = std::make_shared<RecordingTarget>(io);
  std::weak_ptr<RecordingTarget> weak = target;
  inbox->deliver(std::move(target), 0, core::Answer{"ACK", true});
  CHECK_FALSE(weak.expired());  // the pending answer keeps its session alive
  io.run();
  CHECK(weak.expired());  // delivered: the inbox lets go
}

}  // namespace
}  // namespace lienthong::testing
