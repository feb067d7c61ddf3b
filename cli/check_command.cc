// `lienthong check [--config FILE]`: checks the whole config file; prints every
// error (exit 2) or "config ok".
#include <cstdio>

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
  return kExitOk;
}

}  // namespace lienthong::cli
