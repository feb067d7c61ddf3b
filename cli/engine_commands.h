// The verbs that run or talk to the engine: run, check, send, messages. Each
// takes --config FILE (default samples/lienthong.json, relative to the current
// directory: README runs them from the repository root).
//
// Thread-safety: called once from main.
#pragma once

#include <string>
#include <vector>

#include "engine/base/result.h"
#include "engine/core/config.h"
#include "engine/store/sqlite_store.h"

namespace lienthong::cli {

inline constexpr char kDefaultConfig[] = "samples/lienthong.json";

int run_run(const std::vector<std::string>& args);
int run_check(const std::vector<std::string>& args);
int run_send(const std::vector<std::string>& args);
int run_messages(const std::vector<std::string>& args);
int run_queue(const std::vector<std::string>& args);
int run_replay(const std::vector<std::string>& args);

// Every adapter type this executable knows: listeners ("mllp") and destinations.
const core::AdapterRegistry& adapter_registry();
// Loads the config (`scope`: core::ConfigScope; the verbs that only read the
// store or send load it without routes and mappings).
Result<core::EngineConfig, core::ConfigErrors> load_engine_config(const std::string& path,
                                                                  core::ConfigScope scope = core::ConfigScope::kAll);
// The store options `settings` ask for (run and replay open the store to write).
store::SqliteStoreOptions store_options(const core::StoreSettings& settings);
// Loads `config_file` (without routes) and opens its store read-only (works beside `lienthong run`);
// prints what went wrong as "lienthong VERB: ..." and returns the exit status
// (kExitOk when both are open).
int open_store_reader(const std::string& config_file, const char* verb, core::EngineConfig& config,
                      std::unique_ptr<store::SqliteStore>& store);
// Takes "--config FILE" out of args (in place); returns the file (default if absent), or Error for a missing value.
Result<std::string> take_config_option(std::vector<std::string>& args);
// Whether a verb's arguments ask for its help (--help or -h): the verb then prints its
// usage on stdout and exits 0, whatever else was given.
bool asks_for_help(const std::vector<std::string>& args);

}  // namespace lienthong::cli
