// `lienthong send [--config FILE] [--host H] [--port P] [--timeout MS] FILE...`:
// sends each message (plain, batch or MLLP-framed files) over MLLP and prints
// "<MSA-1> <MSA-2>" per ACK. Exit 0 when every answer was AA/CA, 1 otherwise.
// Host and port default to the config's first MLLP listener (127.0.0.1:2575
// when there is no config).
#include <cstdio>
#include <filesystem>

#include "adapters/mllp/mllp_sender.h"
#include "cli/engine_commands.h"
#include "cli/hl7_command.h"
#include "cli/input.h"

namespace lienthong::cli {

namespace {

const char kSendUsage[] = "usage: lienthong send [--config FILE] [--host H] [--port P] [--timeout MS] FILE...\n";

bool parse_number(const std::string& text, unsigned long max, unsigned long& out) {
  if (text.empty() || text.size() > 9 || text.find_first_not_of("0123456789") != std::string::npos) return false;
  out = std::stoul(text);
  return out <= max;
}

}  // namespace

int run_send(const std::vector<std::string>& arguments) {
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
    auto config = load_engine_config(*config_file);
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
      std::printf("%s %s\n", ack->code.c_str(), ack->control_id.c_str());
      std::fflush(stdout);
      all_accepted &= ack->accepted();
    }
  }
  sender.close();
  return all_accepted ? kExitOk : 1;
}

}  // namespace lienthong::cli
