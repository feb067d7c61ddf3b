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
// Loads the config, printing every error to stderr; nullopt-like failure as Error.
Result<core::EngineConfig, core::ConfigErrors> load_engine_config(const std::string& path);
// Takes "--config FILE" out of args (in place); returns the file (default if absent), or Error for a missing value.
Result<std::string> take_config_option(std::vector<std::string>& args);

}  // namespace lienthong::cli
