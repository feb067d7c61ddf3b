// Helpers for the store tests: a temporary directory under the build tree,
// record builders, and waiting for append callbacks (with generous time-outs
// only to avoid hangs, never as assertions of speed).
#pragma once

#include <stdlib.h>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <future>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "engine/store/sqlite_store.h"

namespace lienthong::testing {

class TempDir {
 public:
  TempDir() {
    std::filesystem::path root = std::filesystem::path(LIENTHONG_BINARY_DIR) / "test-tmp";
    std::filesystem::create_directories(root);
    std::string tmpl = (root / "store-XXXXXX").string();
    path_ = mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::filesystem::path path() const { return path_; }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

inline std::int64_t now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

inline store::InboundRecord make_record(const std::string& control_id,
                                        std::int64_t received_at_us = now_us()) {
  store::InboundRecord r;
  r.source = "mllp-adt";
  r.peer = "127.0.0.1:40000";
  r.received_at_us = received_at_us;
  r.raw = "MSH|^~\\&|HIS|BV_BACHMAI|LT|LT|20240101120000||ADT^A01^ADT_A01|" + control_id +
          "|P|2.5\rEVN|A01|20240101120000\r";
  r.encoding = "utf-8";
  r.message_type = "ADT";
  r.trigger_event = "A01";
  r.version = "2.5";
  r.control_id = control_id;
  r.sending_application = "HIS";
  r.sending_facility = "BV_BACHMAI";
  r.status = "accepted";
  r.ack = "MSH|^~\\&|LT|LT|HIS|BV_BACHMAI|20240101120000||ACK^A01^ACK|A" + control_id +
          "|P|2.5\rMSA|AA|" + control_id + "\r";
  return r;
}

inline store::SqliteStoreOptions options_for(const std::string& path) {
  store::SqliteStoreOptions o;
  o.path = path;
  return o;
}

// Appends and waits for the callback.
inline Result<store::Appended> append_wait(store::Store& s, store::InboundRecord r) {
  auto promise = std::make_shared<std::promise<Result<store::Appended>>>();
  auto future = promise->get_future();
  s.append(std::move(r), [promise](Result<store::Appended> out) { promise->set_value(std::move(out)); });
  if (future.wait_for(std::chrono::seconds(30)) != std::future_status::ready) {
    return Error{"test time-out waiting for the append callback", {}};
  }
  return future.get();
}

// Opens the store at `path`, appends `r`, closes the store; returns the new id.
inline std::int64_t append_and_close(const std::string& path, store::InboundRecord r) {
  auto opened = store::SqliteStore::open(options_for(path));
  if (!opened.ok()) throw std::runtime_error("cannot open " + path + ": " + opened.error().message);
  auto out = append_wait(**opened, std::move(r));
  if (!out.ok()) throw std::runtime_error("append failed: " + out.error().message);
  return out->id;
}

// Polls `done` until it is true, for up to 20 s (a time-out only against hangs).
template <class F>
bool eventually(F done) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return true;
}

// Collects outcomes of many asynchronous appends.
class Outcomes {
 public:
  store::AppendCallback callback(std::size_t index) {
    {
      std::lock_guard lock(mu_);
      if (results_.size() <= index) results_.resize(index + 1);
    }
    return [this, index](Result<store::Appended> r) {
      std::lock_guard lock(mu_);
      results_[index].emplace(std::move(r));
      ++done_;
      cv_.notify_all();
    };
  }
  // True when `n` callbacks ran before the time-out.
  bool wait_for(std::size_t n) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, std::chrono::seconds(30), [&] { return done_ >= n; });
  }
  std::size_t done() {
    std::lock_guard lock(mu_);
    return done_;
  }
  std::vector<std::optional<Result<store::Appended>>> results() {
    std::lock_guard lock(mu_);
    return results_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::optional<Result<store::Appended>>> results_;
  std::size_t done_ = 0;
};

}  // namespace lienthong::testing
