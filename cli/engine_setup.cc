// What the engine verbs share: the adapter registry (the one place that names
// concrete adapters) and reading --config.
#include "adapters/file/file_destination_type.h"
#include "adapters/http/fhir_destination_type.h"
#include "adapters/mllp/mllp_destination_type.h"
#include "adapters/mllp/mllp_listener_type.h"
#include "cli/engine_commands.h"

namespace lienthong::cli {

const core::AdapterRegistry& adapter_registry() {
  static const core::AdapterRegistry registry = [] {
    core::AdapterRegistry r;
    r.listeners.add("mllp", adapters::mllp::mllp_listener_type());
    r.destinations.add("fhir", adapters::http::fhir_destination_type());
    r.destinations.add("mllp", adapters::mllp::mllp_destination_type());
    r.destinations.add("file", adapters::file::file_destination_type());
    return r;
  }();
  return registry;
}

Result<core::EngineConfig, core::ConfigErrors> load_engine_config(const std::string& path) {
  return core::load_config(path, adapter_registry());
}

Result<std::string> take_config_option(std::vector<std::string>& args) {
  std::string file = kDefaultConfig;
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--config") {
      if (i + 1 >= args.size()) return Error{"--config needs a file", {}};
      file = args[i + 1];
      args.erase(args.begin() + static_cast<std::ptrdiff_t>(i), args.begin() + static_cast<std::ptrdiff_t>(i) + 2);
      --i;
    } else if (args[i].rfind("--config=", 0) == 0) {
      file = args[i].substr(9);
      args.erase(args.begin() + static_cast<std::ptrdiff_t>(i));
      --i;
    }
  }
  return file;
}

}  // namespace lienthong::cli
