// `lienthong run [--config FILE]`: opens the store, starts the listeners and
// serves until SIGTERM/SIGINT (exit 0 after a clean shutdown).
#include <cstdio>
#include <exception>

#include "cli/engine_commands.h"
#include "cli/hl7_command.h"
#include "engine/core/engine.h"
#include "engine/core/log.h"
#include "engine/store/sqlite_store.h"

namespace lienthong::cli {

int run_run(const std::vector<std::string>& arguments) {
  if (asks_for_help(arguments)) {
    std::fputs("usage: lienthong run [--config FILE]\n"
               "Runs the engine with FILE (default samples/lienthong.json; docs/configuration.md) until\n"
               "SIGTERM or SIGINT; SIGHUP reloads the config. Exit 0 after a clean stop, 2 when the\n"
               "config or the store cannot be used (every error printed).\n",
               stdout);
    return kExitOk;
  }
  std::vector<std::string> args = arguments;
  auto file = take_config_option(args);
  if (!file.ok() || !args.empty()) {
    std::fputs("usage: lienthong run [--config FILE]\n", stderr);
    return kExitUsage;
  }
  auto config = load_engine_config(*file);
  if (!config.ok()) {
    for (const auto& line : config.error()) std::fprintf(stderr, "%s\n", line.c_str());
    return kExitBadInput;
  }
  core::log::configure(config->log.level, config->log.format);

  store::SqliteStoreOptions options = store_options(config->store);
  auto store = store::SqliteStore::open(options);
  if (!store.ok()) {
    core::log::error("store.open_failed", {{"path", options.path}, {"reason", store.error().to_string()}});
    std::fprintf(stderr, "lienthong: %s\n", store.error().to_string().c_str());
    return kExitInternal;
  }
  try {
    core::Engine engine(*config, adapter_registry(), **store);
    engine.run();
    // How well group commit worked: messages per commit and per sync.
    const store::SqliteStoreStats st = (*store)->stats();
    core::log::info("store.stats", {{"stored", st.stored}, {"duplicates", st.duplicates}, {"commits", st.commits},
                                    {"failed_batches", st.failed_batches}, {"wal_syncs", st.syncs},
                                    {"checkpoints", st.checkpoint.checkpoints}});
  } catch (const std::exception& e) {
    core::log::error("engine.failed", {{"reason", e.what()}});
    std::fprintf(stderr, "lienthong: %s\n", e.what());
    (*store)->close();
    return kExitInternal;
  }
  return kExitOk;
}

}  // namespace lienthong::cli
