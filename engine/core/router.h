// Router: what an accepted message becomes at intake, before its transaction
// (docs/specs/delivery.md DLV-1): for every route that takes it, the route's
// mapping is run once and one outbound record is made per destination, with the
// destination's ordering key. A mapping that rejects the message either rejects
// it as a whole (AE with the mapping's reason; nothing of it is delivered) or,
// when its route says "on_mapping_error": "dead", becomes dead records that keep
// the reason. A message no route takes is accepted or rejected per `unrouted`.
//
// Thread-safety: immutable; route() may run on any number of threads at once.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/core/route.h"
#include "engine/hl7v2/message.h"
#include "engine/mapping/run.h"
#include "engine/store/outbound.h"

namespace lienthong::core {

enum class Unrouted { kAccept, kReject };

struct Routing {
  std::vector<store::OutboundRecord> outbound;
  std::size_t routes = 0;               // routes that took the message
  std::optional<std::string> rejected;  // why the message is answered AE (no patient data from us)
  bool no_route = false;                // rejected because no route takes it (ERR 200, not 207)
};

class Router {
 public:
  // `mapping` holds what every mapping run is given: the zone and the default country.
  Router(std::shared_ptr<const RouteTable> table, Unrouted unrouted, mapping::RunOptions mapping);

  // `raw` is the message as received: what a route without a mapping passes on.
  Routing route(const std::string& source, const hl7v2::Message& message, std::string_view raw) const;
  const RouteTable& table() const { return *table_; }
  // What every mapping run is given (also the zone of the ACKs' MSH-7).
  const mapping::RunOptions& mapping_options() const { return mapping_; }

 private:
  std::shared_ptr<const RouteTable> table_;
  Unrouted unrouted_;
  mapping::RunOptions mapping_;
};

}  // namespace lienthong::core
