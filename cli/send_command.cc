// `lienthong send [--config FILE] [--host H] [--port P] [--timeout MS] FILE...`:
// sends each message (plain, batch or MLLP-framed files) over MLLP and prints
// "<MSA-1> <MSA-2>" per ACK, followed for a negative ACK by the reason it gives
// (MSA-3, ERR-8, ERR-3's text). Exit 0 when every answer was AA/CA, 1 otherwise.
// Host and port default to the config's first MLLP listener (127.0.0.1:2575
// when there is no config).
#include <cstdio>
#include <filesystem>

#include "adapters/mllp/mllp_sender.h"
#include "cli/engine_commands.h"
#include "cli/hl7_command.h"
#include "cli/input.h"
#include "engine/hl7v2/parser.h"

namespace lienthong::cli {

namespace {

const char kSendUsage[] = "usage: lienthong send [--config FILE] [--host H] [--port P] [--timeout MS] FILE...\n";

const char kSendHelp[] =
    "\n"
    "Sends each message of each FILE ('-' reads stdin; plain, batch or MLLP-framed) over MLLP,\n"
    "one at a time, and prints one line per ACK: MSA-1 and MSA-2, then for an answer other\n"
    "than AA/CA the reason it gives (MSA-3, ERR-8, the text of ERR-3).\n"
    "--config FILE  take host and port from the config's first MLLP listener\n"
    "               (default samples/lienthong.json when it exists, else 127.0.0.1:2575)\n"
    "--host H, --port P  where to send\n"
    "--timeout MS   connect and ACK time limit (default 30000)\n"
    "Exit status: 0 every answer AA/CA; 1 otherwise or a message got no ACK; 2 bad input or\n"
    "config; 64 usage error; 66 a FILE not readable.\n";

// What a negative ACK says of why: MSA-3, ERR-8 (user message), ERR-3's text, in that order,
// each once; empty when it says nothing.
std::string ack_reason(const std::string& raw) {
  auto ack = hl7v2::parse(raw);
  if (!ack.ok()) return {};
  std::vector<std::string> parts;
  auto add = [&parts](std::string text) {
    if (text.empty()) return;
    for (const std::string& p : parts) {
      if (p == text) return;
    }
    parts.push_back(std::move(text));
  };
  if (auto msa = ack->find("MSA")) add(msa->field(3).text());
  for (std::size_t i = 0; i < ack->segment_count(); ++i) {
    const hl7v2::Segment err = ack->segment(i);
    if (err.id() != "ERR") continue;
    add(err.field(8).text());
    add(err.field(3).component(2).text());
  }
  std::string joined;
  for (const std::string& p : parts) joined += (joined.empty() ? "" : "; ") + p;
  return joined;
}

bool parse_number(const std::string& text, unsigned long max, unsigned long& out) {
  if (text.empty() || text.size() > 9 || text.find_first_not_of("0123456789") != std::string::npos) return false;
  out = std::stoul(text);
  return out <= max;
}

}  // namespace

int run_send(const std::vector<std::string>& arguments) {
  if (asks_for_help(arguments)) {
    std::fputs(kSendUsage, stdout);
    std::fputs(kSendHelp, stdout);
    return kExitOk;
  }
  std::vector<std::string> args = arguments;
  bool explicit_config = false;
  for (const auto& a : args) explicit_config |= a == "--config" || a.rfind("--config=", 0) == 0;
  auto config_file = take_config_option(args);
  if (!config_file.ok()) {
    std::fputs(kSendUsage, stderr);
    return kExitUsage;
  }
  adapters::mllp::MllpSenderConfig sender_config;
  if (explicit_config || std::filesystem::exists(*config_file)) {
    auto config = load_engine_config(*config_file, core::ConfigScope::kWithoutRoutes);
    if (!config.ok()) {
      for (const auto& line : config.error()) std::fprintf(stderr, "%s\n", line.c_str());
      return kExitBadInput;
    }
    for (const auto& l : config->listeners) {
      if (l.type != "mllp" || l.spec.port == 0) continue;
      sender_config.host = l.spec.host == "0.0.0.0" ? "127.0.0.1" : l.spec.host == "::" ? "::1" : l.spec.host;
      sender_config.port = l.spec.port;
      break;
    }
  }
  std::vector<std::string> files;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    bool has_value = i + 1 < args.size();
    unsigned long n = 0;
    if (a == "--host" && has_value) {
      sender_config.host = args[++i];
    } else if (a == "--port" && has_value && parse_number(args[i + 1], 65535, n) && n > 0) {
      sender_config.port = static_cast<std::uint16_t>(n);
      ++i;
    } else if (a == "--timeout" && has_value && parse_number(args[i + 1], 3'600'000, n) && n > 0) {
      sender_config.ack_timeout = std::chrono::milliseconds(n);
      sender_config.connect_timeout = std::chrono::milliseconds(n);
      ++i;
    } else if (a == "-" || a.empty() || a[0] != '-') {
      files.push_back(a);
    } else {
      std::fprintf(stderr, "lienthong send: bad option '%s'\n", a.c_str());
      std::fputs(kSendUsage, stderr);
      return kExitUsage;
    }
  }
  if (files.empty()) {
    std::fputs(kSendUsage, stderr);
    return kExitUsage;
  }

  adapters::mllp::MllpSender sender(sender_config);
  bool all_accepted = true;
  for (const std::string& path : files) {
    auto input = InputFile::read(path);
    if (!input.ok()) {
      std::fprintf(stderr, "%s\n", input.error().message.c_str());
      return kExitNoInput;
    }
    auto messages = input->split({});
    if (!messages.ok()) {
      std::fprintf(stderr, "%s\n", messages.error().message.c_str());
      return kExitBadInput;
    }
    for (const RawMessage& m : *messages) {
      auto ack = sender.send(m.bytes);
      if (!ack.ok()) {
        std::fprintf(stderr, "lienthong send: %s message %zu: %s\n", input->name().c_str(), m.number,
                     ack.error().message.c_str());
        all_accepted = false;
        continue;
      }
      const std::string reason = ack->accepted() ? std::string() : ack_reason(ack->raw);
      std::printf("%s %s%s%s\n", ack->code.c_str(), ack->control_id.c_str(), reason.empty() ? "" : ": ",
                  reason.c_str());
      std::fflush(stdout);
      all_accepted &= ack->accepted();
    }
  }
  sender.close();
  return all_accepted ? kExitOk : 1;
}

}  // namespace lienthong::cli
