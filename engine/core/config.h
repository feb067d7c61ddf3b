// The engine's configuration file (lienthong.json; every key in
// docs/configuration.md): store, listeners, destinations, routes (the files of
// the routes directory, with their mappings), retention and logging.
// load_config() checks the whole configuration and returns every mistake, each
// naming the file, the JSON path and what was expected; nothing is started from
// a configuration with errors.
//
// Thread-safety: plain values; load_config is a start-up function.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "engine/base/result.h"
#include "engine/core/adapter_registry.h"
#include "engine/core/config_reader.h"
#include "engine/core/delivery_config.h"
#include "engine/core/log.h"
#include "engine/core/route.h"
#include "engine/store/store_defaults.h"
#include "engine/core/router.h"

namespace lienthong::core {

struct StoreSettings {
  std::filesystem::path path;             // resolved: relative paths are from the config file's directory
  std::string synchronous = "full";       // "full" | "normal"
  // The defaults are the store's own (engine/store/store_defaults.h).
  std::chrono::microseconds duplicate_window = std::chrono::seconds(store::defaults::kDuplicateWindowSeconds);  // 0: none
  std::size_t batch_max = store::defaults::kBatchMax;
  std::chrono::microseconds batch_delay{store::defaults::kBatchDelayUs};    // 0: commit what is queued, no waiting
  std::chrono::microseconds update_delay{store::defaults::kUpdateDelayUs};  // item updates alone wait this long for more
  std::uint64_t checkpoint_pages = store::defaults::kCheckpointPages;       // new WAL frames that start a checkpoint
  std::chrono::microseconds checkpoint_interval = std::chrono::milliseconds(store::defaults::kCheckpointIntervalMs);
  std::uint64_t wal_limit_mb = store::defaults::kWalLimitMb;  // a WAL this long is finished under the writer gate
  std::string body_compression = "lz4";      // "lz4" | "none": how new outbound bodies are stored

  bool operator==(const StoreSettings&) const = default;
};

struct ListenerSettings {
  std::string type;
  std::string name;
  ListenerSpec spec;
  std::string text;  // its config object as compact JSON: a reload restarts it only when this changes
};

struct LogSettings {
  log::Level level = log::Level::kInfo;
  log::Format format = log::Format::kKeyValue;
};

// Retention (docs/specs/retention.md): completed messages older than `after`
// lose their bodies (keep "metadata") or everything (keep "none").
struct RetentionSettings {
  bool enabled = false;
  std::chrono::microseconds after = std::chrono::hours(24 * 30);
  bool drop_metadata = false;
  std::chrono::microseconds interval = std::chrono::minutes(1);
  std::size_t batch = 500;
};

struct EngineConfig {
  std::filesystem::path file;      // the file it was read from
  StoreSettings store;
  std::vector<ListenerSettings> listeners;
  std::vector<DestinationSettings> destinations;
  std::filesystem::path routes_dir;     // empty: no routes (messages are only stored)
  std::filesystem::path mappings_root;  // where route mappings are found
  std::shared_ptr<const RouteTable> routes;  // loaded and checked; empty table without routes_dir
  Unrouted unrouted = Unrouted::kAccept;
  std::string time_zone = "Asia/Ho_Chi_Minh";  // for mapped times that carry no offset
  std::string country;  // ISO 3166 code of senders whose MSH-17 is empty (mapping country()); empty: none
  RetentionSettings retention;
  LogSettings log;
  unsigned threads = 2;            // io_context threads: listeners and intake
  unsigned delivery_threads = 1;   // delivery's own io_context threads
  std::chrono::microseconds stats_interval = std::chrono::seconds(60);  // engine.stats lines; 0: none
};

using ConfigErrors = std::vector<std::string>;

// What a load reads. kAll: everything (`run`, `check`). kWithoutRoutes: all but
// the route files and the mappings they name, which take most of a load (every
// mapping is compiled) and which the verbs that only read the store or send
// (`queue`, `messages`, `replay`, `send`) never use; `routes` is then empty. An
// operator can still look at the queue while a route file is broken.
enum class ConfigScope { kAll, kWithoutRoutes };

// Reads and checks `path`; adapter types are looked up in `registry`.
Result<EngineConfig, ConfigErrors> load_config(const std::filesystem::path& path, const AdapterRegistry& registry,
                                               ConfigScope scope = ConfigScope::kAll);
// The same for text already in memory (`file` names it in errors and anchors relative paths).
Result<EngineConfig, ConfigErrors> parse_config(std::string_view text, const std::filesystem::path& file,
                                                const AdapterRegistry& registry, ConfigScope scope = ConfigScope::kAll);

}  // namespace lienthong::core
