// `lienthong check [--config FILE]`: checks the whole configuration (the file,
// its routes and their mappings); prints every error (exit 2), or "config ok"
// and what it found: listeners, destinations, routes.
#include <cstdio>
#include <string>

#include "cli/engine_commands.h"
#include "cli/hl7_command.h"

namespace lienthong::cli {

int run_check(const std::vector<std::string>& arguments) {
  std::vector<std::string> args = arguments;
  auto file = take_config_option(args);
  if (!file.ok() || !args.empty()) {
    std::fputs("usage: lienthong check [--config FILE]\n", stderr);
    return kExitUsage;
  }
  auto config = load_engine_config(*file);
  if (!config.ok()) {
    for (const auto& line : config.error()) std::fprintf(stderr, "%s\n", line.c_str());
    return kExitBadInput;
  }
  std::printf("config ok\n");
  std::string line;
  for (const auto& l : config->listeners) {
    line += (line.empty() ? "" : ", ") + l.name + " (" + l.type + " " + l.spec.host + ":" + std::to_string(l.spec.port) + ")";
  }
  std::printf("listeners: %s\n", line.empty() ? "none" : line.c_str());
  line.clear();
  for (const auto& d : config->destinations) line += (line.empty() ? "" : ", ") + d.name + " (" + d.type + ")";
  std::printf("destinations: %s\n", line.empty() ? "none" : line.c_str());
  line.clear();
  for (const auto& r : config->routes->routes) {
    std::string to;
    for (const auto& t : r.to) to += (to.empty() ? "" : ", ") + t.destination;
    std::string mapping = r.mapping_name.empty() ? "pass-through" : r.mapping_name;
    if (!r.plans_by_type.empty()) mapping += " (" + std::to_string(r.plans_by_type.size()) + " mappings by type)";
    line += (line.empty() ? "" : "; ") + r.name + ": " + mapping + " -> " + to;
  }
  std::printf("routes: %s\n", line.empty() ? "none" : line.c_str());
  return kExitOk;
}

}  // namespace lienthong::cli
