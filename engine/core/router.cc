#include "engine/core/router.h"

#include <filesystem>

#include "engine/mapping/run.h"

namespace lienthong::core {

Router::Router(std::shared_ptr<const RouteTable> table, Unrouted unrouted, mapping::RunOptions mapping)
    : table_(std::move(table)), unrouted_(unrouted), mapping_(std::move(mapping)) {}

Routing Router::route(const std::string& source, const hl7v2::Message& message, std::string_view raw) const {
  Routing out;
  for (const Route& r : table_->routes) {
    if (!r.takes(source, message)) continue;
    ++out.routes;
    std::string body;
    std::string failure;
    if (const mapping::MappingPlan* plan = r.plan_for(message)) {
      auto mapped = mapping::run(*plan, message, mapping_);
      if (mapped) {
        body = std::move(mapped->json);
      } else {
        // A route that maps "hl7v2/" names the file chosen for this message, not the directory.
        std::string name = r.mapping_name;
        if (!name.empty() && name.back() == '/') name += std::filesystem::path(plan->file()).filename().string();
        failure = "route " + r.name + ": mapping " + name + ": " + mapped.error().message;
        if (r.on_mapping_error == OnMappingError::kReject) {
          out.outbound.clear();
          out.rejected = std::move(failure);
          return out;
        }
      }
    } else {
      body = std::string(raw);
    }
    for (std::size_t i = 0; i < r.to.size(); ++i) {
      const RouteTarget& t = r.to[i];
      store::OutboundRecord record;
      record.route = r.name;
      record.destination = t.destination;
      record.ordering_key = t.key_of(message, source);
      record.content_type = r.content_type();
      if (failure.empty()) {
        // The last destination takes the body; the others get copies.
        record.body = i + 1 == r.to.size() ? std::move(body) : body;
      } else {
        record.status = "dead";
        record.error = failure;
      }
      out.outbound.push_back(std::move(record));
    }
  }
  if (out.routes == 0 && unrouted_ == Unrouted::kReject) {
    out.no_route = true;
    out.rejected = "no route takes " + std::string(message.message_code()) + "^" +
                   std::string(message.trigger_event()) + " from listener " + source;
  }
  return out;
}

}  // namespace lienthong::core
