// `lienthong queue [--config FILE]`: per destination, the items pending, in
// flight (as the running engine last reported it), retrying, held, dead, done,
// and the age of the oldest undelivered item.
// `lienthong replay [--config FILE] ID... | --dead --destination D [--since T]`:
// requeues items as new pending copies (docs/specs/delivery.md DLV-6.2); a running
// engine picks them up within a second. Both work beside `lienthong run`.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <future>

#include "cli/cli_time.h"
#include "cli/engine_commands.h"
#include "cli/hl7_command.h"
#include "engine/base/clock.h"
#include "engine/store/sqlite_store.h"

namespace lienthong::cli {
namespace {

const char kQueueUsage[] = "usage: lienthong queue [--config FILE]\n";
const char kReplayUsage[] =
    "usage: lienthong replay [--config FILE] ITEM_ID ...\n"
    "       lienthong replay [--config FILE] --dead --destination NAME [--since TIME|DURATION]\n";

// An engine that reported within this long is taken as running (it reports on
// every change, and every 10 s when nothing changes).
constexpr std::int64_t kFreshReportUs = 15'000'000;

bool all_digits(const std::string& s) {
  return !s.empty() && s.size() < 18 && s.find_first_not_of("0123456789") == std::string::npos;
}

}  // namespace

int run_queue(const std::vector<std::string>& arguments) {
  if (asks_for_help(arguments)) {
    std::fputs(kQueueUsage, stdout);
    return kExitOk;
  }
  std::vector<std::string> args = arguments;
  auto config_file = take_config_option(args);
  if (!config_file.ok() || !args.empty()) {
    std::fputs(kQueueUsage, stderr);
    return kExitUsage;
  }
  core::EngineConfig loaded;
  std::unique_ptr<store::SqliteStore> store;
  if (int status = open_store_reader(*config_file, "queue", loaded, store); status != kExitOk) return status;
  const core::EngineConfig* config = &loaded;
  auto counts = store->queue_counts();
  if (!counts.ok()) {
    std::fprintf(stderr, "lienthong queue: %s\n", counts.error().to_string().c_str());
    return kExitInternal;
  }
  // Configured destinations first (also when empty), then any others the store holds.
  std::vector<store::QueueCounts> rows;
  for (const auto& d : config->destinations) {
    store::QueueCounts c;
    c.destination = d.name;
    for (const auto& found : *counts) {
      if (found.destination == d.name) c = found;
    }
    rows.push_back(c);
  }
  for (const auto& found : *counts) {
    bool configured = false;
    for (const auto& d : config->destinations) configured = configured || d.name == found.destination;
    if (!configured) rows.push_back(found);
  }
  std::printf("%-20s %9s %9s %9s %9s %9s %11s %8s\n", "destination", "pending", "in_flight", "retrying", "held", "dead",
              "done", "oldest");
  const std::int64_t now = unix_now_us();
  for (const auto& c : rows) {
    std::string in_flight = "-";
    if (c.engine && now - c.engine->updated_at_us < kFreshReportUs) in_flight = std::to_string(c.engine->in_flight);
    std::printf("%-20s %9lld %9s %9lld %9lld %9lld %11lld %8s\n", c.destination.c_str(),
                static_cast<long long>(c.pending), in_flight.c_str(), static_cast<long long>(c.retrying),
                static_cast<long long>(c.held), static_cast<long long>(c.dead), static_cast<long long>(c.done),
                c.oldest_pending_us ? age_text(*c.oldest_pending_us).c_str() : "-");
  }
  return kExitOk;
}

int run_replay(const std::vector<std::string>& arguments) {
  if (asks_for_help(arguments)) {
    std::fputs(kReplayUsage, stdout);
    return kExitOk;
  }
  std::vector<std::string> args = arguments;
  auto config_file = take_config_option(args);
  store::ReplayRequest request;
  bool dead = false;
  bool usage_ok = config_file.ok();
  for (std::size_t i = 0; usage_ok && i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--dead") {
      dead = true;
    } else if (a == "--destination" && i + 1 < args.size()) {
      request.destination = args[++i];
    } else if (a == "--since" && i + 1 < args.size()) {
      request.since_us = parse_since(args[++i]);
      if (!request.since_us) {
        std::fprintf(stderr, "lienthong replay: bad --since '%s'\n", args[i].c_str());
        return kExitUsage;
      }
    } else if (all_digits(a)) {
      request.ids.push_back(std::stoll(a));
    } else {
      usage_ok = false;
    }
  }
  // Either ids, or --dead with a destination; never both, never neither.
  if (!usage_ok || (!request.ids.empty() == (dead && !request.destination.empty())) ||
      (!request.ids.empty() && (dead || !request.destination.empty() || request.since_us))) {
    std::fputs(kReplayUsage, stderr);
    return kExitUsage;
  }
  auto config = load_engine_config(*config_file, core::ConfigScope::kWithoutRoutes);
  if (!config.ok()) {
    for (const auto& line : config.error()) std::fprintf(stderr, "%s\n", line.c_str());
    return kExitBadInput;
  }
  if (!std::filesystem::exists(config->store.path)) {
    std::fprintf(stderr, "lienthong replay: store %s: no such file\n", config->store.path.string().c_str());
    return kExitNoInput;
  }
  store::SqliteStoreOptions options = store_options(config->store);
  auto store = store::SqliteStore::open(options);
  if (!store.ok()) {
    std::fprintf(stderr, "lienthong replay: %s\n", store.error().to_string().c_str());
    return kExitInternal;
  }
  std::promise<Result<std::vector<std::int64_t>>> done;
  (*store)->replay(request, [&done](Result<std::vector<std::int64_t>> r) { done.set_value(std::move(r)); });
  auto created = done.get_future().get();
  (*store)->close();
  if (!created.ok()) {
    std::fprintf(stderr, "lienthong replay: %s\n", created.error().to_string().c_str());
    return kExitInternal;
  }
  std::printf("requeued %zu item(s)", created->size());
  if (!created->empty()) {
    std::printf(" as %lld..%lld", static_cast<long long>(created->front()), static_cast<long long>(created->back()));
  }
  std::printf("\n");
  return created->empty() && !request.ids.empty() ? kExitNoInput : kExitOk;
}

}  // namespace lienthong::cli
