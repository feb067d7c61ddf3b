// FhirDestination: the "fhir" destination. Sends each outbound FHIR Bundle to a
// FHIR server over HTTP/1.1 (TLS for https://) through a keep-alive pool, and
// answers with a verdict (http_verdict.h):
//   transaction mode: one POST of the Bundle to the base URL;
//   resources mode:   one request per entry, in Bundle order, stopping at the first
//                     answer that is not 2xx (its verdict is the item's).
// Connection failures, resets and time limits are kRetry with a short reason.
//
// Thread-safety: as core::Destination. deliver() and shutdown() from any thread;
// `done` runs on a connection's strand, or inline in deliver() when the answer is
// known at once (after shutdown: kRetry "shutting down"; an item this type cannot
// send: kFail), or inline in shutdown() for items still waiting for a connection.
// Exactly once per deliver(). In-flight work holds its own state (shared), so the
// destination may be destroyed after shutdown() while answers are still coming;
// the io_context must keep running until they have.
#pragma once

#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>

#include "adapters/http/fhir_destination_config.h"
#include "adapters/http/http_connection.h"
#include "engine/core/destination.h"

namespace lienthong::adapters::http {

class FhirDestination : public core::Destination {
 public:
  // No I/O yet. Throws std::runtime_error when the TLS context cannot be made
  // (an unreadable or invalid ca_file).
  FhirDestination(boost::asio::io_context& io, std::string name, const FhirDestinationConfig& config,
                  HttpLog log = nullptr);
  ~FhirDestination() override;

  void deliver(const core::DeliveryItem& item, core::DeliveryCallback done) override;
  void shutdown() override;

  // Connections open or being opened (tests, stats).
  std::size_t connections() const;

  struct Shared;

 private:
  std::shared_ptr<Shared> shared_;
};

}  // namespace lienthong::adapters::http
