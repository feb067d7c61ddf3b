// `lienthong messages list [--since T] [--type ADT^A01] [--control-id PATTERN] [--limit N]`
// and `lienthong messages show ID [--bodies]`: read the store named by the config, through
// a read-only connection (works while `lienthong run` holds the writer).
// --since takes an ISO 8601 UTC time ("2024-01-31T14:20:05Z", "2024-01-31") or
// a duration back from now ("1h", "30m").
#include <chrono>
#include <cstdio>
#include <ctime>

#include "cli/cli_time.h"
#include "cli/engine_commands.h"
#include "cli/hl7_command.h"
#include "engine/store/sqlite_store.h"

namespace lienthong::cli {

namespace {

const char kMessagesUsage[] =
    "usage: lienthong messages list [--config FILE] [--since TIME|DURATION] [--type ADT^A01]\n"
    "                               [--control-id PATTERN] [--limit N]\n"
    "       lienthong messages show [--config FILE] [--bodies] ID\n";

std::string lines(std::string text) {
  for (char& c : text) if (c == '\r') c = '\n';
  if (!text.empty() && text.back() != '\n') text += '\n';
  return text;
}

}  // namespace

int run_messages(const std::vector<std::string>& arguments) {
  if (asks_for_help(arguments)) {
    std::fputs(kMessagesUsage, stdout);
    return kExitOk;
  }
  std::vector<std::string> args = arguments;
  auto config_file = take_config_option(args);
  if (!config_file.ok() || args.empty() || (args[0] != "list" && args[0] != "show")) {
    std::fputs(kMessagesUsage, stderr);
    return kExitUsage;
  }
  std::string verb = args[0];
  store::MessageFilter filter;
  std::int64_t id = 0;
  bool bodies = false;  // show: print each item's body (the mapped document) too
  for (std::size_t i = 1; i < args.size(); ++i) {
    const std::string& a = args[i];
    bool has_value = i + 1 < args.size();
    if (verb == "list" && a == "--since" && has_value) {
      auto since = parse_since(args[++i]);
      if (!since) {
        std::fprintf(stderr, "lienthong messages: bad --since '%s'\n", args[i].c_str());
        return kExitUsage;
      }
      filter.since_us = since;
    } else if (verb == "list" && a == "--type" && has_value) {
      filter.type = args[++i];
    } else if (verb == "list" && a == "--control-id" && has_value) {
      filter.control_id_pattern = args[++i];
    } else if (verb == "list" && a == "--limit" && has_value &&
               args[i + 1].find_first_not_of("0123456789") == std::string::npos && args[i + 1].size() < 9 &&
               !args[i + 1].empty()) {
      filter.limit = std::stoul(args[++i]);
    } else if (verb == "show" && a == "--bodies") {
      bodies = true;
    } else if (verb == "show" && id == 0 && !a.empty() && a.size() < 18 &&
               a.find_first_not_of("0123456789") == std::string::npos) {
      id = std::stoll(a);
    } else {
      std::fputs(kMessagesUsage, stderr);
      return kExitUsage;
    }
  }
  if (verb == "show" && id == 0) {
    std::fputs(kMessagesUsage, stderr);
    return kExitUsage;
  }
  core::EngineConfig config;
  std::unique_ptr<store::SqliteStore> store;
  if (int status = open_store_reader(*config_file, "messages", config, store); status != kExitOk) return status;
  if (verb == "list") {
    auto rows = store->list(filter);
    if (!rows.ok()) {
      std::fprintf(stderr, "lienthong messages: %s\n", rows.error().to_string().c_str());
      return kExitInternal;
    }
    for (const auto& r : *rows) {
      std::printf("%lld\t%s\t%s\t%s^%s\t%s\t%s\t%zu\n", static_cast<long long>(r.id), time_text(r.received_at_us).c_str(),
                  r.source.c_str(), r.message_type.c_str(), r.trigger_event.c_str(), r.control_id.c_str(),
                  r.status.c_str(), r.size);
    }
    return kExitOk;
  }
  auto detail = store->get(id);
  if (!detail.ok()) {
    std::fprintf(stderr, "lienthong messages: %s\n", detail.error().to_string().c_str());
    return kExitInternal;
  }
  if (!detail->has_value()) {
    std::fprintf(stderr, "lienthong messages: no message %lld\n", static_cast<long long>(id));
    return kExitNoInput;
  }
  const store::InboundRecord& r = (*detail)->record;
  std::printf("id: %lld\nsource: %s\npeer: %s\nreceived: %s\ntype: %s^%s\nversion: %s\ncontrol_id: %s\n"
              "encoding: %s\nstatus: %s\n",
              static_cast<long long>((*detail)->id), r.source.c_str(), r.peer.c_str(), time_text(r.received_at_us).c_str(),
              r.message_type.c_str(), r.trigger_event.c_str(), r.version.c_str(), r.control_id.c_str(),
              r.encoding.c_str(), r.status.c_str());
  if (!r.error.empty()) std::printf("error: %s\n", r.error.c_str());
  std::printf("--- message\n%s--- ack\n%s", r.raw.empty() ? "(body pruned by retention)\n" : lines(r.raw).c_str(),
              lines(r.ack).c_str());
  for (const store::ItemDetail& d : (*detail)->items) {
    const store::OutboundItem& item = d.item;
    std::printf("--- item %lld: route %s -> %s: %s, %d attempt(s)", static_cast<long long>(item.id), item.route.c_str(),
                item.destination.c_str(), item.status.c_str(), item.attempts);
    if (item.replay_of) std::printf(", replay of %lld", static_cast<long long>(*item.replay_of));
    if (item.status == "pending" && item.next_attempt_at_us > 0) {
      std::printf(", next attempt %s", time_text(item.next_attempt_at_us).c_str());
    }
    std::printf("\n");
    if (item.body.empty()) {
      std::printf("    body: none (%s)\n", r.raw.empty() ? "pruned by retention" : "empty");
    } else {
      std::printf("    body: %zu bytes, %s\n", item.body.size(), item.content_type.c_str());
    }
    if (!item.last_error.empty()) std::printf("    last error: %s\n", item.last_error.c_str());
    for (const store::AttemptRecord& a : d.attempts) {
      std::printf("    attempt %s %s (%lld ms): %s\n", time_text(a.at_us).c_str(), a.outcome.c_str(),
                  static_cast<long long>(a.duration_us / 1000), a.detail.c_str());
    }
    if (bodies && !item.body.empty()) std::printf("--- item %lld body\n%s", static_cast<long long>(item.id), lines(item.body).c_str());
  }
  return kExitOk;
}

}  // namespace lienthong::cli
