// The delivery scheduler against a real SQLite store and a scripted destination
// (docs/specs/delivery.md): per-key order, parallelism across keys, retries with
// backoff and Retry-After, dead letters, stop_on_dead holding a key until replay,
// a window smaller than the backlog, and restart from the store.
#include "engine/core/delivery_scheduler.h"

#include <catch2/catch.hpp>

#include <boost/asio/thread_pool.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <map>
#include <set>
#include <thread>

#include "engine/base/clock.h"
#include "tests/store/store_test_util.h"

using namespace lienthong;
using namespace lienthong::core;
using namespace lienthong::testing;
using namespace std::chrono_literals;

namespace {

// Answers each item by a rule, on another thread after a short delay, and
// records what it saw: the order per key, the largest number in flight.
class ScriptedDestination : public Destination {
 public:
  struct Shared {
    std::mutex mu;
    std::map<std::string, std::vector<std::string>> bodies_by_key;  // accepted bodies, in order
    std::vector<std::string> all;                                   // every attempt's body
    int in_flight = 0;
    int max_in_flight = 0;
    std::function<DeliveryResult(const DeliveryItem&, int seen)> rule;  // seen: attempts of this body so far
    std::map<std::string, int> seen;
    std::vector<std::thread> threads;
    ~Shared() {
      for (auto& t : threads) t.join();
    }
  };
  explicit ScriptedDestination(std::shared_ptr<Shared> shared) : shared_(std::move(shared)) {}

  void deliver(const DeliveryItem& item, DeliveryCallback done) override {
    std::lock_guard lock(shared_->mu);
    const int seen = ++shared_->seen[item.body];
    shared_->all.push_back(item.body);
    shared_->in_flight++;
    shared_->max_in_flight = std::max(shared_->max_in_flight, shared_->in_flight);
    DeliveryResult result = shared_->rule ? shared_->rule(item, seen) : DeliveryResult{Verdict::kOk, "ok", {}};
    std::string body = item.body;
    auto shared = shared_;
    shared_->threads.emplace_back([shared, body, result, done = std::move(done)] {
      std::this_thread::sleep_for(2ms);
      {
        std::lock_guard lock(shared->mu);
        shared->in_flight--;
        if (result.verdict == Verdict::kOk) {
          auto key = body.substr(0, body.find(':'));
          shared->bodies_by_key[key].push_back(body);
        }
      }
      done(result);
    });
  }
  void shutdown() override {}

 private:
  std::shared_ptr<Shared> shared_;
};

struct Harness {
  TempDir dir;
  std::unique_ptr<store::SqliteStore> store;
  boost::asio::io_context io{2};
  boost::asio::thread_pool reads{1};
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work;
  std::vector<std::thread> threads;
  std::shared_ptr<ScriptedDestination::Shared> shared = std::make_shared<ScriptedDestination::Shared>();
  std::shared_ptr<DeliveryScheduler> scheduler;

  Harness() {
    auto st = store::SqliteStore::open(options_for(dir.file("d.db")));
    REQUIRE(st.ok());
    store = std::move(*st);
    work.emplace(io.get_executor());
    for (int i = 0; i < 2; ++i) threads.emplace_back([this] { io.run(); });
  }
  ~Harness() {
    stop();
    work.reset();
    for (auto& t : threads) t.join();
    reads.join();
    store->close();
  }
  void start(DeliveryPolicy policy) {
    scheduler = DeliveryScheduler::create(io, reads.get_executor(), *store, "ehr", policy, std::make_unique<ScriptedDestination>(shared));
    scheduler->start();
  }
  void stop() {
    if (!scheduler) return;
    std::promise<void> stopped;
    scheduler->stop([&] { stopped.set_value(); });
    REQUIRE(stopped.get_future().wait_for(30s) == std::future_status::ready);
    scheduler.reset();
  }
  // Appends one message whose single item has body "KEY:N" and offers it.
  std::vector<store::OutboundItem> add(const std::string& key, int n, const std::string& type = "ADT") {
    store::InboundRecord r = make_record(key + "-" + std::to_string(n));
    r.message_type = type;
    store::OutboundRecord o;
    o.route = "r";
    o.destination = "ehr";
    o.ordering_key = key;
    o.content_type = "application/fhir+json";
    o.body = key + ":" + std::to_string(n);
    r.outbound.push_back(o);
    auto appended = append_wait(*store, std::move(r));
    REQUIRE(appended.ok());
    if (scheduler) scheduler->offer(appended->items);
    return appended->items;
  }
  std::vector<std::string> accepted(const std::string& key) {
    std::lock_guard lock(shared->mu);
    return shared->bodies_by_key[key];
  }
  std::size_t accepted_total() {
    std::lock_guard lock(shared->mu);
    std::size_t n = 0;
    for (auto& [k, v] : shared->bodies_by_key) n += v.size();
    return n;
  }
};

std::vector<std::string> expected(const std::string& key, int from, int to) {
  std::vector<std::string> out;
  for (int i = from; i <= to; ++i) out.push_back(key + ":" + std::to_string(i));
  return out;
}

}  // namespace

TEST_CASE("delivery: per-key order kept while keys go in parallel (DLV-2.1, DLV-2.2)", "[delivery]") {
  Harness h;
  DeliveryPolicy policy;
  policy.concurrency = 4;
  h.start(policy);
  for (int n = 1; n <= 20; ++n) {
    for (const char* key : {"P1", "P2", "P3", "P4", "P5", "P6"}) h.add(key, n);
  }
  REQUIRE(eventually([&] { return h.accepted_total() == 120; }));
  for (const char* key : {"P1", "P2", "P3", "P4", "P5", "P6"}) CHECK(h.accepted(key) == expected(key, 1, 20));
  std::lock_guard lock(h.shared->mu);
  CHECK(h.shared->max_in_flight > 1);   // different keys did go in parallel
  CHECK(h.shared->max_in_flight <= 4);  // never beyond concurrency
  CHECK(h.shared->all.size() == 120);   // nothing sent twice
}

TEST_CASE("delivery: a retried item keeps its key's later items behind it (DLV-3.1)", "[delivery]") {
  Harness h;
  // What each attempt of P1:1 said about itself (the rule runs under shared->mu).
  std::vector<std::pair<int, std::int64_t>> p1_attempts;  // attempt, created_at_us
  const std::int64_t before_us = lienthong::unix_now_us();
  h.shared->rule = [&p1_attempts](const DeliveryItem& item, int seen) {
    if (item.body == "P1:1") p1_attempts.emplace_back(item.attempt, item.created_at_us);
    if (item.body == "P1:1" && seen < 3) return DeliveryResult{Verdict::kRetry, "HTTP 503", std::nullopt};
    return DeliveryResult{Verdict::kOk, "HTTP 200", std::nullopt};
  };
  DeliveryPolicy policy;
  policy.backoff_initial = 5ms;
  policy.backoff_max = 20ms;
  h.start(policy);
  for (int n = 1; n <= 5; ++n) h.add("P1", n);
  for (int n = 1; n <= 5; ++n) h.add("P2", n);
  REQUIRE(eventually([&] { return h.accepted_total() == 10; }));
  CHECK(h.accepted("P1") == expected("P1", 1, 5));
  CHECK(h.accepted("P2") == expected("P2", 1, 5));
  auto detail = h.store->get(1);
  REQUIRE(detail.ok());
  REQUIRE(detail->has_value());
  REQUIRE(eventually([&] {
    auto d = h.store->get(1);
    return d.ok() && d->has_value() && (*d)->items.size() == 1 && (*d)->items[0].item.status == "done";
  }));
  auto done = h.store->get(1);
  CHECK((*done)->items[0].attempts.size() == 3);
  CHECK((*done)->items[0].attempts[0].outcome == "retry");
  CHECK((*done)->items[0].attempts[2].outcome == "ok");
  // Every attempt carries its number and the time intake stored the item (the same each time).
  std::lock_guard lock(h.shared->mu);
  REQUIRE(p1_attempts.size() == 3);
  for (int i = 0; i < 3; ++i) {
    CHECK(p1_attempts[i].first == i + 1);
    CHECK(p1_attempts[i].second == (*done)->items[0].item.created_at_us);
  }
  CHECK(p1_attempts[0].second >= before_us);
}

TEST_CASE("delivery: Retry-After is honoured over a shorter backoff (DLV-3.2)", "[delivery]") {
  Harness h;
  std::vector<std::chrono::steady_clock::time_point> times;
  h.shared->rule = [&times](const DeliveryItem&, int seen) {
    times.push_back(std::chrono::steady_clock::now());
    if (seen == 1) return DeliveryResult{Verdict::kRetry, "HTTP 429", std::chrono::milliseconds(300)};
    return DeliveryResult{Verdict::kOk, "HTTP 200", std::nullopt};
  };
  DeliveryPolicy policy;
  policy.backoff_initial = 1ms;
  h.start(policy);
  h.add("P1", 1);
  REQUIRE(eventually([&] { return h.accepted_total() == 1; }));
  std::lock_guard lock(h.shared->mu);
  REQUIRE(times.size() == 2);
  CHECK(times[1] - times[0] >= 300ms);
}

TEST_CASE("delivery: max_attempts makes an item dead; without stop_on_dead its key goes on (DLV-4, DLV-6.1)",
          "[delivery]") {
  Harness h;
  h.shared->rule = [](const DeliveryItem& item, int) {
    if (item.body == "P1:2") return DeliveryResult{Verdict::kRetry, "HTTP 500", std::nullopt};
    return DeliveryResult{Verdict::kOk, "HTTP 200", std::nullopt};
  };
  DeliveryPolicy policy;
  policy.backoff_initial = 1ms;
  policy.backoff_max = 2ms;
  policy.max_attempts = 3;
  policy.stop_on_dead = {"ADT"};
  h.start(policy);
  for (int n = 1; n <= 3; ++n) h.add("P1", n, "ORU");  // ORU: not held back
  REQUIRE(eventually([&] { return h.accepted_total() == 2; }));
  CHECK(h.accepted("P1") == std::vector<std::string>{"P1:1", "P1:3"});
  REQUIRE(eventually([&] {
    auto c = h.store->queue_counts();
    return c.ok() && c->size() == 1 && (*c)[0].dead == 1 && (*c)[0].done == 2;
  }));
  auto detail = h.store->get(2);
  REQUIRE(detail.ok());
  CHECK((*detail)->items[0].item.last_error.find("gave up after 3 attempts") != std::string::npos);
}

TEST_CASE("delivery: stop_on_dead holds the key until the dead item is replayed, then all go in order (DLV-6)",
          "[delivery]") {
  Harness h;
  std::atomic<bool> refuse{true};
  h.shared->rule = [&refuse](const DeliveryItem& item, int) {
    if (item.body == "P1:2" && refuse) return DeliveryResult{Verdict::kFail, "HTTP 422: invalid", std::nullopt};
    return DeliveryResult{Verdict::kOk, "HTTP 200", std::nullopt};
  };
  DeliveryPolicy policy;  // stop_on_dead: ADT by default
  h.start(policy);
  for (int n = 1; n <= 4; ++n) h.add("P1", n);
  for (int n = 1; n <= 2; ++n) h.add("P2", n);
  REQUIRE(eventually([&] { return h.accepted_total() == 3; }));  // P1:1, P2:1, P2:2
  h.add("P1", 5);                                               // arrives while the key is held
  REQUIRE(eventually([&] {
    auto c = h.store->queue_counts();
    return c.ok() && c->size() == 1 && (*c)[0].dead == 1 && (*c)[0].held == 3;
  }));
  CHECK(h.accepted("P1") == std::vector<std::string>{"P1:1"});

  refuse = false;
  store::ReplayRequest request;
  request.destination = "ehr";
  std::promise<Result<std::vector<std::int64_t>>> replayed;
  h.store->replay(request, [&](Result<std::vector<std::int64_t>> r) { replayed.set_value(std::move(r)); });
  auto created = replayed.get_future().get();
  REQUIRE(created.ok());
  CHECK(created->size() == 4);  // the dead item and the three held behind it
  // The scheduler finds the copies at its next poll (as when another process replays).
  REQUIRE(eventually([&] { return h.accepted_total() == 7; }));
  CHECK(h.accepted("P1") == expected("P1", 1, 5));
}

TEST_CASE("delivery: a backlog larger than the window drains in order from the store (DLV-7)", "[delivery]") {
  Harness h;
  for (int n = 1; n <= 300; ++n) h.add(n % 2 ? "P1" : "P2", n);  // before start: all in the store
  DeliveryPolicy policy;
  policy.window = 32;
  policy.concurrency = 8;
  h.start(policy);
  for (int n = 301; n <= 400; ++n) h.add(n % 2 ? "P1" : "P2", n);  // offered while spilled
  REQUIRE(eventually([&] { return h.accepted_total() == 400; }));
  std::vector<std::string> p1, p2;
  for (int n = 1; n <= 400; ++n) (n % 2 ? p1 : p2).push_back((n % 2 ? "P1:" : "P2:") + std::to_string(n));
  CHECK(h.accepted("P1") == p1);
  CHECK(h.accepted("P2") == p2);
  CHECK(h.scheduler->counters().in_memory <= 32);
}

TEST_CASE("delivery: items offered while a store read is out are sent once, in order (DLV-7)", "[delivery]") {
  Harness h;
  for (int n = 1; n <= 20; ++n) h.add("P1", n);  // before start: in the store only
  // Hold the read thread, so the start's read waits while more items are offered.
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  boost::asio::post(h.reads, [released] { released.wait(); });
  DeliveryPolicy policy;
  policy.window = 64;
  h.start(policy);
  for (int n = 21; n <= 40; ++n) h.add("P1", n);  // committed before the read: the read sees them too
  CHECK(h.accepted_total() == 0);                  // nothing goes before the read
  release.set_value();
  REQUIRE(eventually([&] { return h.accepted_total() == 40; }));
  for (int n = 41; n <= 50; ++n) h.add("P1", n);
  REQUIRE(eventually([&] { return h.accepted_total() == 50; }));
  CHECK(h.accepted("P1") == expected("P1", 1, 50));
  std::lock_guard lock(h.shared->mu);
  CHECK(h.shared->all.size() == 50);  // none sent twice
}

TEST_CASE("delivery: a restarted scheduler resends what was not answered, in order (DLV-5)", "[delivery]") {
  Harness h;
  std::atomic<bool> down{true};
  h.shared->rule = [&down](const DeliveryItem&, int) {
    return down ? DeliveryResult{Verdict::kRetry, "connect: refused", std::nullopt}
                : DeliveryResult{Verdict::kOk, "HTTP 200", std::nullopt};
  };
  DeliveryPolicy policy;
  policy.backoff_initial = 50ms;
  h.start(policy);
  for (int n = 1; n <= 10; ++n) h.add("P1", n);
  REQUIRE(eventually([&] { return h.scheduler->counters().retried >= 1; }));
  h.stop();
  down = false;
  h.start(policy);
  REQUIRE(eventually([&] { return h.accepted_total() == 10; }));
  CHECK(h.accepted("P1") == expected("P1", 1, 10));
}
