// The engine's configuration file (lienthong.json; every key in
// docs/configuration.md): store, listeners and logging. load_config() checks
// the whole file and returns every mistake, each naming the file, the JSON path
// and what was expected; nothing is started from a file with errors.
//
// Thread-safety: plain values; load_config is a start-up function.
#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include "engine/base/result.h"
#include "engine/core/config_reader.h"
#include "engine/core/listener_registry.h"
#include "engine/core/log.h"

namespace lienthong::core {

struct StoreSettings {
  std::filesystem::path path;             // resolved: relative paths are from the config file's directory
  std::string synchronous = "full";       // "full" | "normal"
  std::chrono::microseconds duplicate_window = std::chrono::hours(24);  // 0: no duplicate detection
  std::size_t batch_max = 256;
  std::chrono::microseconds batch_delay{0};  // 0: commit what is queued, no waiting
};

struct ListenerSettings {
  std::string type;
  std::string name;
  ListenerSpec spec;
};

struct LogSettings {
  log::Level level = log::Level::kInfo;
  log::Format format = log::Format::kKeyValue;
};

struct EngineConfig {
  std::filesystem::path file;      // the file it was read from
  StoreSettings store;
  std::vector<ListenerSettings> listeners;
  LogSettings log;
  unsigned threads = 2;            // io_context threads
};

using ConfigErrors = std::vector<std::string>;

// Reads and checks `path`; listener types are looked up in `registry`.
Result<EngineConfig, ConfigErrors> load_config(const std::filesystem::path& path, const ListenerRegistry& registry);
// The same for text already in memory (`file` names it in errors and anchors relative paths).
Result<EngineConfig, ConfigErrors> parse_config(std::string_view text, const std::filesystem::path& file,
                                                const ListenerRegistry& registry);

}  // namespace lienthong::core
