// `lienthong check [--config FILE]`: checks the whole configuration (the file,
// its routes and their mappings); prints every error (exit 2), or "config ok"
// and what it found: listeners, destinations, routes.
#include <cstdio>
#include <string>
#include <vector>

#include "cli/engine_commands.h"
#include "cli/hl7_command.h"
#include "cli/text_list.h"

namespace lienthong::cli {

int run_check(const std::vector<std::string>& arguments) {
  if (asks_for_help(arguments)) {
    std::fputs("usage: lienthong check [--config FILE]\n"
               "Reads FILE (default samples/lienthong.json) with its routes and mappings as `run` would,\n"
               "prints every error with its file and JSON path, or a summary. Exit 0 ok, 2 errors.\n",
               stdout);
    return kExitOk;
  }
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
  std::vector<std::string> listeners, destinations, routes;
  for (const auto& l : config->listeners) {
    listeners.push_back(l.name + " (" + l.type + " " + l.spec.host + ":" + std::to_string(l.spec.port) + ")");
  }
  for (const auto& d : config->destinations) destinations.push_back(d.name + " (" + d.type + ")");
  for (const auto& r : config->routes->routes) {
    std::vector<std::string> to;
    for (const auto& t : r.to) to.push_back(t.destination);
    std::string mapping = r.mapping_name.empty() ? "pass-through" : r.mapping_name;
    if (!r.plans_by_type.empty()) mapping += " (" + std::to_string(r.plans_by_type.size()) + " mappings by type)";
    routes.push_back(r.name + ": " + mapping + " -> " + join_list(to));
  }
  std::printf("listeners: %s\n", join_list(listeners).c_str());
  std::printf("destinations: %s\n", join_list(destinations).c_str());
  std::printf("routes: %s\n", join_list(routes, "; ").c_str());
  return kExitOk;
}

}  // namespace lienthong::cli
