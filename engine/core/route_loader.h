// Reading routes/*.json into a RouteTable (route.h), checked against the rest of
// the configuration: each `from` names a listener, each `to` a destination that
// accepts what the route produces, each mapping compiles. Every mistake is
// reported as "FILE: $.json.path: what was expected"; a table is returned only
// when there is none.
//
// Thread-safety: start-up (and reload) work on one thread.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "engine/core/route.h"

namespace lienthong::core {

struct RouteContext {
  std::filesystem::path routes_dir;     // every *.json file in it is one route
  std::filesystem::path mappings_root;  // mapping names and $include are relative to it
  std::vector<std::string> listeners;   // names
  struct DestinationInfo {
    std::string name;
    std::vector<std::string> accepts;
  };
  std::vector<DestinationInfo> destinations;
};

// Appends every mistake to `errors`; returns the table only when it added none.
std::shared_ptr<const RouteTable> load_routes(const RouteContext& context, std::vector<std::string>& errors);

}  // namespace lienthong::core
