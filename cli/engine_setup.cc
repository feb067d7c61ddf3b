// What the engine verbs share: the adapter registry (the one place that names
// concrete adapters), reading --config and opening the store for reading.
#include <algorithm>
#include <cstdio>
#include <filesystem>

#include "adapters/file/file_destination_type.h"
#include "adapters/http/fhir_destination_type.h"
#include "adapters/mllp/mllp_destination_type.h"
#include "adapters/mllp/mllp_listener_type.h"
#include "cli/engine_commands.h"
#include "cli/hl7_command.h"

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

store::SqliteStoreOptions store_options(const core::StoreSettings& settings) {
  store::SqliteStoreOptions options;
  options.path = settings.path.string();
  options.synchronous = settings.synchronous == "normal" ? store::Synchronous::kNormal : store::Synchronous::kFull;
  options.duplicate_window_seconds = std::chrono::duration_cast<std::chrono::seconds>(settings.duplicate_window).count();
  options.batch_max = settings.batch_max;
  options.batch_delay_us = settings.batch_delay.count();
  options.update_delay_us = settings.update_delay.count();
  options.checkpoint.pages = static_cast<int>(settings.checkpoint_pages);
  options.checkpoint.interval = std::chrono::duration_cast<std::chrono::milliseconds>(settings.checkpoint_interval);
  options.checkpoint.wal_limit_bytes = static_cast<std::int64_t>(settings.wal_limit_mb) << 20;
  options.body_compression =
      settings.body_compression == "none" ? store::BodyCompression::kNone : store::BodyCompression::kLz4;
  return options;
}

Result<core::EngineConfig, core::ConfigErrors> load_engine_config(const std::string& path, core::ConfigScope scope) {
  auto loaded = core::load_config(path, adapter_registry(), scope);
  std::error_code ec;
  if (!loaded.ok() && path == kDefaultConfig && !std::filesystem::exists(path, ec)) {
    // The usual slip: a verb run outside the repository root with no --config.
    core::ConfigErrors errors = loaded.error();
    errors.push_back("no --config given, and the default " + path + " is not under the current directory " +
                     std::filesystem::current_path(ec).string() + ": run from the repository root or give --config FILE");
    return errors;
  }
  return loaded;
}

int open_store_reader(const std::string& config_file, const char* verb, core::EngineConfig& config,
                      std::unique_ptr<store::SqliteStore>& store) {
  auto loaded = load_engine_config(config_file, core::ConfigScope::kWithoutRoutes);
  if (!loaded.ok()) {
    for (const auto& line : loaded.error()) std::fprintf(stderr, "%s\n", line.c_str());
    return kExitBadInput;
  }
  config = std::move(*loaded);
  auto opened = store::SqliteStore::open_readonly(config.store.path.string());
  if (!opened.ok()) {
    std::fprintf(stderr, "lienthong %s: %s\n", verb, opened.error().to_string().c_str());
    return kExitNoInput;
  }
  store = std::move(*opened);
  return kExitOk;
}

bool asks_for_help(const std::vector<std::string>& args) {
  return std::any_of(args.begin(), args.end(), [](const std::string& a) { return a == "--help" || a == "-h"; });
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
