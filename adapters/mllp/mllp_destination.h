// MllpDestination: the "mllp" destination. HL7 v2 items go to one MLLP peer over
// `connections` connections, each owned by a worker thread with its own MllpSender
// (synchronous: send, wait for the ACK whose MSA-2 is the item's MSH-10). The sender
// tries each item once (max_attempts 1): retries are the delivery scheduler's.
//
// Verdicts (verdict_for):
//   AA / CA                          -> kOk    "AA" / "CA"
//   AE / CE                          -> on_ae: kRetry (default) or kFail, "AE: <text>"
//   AR / CR                          -> on_ar: kFail (default) or kRetry, "AR: <text>"
//   any other MSA-1                  -> kRetry "ACK code \"XY\""
//   connect failure, connection lost, no matching ACK within ack_timeout -> kRetry
//   a body without MSH-10, a content type other than HL7 v2            -> kFail
// <text> is the first ERR's ERR-8 (user message), else ERR-3 (error code text or
// code), else ERR-1 (before v2.5), else MSA-3; trimmed, at most 300 bytes.
//
// Threading: deliver() queues the item (any thread) and returns; a free worker takes
// it and calls `done` on its own thread. The queue needs no bound: the scheduler
// has at most `concurrency` items out per destination. With several connections,
// items can reach the peer out of order. shutdown() (any thread, also from a
// callback) answers queued items kRetry "shutting down" on the calling thread,
// cancels the sends in flight (their sockets are closed, so none waits for its ACK
// timeout; their answer is kRetry "shutting down" unless the ACK was already read)
// and joins the workers. The destructor calls shutdown(); it must not run on a worker.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "adapters/mllp/mllp_destination_config.h"
#include "adapters/mllp/mllp_log.h"
#include "adapters/mllp/mllp_sender.h"
#include "engine/core/destination.h"

namespace lienthong::adapters::mllp {

// What one send's outcome means to the scheduler, by the config's policies.
core::DeliveryResult verdict_for(const Result<SentAck, SendError>& outcome, const MllpDestinationConfig& config);

// The error text of a negative ACK (see above); "" when it carries none.
std::string ack_error_text(const std::string& ack);

class MllpDestination : public core::Destination {
 public:
  // Starts the workers; nothing connects until the first item.
  MllpDestination(std::string name, MllpDestinationConfig config, LogFn log = {});
  ~MllpDestination() override;
  MllpDestination(const MllpDestination&) = delete;
  MllpDestination& operator=(const MllpDestination&) = delete;

  void deliver(const core::DeliveryItem& item, core::DeliveryCallback done) override;
  void shutdown() override;

 private:
  struct Job {
    std::string body;
    core::DeliveryCallback done;
  };
  struct Worker {
    std::unique_ptr<MllpSender> sender;
    std::thread thread;
  };

  void run(MllpSender& sender);
  bool on_worker_thread() const;

  std::string name_;
  MllpDestinationConfig config_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Job> queue_;   // guarded by mutex_
  bool stopping_ = false;   // guarded by mutex_
  std::vector<Worker> workers_;  // fixed after the constructor
  std::mutex join_mutex_;        // one joiner at a time
};

}  // namespace lienthong::adapters::mllp
