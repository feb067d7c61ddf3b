#include "cli/hl7_command.h"

#include <chrono>
#include <cstdio>
#include <map>
#include <optional>
#include <set>
#include <string_view>

#include "cli/input.h"
#include "engine/hl7v2/ack.h"
#include "engine/hl7v2/header.h"
#include "engine/hl7v2/json_writer.h"
#include "engine/hl7v2/message.h"
#include "engine/hl7v2/parser.h"
#include "engine/hl7v2/path.h"
#include "engine/mapping/fhir_time.h"

namespace lienthong::cli {
namespace {

const char kUsage[] =
    "usage: lienthong hl7 get  [--encoding E] [--strict] FILE PATH...\n"
    "       lienthong hl7 json [--encoding E] [--strict] [--pretty] FILE\n"
    "       lienthong hl7 ack  [--encoding E] [--strict] [--code AA|AE|AR|CA|CE|CR]\n"
    "                          [--error TEXT] [--error-code N] [--control-id ID] [--tz ZONE] [--raw] FILE\n"
    "\n"
    "FILE is an HL7 v2 message, a batch file (FHS/BHS...BTS/FTS or messages one after\n"
    "another) or MLLP frames; '-' reads stdin. Every message of the file is processed in order.\n"
    "  get    prints each value PATH selects (PID-3.1, OBX[*]-5, MSH-9.2), unescaped, one per\n"
    "         line; a path without [*] that selects nothing prints an empty line.\n"
    "  json   prints {\"messages\":[{\"segments\":[{\"id\":..,\"fields\":{\"3\":..}}]}]}.\n"
    "  ack    prints the ACK for each message (AA, or CA when MSH-15/16 ask for enhanced mode;\n"
    "         AE/CE with --error; AR/CR for a message that does not parse). Segments end in a\n"
    "         newline for reading; --raw writes them with CR only, as sent on the wire.\n"
    "         MSH-7 is written in --tz (an IANA name or +07:00; default Asia/Ho_Chi_Minh, as\n"
    "         `lienthong run` answers with the default time_zone), not the host's zone.\n"
    "--encoding  utf-8, cp1258, tcvn3, viscii, vni, latin1, ascii (default: MSH-18, else UTF-8)\n"
    "--strict    CR terminators only, all MSH header fields required, batch trailers required\n"
    "Exit status: 0 ok, 2 bad input, 64 usage error, 66 input not readable.\n";

struct Args {
  std::vector<std::string> positional;
  std::map<std::string, std::string> values;  // --name value
  std::set<std::string> flags;                // --name
};

struct Verb {
  std::set<std::string> value_options;
  std::set<std::string> flag_options;
};

int usage_error(const std::string& why) {
  std::fprintf(stderr, "lienthong hl7: %s\n", why.c_str());
  std::fputs("usage: lienthong hl7 get|json|ack [options] FILE ... (see lienthong hl7 --help)\n", stderr);
  return kExitUsage;
}

// Parses `--name value`, `--name=value`, flags and positionals; "--" ends options.
std::optional<Args> parse_args(const std::vector<std::string>& words, const Verb& verb, std::string& why) {
  Args args;
  bool options_done = false;
  for (std::size_t i = 1; i < words.size(); ++i) {
    const std::string& w = words[i];
    if (options_done || w == "-" || w.rfind("--", 0) != 0) {
      args.positional.push_back(w);
      continue;
    }
    if (w == "--") {
      options_done = true;
      continue;
    }
    std::string name = w;
    std::optional<std::string> value;
    if (auto eq = w.find('='); eq != std::string::npos) {
      name = w.substr(0, eq);
      value = w.substr(eq + 1);
    }
    if (verb.flag_options.count(name) != 0 && !value) {
      args.flags.insert(name);
    } else if (verb.value_options.count(name) != 0) {
      if (!value) {
        if (i + 1 >= words.size()) {
          why = name + " needs a value";
          return std::nullopt;
        }
        value = words[++i];
      }
      args.values[name] = *value;
    } else {
      why = "unknown option " + name + " for '" + words[0] + "'";
      return std::nullopt;
    }
  }
  return args;
}

std::optional<InputOptions> input_options(const Args& args, std::string& why) {
  InputOptions o;
  o.strict = args.flags.count("--strict") != 0;
  if (auto it = args.values.find("--encoding"); it != args.values.end()) {
    o.encoding = charset::from_name(it->second);
    if (!o.encoding) {
      why = "unknown encoding '" + it->second + "' (utf-8, cp1258, tcvn3, viscii, vni, latin1, ascii)";
      return std::nullopt;
    }
  }
  return o;
}

void out(std::string_view s) { std::fwrite(s.data(), 1, s.size(), stdout); }

// Reads, splits and parses the whole input; on failure prints the reason and
// returns its exit status.
// Reads FILE (or stdin for "-"), saying on stderr why it could not.
Result<InputFile> read_input(const std::string& path) {
  auto input = InputFile::read(path);
  if (!input.ok()) std::fprintf(stderr, "lienthong: %s\n", input.error().message.c_str());
  return input;
}

struct Loaded {
  std::vector<hl7v2::Message> messages;
  int status = kExitOk;
};

Loaded load(InputFile& input, const InputOptions& options) {
  Loaded result;
  auto raw = input.split(options);
  if (!raw.ok()) {
    std::fprintf(stderr, "%s\n", raw.error().message.c_str());
    result.status = kExitBadInput;
    return result;
  }
  const hl7v2::ParseOptions po = parse_options(options);
  for (const RawMessage& m : *raw) {
    auto parsed = hl7v2::parse_view(m.bytes, po);
    if (!parsed.ok()) {
      std::fprintf(stderr, "%s\n", input.describe(m, parsed.error(), raw->size()).c_str());
      result.status = kExitBadInput;
      result.messages.clear();
      return result;
    }
    result.messages.push_back(std::move(parsed).value());
  }
  return result;
}

int run_get(const Args& args, const InputOptions& options) {
  if (args.positional.size() < 2) return usage_error("get needs FILE and at least one PATH");
  std::vector<hl7v2::Path> paths;
  for (std::size_t i = 1; i < args.positional.size(); ++i) {
    auto p = hl7v2::parse_path(args.positional[i]);
    if (!p.ok()) return usage_error("bad path '" + args.positional[i] + "': " + p.error().message);
    paths.push_back(*p);
  }
  auto input = read_input(args.positional[0]);
  if (!input.ok()) return kExitNoInput;
  Loaded loaded = load(input.value(), options);
  if (loaded.status != kExitOk) return loaded.status;
  std::string text;
  for (const hl7v2::Message& m : loaded.messages) {
    for (const hl7v2::Path& p : paths) {
      const bool many = p.segment_occurrence == hl7v2::Path::kAll || p.repetition == hl7v2::Path::kAll;
      auto found = hl7v2::select(m, p);
      if (found.empty() && !many) text += '\n';
      for (const hl7v2::Element& e : found) {
        text += e.text();
        text += '\n';
      }
    }
  }
  out(text);
  return kExitOk;
}

int run_json(const Args& args, const InputOptions& options) {
  if (args.positional.size() != 1) return usage_error("json needs exactly one FILE");
  auto input = read_input(args.positional[0]);
  if (!input.ok()) return kExitNoInput;
  Loaded loaded = load(input.value(), options);
  if (loaded.status != kExitOk) return loaded.status;
  hl7v2::JsonOptions jo;
  jo.pretty = args.flags.count("--pretty") != 0;
  out(hl7v2::to_json(loaded.messages, jo));
  out("\n");
  return kExitOk;
}

int run_ack(const Args& args, const InputOptions& options) {
  if (args.positional.size() != 1) return usage_error("ack needs exactly one FILE");
  std::optional<hl7v2::AckCode> code;
  if (auto it = args.values.find("--code"); it != args.values.end()) {
    code = hl7v2::parse_ack_code(it->second);
    if (!code) return usage_error("--code must be one of AA, AE, AR, CA, CE, CR");
  }
  std::optional<hl7v2::AckError> user_error;
  if (args.values.count("--error") != 0 || args.values.count("--error-code") != 0) {
    hl7v2::AckError e;
    if (auto it = args.values.find("--error-code"); it != args.values.end()) {
      const std::string& v = it->second;
      if (v.empty() || v.size() > 3 || v.find_first_not_of("0123456789") != std::string::npos) {
        return usage_error("--error-code must be an HL7 table 0357 number (0 to 999)");
      }
      e.code = std::stoi(v);
    }
    if (auto it = args.values.find("--error"); it != args.values.end()) e.message = it->second;
    user_error = e;
  }
  hl7v2::AckOptions ack_options;
  if (auto it = args.values.find("--control-id"); it != args.values.end()) ack_options.control_id = it->second;
  // Without --tz, the zone the engine answers in by default (docs/configuration.md time_zone).
  mapping::TimeZone zone = mapping::TimeZone::ho_chi_minh();
  if (auto it = args.values.find("--tz"); it != args.values.end()) {
    auto named = mapping::TimeZone::from_name(it->second);
    if (!named.ok()) return usage_error("--tz: " + named.error().message);
    zone = std::move(named).value();
  }
  ack_options.utc_offset_minutes = zone.offset_at(std::chrono::system_clock::now());
  const bool raw_output = args.flags.count("--raw") != 0;

  auto input = read_input(args.positional[0]);
  if (!input.ok()) return kExitNoInput;
  auto raw = input->split(options);
  if (!raw.ok()) {
    std::fprintf(stderr, "%s\n", raw.error().message.c_str());
    return kExitBadInput;
  }
  int status = kExitOk;
  const hl7v2::ParseOptions po = parse_options(options);
  std::string text;
  for (const RawMessage& m : *raw) {
    auto parsed = hl7v2::parse_view(m.bytes, po);
    std::string ack;
    if (parsed.ok()) {
      hl7v2::MshHeader h = hl7v2::read_header(*parsed);
      auto outcome = user_error ? hl7v2::AckOutcome::kError : hl7v2::AckOutcome::kAccept;
      std::vector<hl7v2::AckError> errors;
      if (user_error) errors.push_back(*user_error);
      ack = hl7v2::build_ack(h, code.value_or(hl7v2::ack_code_for(h, outcome)), errors, ack_options);
    } else {
      std::fprintf(stderr, "%s\n", input->describe(m, parsed.error(), raw->size()).c_str());
      status = kExitBadInput;
      hl7v2::MshHeader h = hl7v2::read_header(m.bytes);
      std::vector<hl7v2::AckError> errors{hl7v2::ack_error_from(parsed.error(), m.bytes)};
      ack = hl7v2::build_ack(h, code.value_or(hl7v2::ack_code_for(h, hl7v2::AckOutcome::kReject)), errors,
                             ack_options);
    }
    if (!raw_output) {
      for (char& c : ack) {
        if (c == '\r') c = '\n';
      }
    }
    text += ack;
  }
  out(text);
  return status;
}

}  // namespace

const char* hl7_usage() { return kUsage; }

int run_hl7(const std::vector<std::string>& args) {
  if (args.empty()) return usage_error("missing verb");
  for (const std::string& a : args) {
    if (a == "--help" || a == "-h") {
      std::fputs(kUsage, stdout);
      return kExitOk;
    }
  }
  const std::string& verb = args[0];
  Verb spec;
  spec.value_options = {"--encoding"};
  spec.flag_options = {"--strict"};
  if (verb == "json") {
    spec.flag_options.insert("--pretty");
  } else if (verb == "ack") {
    spec.value_options.insert({"--code", "--error", "--error-code", "--control-id", "--tz"});
    spec.flag_options.insert("--raw");
  } else if (verb != "get") {
    return usage_error("unknown verb '" + verb + "'");
  }
  std::string why;
  auto parsed = parse_args(args, spec, why);
  if (!parsed) return usage_error(why);
  auto options = input_options(*parsed, why);
  if (!options) return usage_error(why);
  if (verb == "get") return run_get(*parsed, *options);
  if (verb == "json") return run_json(*parsed, *options);
  return run_ack(*parsed, *options);
}

}  // namespace lienthong::cli
