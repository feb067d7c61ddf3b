// lienthong: entry point; dispatches to the verb groups, owns exit codes and
// turns anything unexpected into a one-line error instead of a crash.
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include "cli/engine_commands.h"
#include "cli/hl7_command.h"
#include "cli/map_command.h"

namespace {

const char kUsage[] =
    "usage: lienthong hl7 get|json|ack [options] FILE ...   (lienthong hl7 --help)\n"
    "       lienthong map [--mapping FILE] [--mappings DIR] --input MSG [--explain] ...   (lienthong map --help)\n"
    "       lienthong run|check [--config FILE]\n"
    "       lienthong send [--config FILE] [--host H] [--port P] [--timeout MS] FILE ...\n"
    "       lienthong messages list|show [--config FILE] ...\n"
    "       lienthong queue [--config FILE]\n"
    "       lienthong replay [--config FILE] ITEM_ID ... | --dead --destination NAME [--since T]\n"
    "       lienthong --help | --version\n"
    "\n"
    "lienthong is an HL7 v2 integration engine. Verbs:\n"
    "  hl7 get   print values selected by paths (PID-3.1, OBX[*]-5)\n"
    "  hl7 json  print messages as JSON\n"
    "  hl7 ack   print the ACK a sender would receive\n"
    "  map       run a mapping on a message and print the JSON (FHIR Bundle)\n"
    "  run       run the engine (default config: samples/lienthong.json)\n"
    "  check     check a config file and print every error\n"
    "  send      send messages over MLLP and print each ACK\n"
    "  messages  list or show stored messages (with their outbound items and attempts)\n"
    "  queue     show each destination's queue: pending, in flight, retrying, held, dead\n"
    "  replay    requeue outbound items (by id, or every dead one of a destination)\n";

int run(const std::vector<std::string>& args) {
  using namespace lienthong::cli;
  if (args.empty()) {
    std::fputs(kUsage, stderr);
    return kExitUsage;
  }
  const std::string& first = args[0];
  if (first == "--help" || first == "-h" || first == "help") {
    std::fputs(kUsage, stdout);
    return kExitOk;
  }
  if (first == "--version") {
    std::printf("lienthong %s\n", LIENTHONG_VERSION);
    return kExitOk;
  }
  std::vector<std::string> rest(args.begin() + 1, args.end());
  if (first == "hl7") return run_hl7(rest);
  if (first == "map") return run_map(rest);
  if (first == "run") return run_run(rest);
  if (first == "check") return run_check(rest);
  if (first == "send") return run_send(rest);
  if (first == "messages") return run_messages(rest);
  if (first == "queue") return run_queue(rest);
  if (first == "replay") return run_replay(rest);
  std::fprintf(stderr, "lienthong: unknown command '%s'\n", first.c_str());
  std::fputs(kUsage, stderr);
  return kExitUsage;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  try {
    int status = run(args);
    if (std::fflush(stdout) != 0) {
      std::fputs("lienthong: cannot write to stdout\n", stderr);
      return lienthong::cli::kExitInternal;
    }
    return status;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "lienthong: internal error: %s\n", e.what());
  } catch (...) {
    std::fputs("lienthong: internal error\n", stderr);
  }
  return lienthong::cli::kExitInternal;
}
