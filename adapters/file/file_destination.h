// FileDestination: the "file" destination. Each delivered item becomes one file in
// the configured directory, named by the config's pattern and written atomically
// (atomic_file_write.h): a reader of the directory sees whole files or none.
//
// Verdicts:
//   kOk    - the file is renamed into place and the directory synced ("file <name>");
//   kRetry - an I/O error ("write: No space left on device"; never the content), or
//            shutting down;
//   kFail  - the item cannot ever be written: a content type the destination does not
//            take, or a name its values make unusable (e.g. longer than 255 bytes).
//
// Threading: writes and fsyncs run on one thread the destination owns, so the
// scheduler's network threads never wait on the disk; items are written one at a
// time in the order deliver() was called, and callbacks run on that thread.
// deliver() and shutdown() may be called from any thread. shutdown() answers items
// not yet started with kRetry ("shutting down"), lets the one being written finish,
// and joins the thread (except when called from a callback, which runs on it: then
// the destructor joins). deliver() after shutdown() answers kRetry at once.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <string>

#include <boost/asio/thread_pool.hpp>

#include "adapters/file/file_destination_config.h"
#include "engine/core/destination.h"

namespace lienthong::adapters::file {

class FileDestination : public core::Destination {
 public:
  // Creates the directory (and parents); throws std::runtime_error when it cannot.
  FileDestination(std::string name, FileDestinationConfig config);
  ~FileDestination() override;
  FileDestination(const FileDestination&) = delete;
  FileDestination& operator=(const FileDestination&) = delete;

  void deliver(const core::DeliveryItem& item, core::DeliveryCallback done) override;
  void shutdown() override;

  // For tests: the clock {date} is taken from (default: system_clock::now).
  void set_clock(std::function<std::chrono::system_clock::time_point()> clock) { clock_ = std::move(clock); }

 private:
  core::DeliveryResult write(const core::DeliveryItem& item) const;

  std::string name_;
  FileDestinationConfig config_;
  std::function<std::chrono::system_clock::time_point()> clock_;
  boost::asio::thread_pool writer_{1};  // one thread: writes are serial, in call order
  std::mutex mutex_;                    // orders deliver()'s post against shutdown()
  bool stopped_ = false;                // guarded by mutex_
  std::atomic<bool> stopping_{false};   // read by the writer without the lock
  std::atomic<bool> joined_{false};
};

}  // namespace lienthong::adapters::file
