// Helpers for the "fhir" destination's tests: io threads for the client, a
// collector of delivery answers that counts calls per item, and a destination
// made from JSON config text (so the config reader is on the path too).
#pragma once

#include <catch2/catch.hpp>

#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include "adapters/http/fhir_destination.h"
#include "adapters/http/fhir_destination_config_reader.h"
#include "engine/core/config_reader.h"

namespace lienthong::testing {

// The engine runs destinations on 1-2 io threads; the tests use two.
class ClientIo {
 public:
  ClientIo() : work_(io_.get_executor()) {
    for (int i = 0; i < 2; ++i) threads_.emplace_back([this] { io_.run(); });
  }
  ~ClientIo() {
    work_.reset();
    for (auto& t : threads_) t.join();
  }
  boost::asio::io_context& io() { return io_; }

 private:
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  std::vector<std::thread> threads_;
};

// Every answer by item id, and how often each item's callback ran.
class Answers {
 public:
  core::DeliveryCallback callback(std::int64_t id) {
    return [this, id](core::DeliveryResult result) {
      std::lock_guard lock(mutex_);
      ++calls_[id];
      results_[id] = std::move(result);
      ++total_;
      changed_.notify_all();
    };
  }
  bool wait(std::size_t count, std::chrono::milliseconds limit = std::chrono::seconds(20)) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, limit, [&] { return total_ >= count; });
  }
  core::DeliveryResult result(std::int64_t id) {
    std::lock_guard lock(mutex_);
    return results_.at(id);
  }
  int calls(std::int64_t id) {
    std::lock_guard lock(mutex_);
    return calls_.count(id) ? calls_[id] : 0;
  }
  std::size_t total() {
    std::lock_guard lock(mutex_);
    return total_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::map<std::int64_t, core::DeliveryResult> results_;
  std::map<std::int64_t, int> calls_;
  std::size_t total_ = 0;
};

// Reads a destination object (JSON text) and requires it to be free of errors.
inline adapters::http::FhirDestinationConfig fhir_config(const std::string& json) {
  auto doc = core::ConfigDocument::parse(json, "lienthong.json");
  const core::ConfigObject root = doc.root();  // one object: it remembers the keys read
  adapters::http::FhirDestinationConfig config = adapters::http::read_fhir_destination_config(root);
  root.finish();
  std::string all;
  for (const auto& e : doc.errors()) all += e + "\n";
  INFO(all);
  REQUIRE(doc.errors().empty());
  return config;
}

inline core::DeliveryItem fhir_item(std::int64_t id, std::string body) {
  core::DeliveryItem item;
  item.id = id;
  item.message_id = id;
  item.route = "adt";
  item.message_type = "ADT^A01";
  item.control_id = "MSG" + std::to_string(id);
  item.content_type = core::kContentFhirJson;
  item.body = std::move(body);
  return item;
}

inline const char* kTransactionBundle =
    R"({"resourceType":"Bundle","type":"transaction","entry":[)"
    R"({"fullUrl":"urn:uuid:1","resource":{"resourceType":"Patient","id":"p1","active":true},)"
    R"("request":{"method":"PUT","url":"Patient?identifier=urn:oid:1.2|123"}},)"
    R"({"fullUrl":"urn:uuid:2","resource":{"resourceType":"Encounter","id":"e1","status":"finished"},)"
    R"("request":{"method":"PUT","url":"Encounter?identifier=urn:oid:1.3|E9"}}]})";

// Delivers `item` and waits for its one answer.
inline core::DeliveryResult deliver_one(adapters::http::FhirDestination& destination, core::DeliveryItem item) {
  Answers answers;
  const std::int64_t id = item.id;
  destination.deliver(item, answers.callback(id));
  REQUIRE(answers.wait(1));
  return answers.result(id);
}

}  // namespace lienthong::testing
