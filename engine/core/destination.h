// Destinations: where outbound items go (a FHIR server, an MLLP peer, a
// directory). The core knows no concrete type: the CLI registers each type once
// ("fhir", "mllp", "file") with a parse function for its own config keys and a
// factory; the delivery scheduler (delivery_scheduler.h) hands each item to its
// destination and acts on the verdict (docs/specs/delivery.md):
//   kOk    - the peer took it (HTTP 2xx, AA/CA, file renamed into place): done;
//   kRetry - try again later (408/429/5xx, connection errors, timeouts, AE by policy);
//   kFail  - the peer refuses it for good (other 4xx, AR by policy): dead letter.
// The keys every destination has (name, type, concurrency, retries, stop_on_dead)
// are read by the core (delivery_config.h); a type reads only its own.
//
// Thread-safety: deliver() is called from the scheduler's strand, up to the
// destination's `concurrency` times before any answer; `done` may be called on any
// thread, exactly once per deliver(), also after shutdown() (then kRetry).
#pragma once

#include <any>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "engine/core/config_reader.h"

namespace lienthong::core {

// Content types of outbound bodies: what a route produces, what a destination takes.
inline constexpr const char* kContentFhirJson = "application/fhir+json";
inline constexpr const char* kContentHl7v2 = "x-application/hl7-v2+er7";

enum class Verdict : std::uint8_t { kOk, kRetry, kFail };

struct DeliveryResult {
  Verdict verdict = Verdict::kRetry;
  // What the peer said, short and without message content: "HTTP 201",
  // "HTTP 422: <OperationOutcome issue text>", "AE: <ERR text>", "connect: refused".
  // Stored with the attempt; logged only at debug level (it may echo patient data).
  std::string detail;
  // The peer asked to wait (HTTP Retry-After); the scheduler waits at least this long.
  std::optional<std::chrono::milliseconds> retry_after;
};

// One item to deliver. Valid until `done` has been called.
struct DeliveryItem {
  std::int64_t id = 0;          // outbound item id (unique, increasing in intake order)
  std::int64_t message_id = 0;  // the inbound message it came from
  std::string route;            // route name
  std::string message_type;     // "ADT^A01" of the inbound message
  std::string control_id;       // MSH-10 of the inbound message
  std::string content_type;     // kContentFhirJson or kContentHl7v2
  std::string body;
  int attempt = 1;              // 1 for the first try
  std::int64_t created_at_us = 0;  // when intake stored the item (a replay: when it was requeued); 0: unknown
};

using DeliveryCallback = std::function<void(DeliveryResult)>;

class Destination {
 public:
  virtual ~Destination() = default;
  virtual void deliver(const DeliveryItem& item, DeliveryCallback done) = 0;
  // Stops sending: items in flight are answered kRetry ("shutting down") soon;
  // deliver() after this answers kRetry at once. Any thread.
  virtual void shutdown() = 0;
};

struct DestinationType {
  // Content types this type can send (kContentFhirJson, kContentHl7v2): a route
  // that produces anything else for it is a config error.
  std::vector<std::string> accepts;
  // Reads the type's own keys of one destination object (the common keys are
  // already read; the loader reports unknown keys afterwards). Errors are recorded
  // in the object. The result is handed back to `create`.
  std::function<std::any(const ConfigObject&)> parse;
  // Builds the destination (no I/O yet); throws std::runtime_error on
  // misconfiguration found only now (e.g. a TLS context that cannot be made).
  std::function<std::unique_ptr<Destination>(boost::asio::io_context&, const std::string& name,
                                             const std::any& settings)>
      create;
};

class DestinationRegistry {
 public:
  void add(std::string type, DestinationType destination_type) {
    types_[std::move(type)] = std::move(destination_type);
  }
  const DestinationType* find(const std::string& type) const {
    auto it = types_.find(type);
    return it == types_.end() ? nullptr : &it->second;
  }
  std::vector<std::string> names() const {
    std::vector<std::string> out;
    for (const auto& entry : types_) out.push_back(entry.first);
    return out;
  }

 private:
  std::map<std::string, DestinationType> types_;
};

}  // namespace lienthong::core
