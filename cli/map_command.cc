#include "cli/map_command.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <set>

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include "cli/hl7_command.h"
#include "cli/text_list.h"
#include "cli/input.h"
#include "engine/base/json_parse.h"
#include "engine/mapping/code_table.h"
#include "engine/mapping/fhir_time.h"
#include "engine/mapping/json_source.h"
#include "engine/mapping/mapping_catalog.h"
#include "engine/mapping/plan.h"
#include "engine/mapping/run.h"

namespace lienthong::cli {
namespace {

namespace fs = std::filesystem;

const char kUsage[] =
    "usage: lienthong map [--mapping FILE] [--mappings DIR] --input MSG [--explain] [--tz ZONE] [--pretty]\n"
    "                     [--country C] [--encoding E] [--strict]\n"
    "\n"
    "Runs a mapping (docs/mapping.md) on the HL7 v2 message MSG ('-' reads stdin) and prints\n"
    "the output JSON on stdout. A file with several messages (batch, MLLP frames) prints one\n"
    "output per message, one per line.\n"
    "A mapping whose $mapping.input is \"fhir\" or \"json\" (MAP-11) reads MSG as one JSON\n"
    "document; it needs --mapping.\n"
    "--mapping FILE  the mapping to run; without it the mapping is chosen by MSH-9 among\n"
    "                DIR/hl7v2/*.json ($mapping.messages: \"ADT^A01\" beats \"ADT^*\")\n"
    "--mappings DIR  the mappings directory: $include files and tables/ (default: mappings)\n"
    "--explain       print {\"output\": <the output>, \"explain\": [{\"output\": JSON path written,\n"
    "                \"mapping\": file, \"path\": skeleton JSON path, \"expression\": as written,\n"
    "                \"inputs\": [\"PID-3[2].1\", ...]}, ...]} instead of the output alone\n"
    "--tz ZONE       zone for times without an offset: an IANA name or +07:00\n"
    "                (default Asia/Ho_Chi_Minh)\n"
    "--country C     the sender's country when MSH-17 is empty (ISO 3166: VNM), as\n"
    "                country() gives it; the shipped mappings read VNM/VN as a message\n"
    "                from Viet Nam (docs/identifiers.md). Default: none\n"
    "--pretty        indent the JSON\n"
    "--encoding E    utf-8, cp1258, tcvn3, viscii, vni, latin1, ascii (default: MSH-18, else UTF-8)\n"
    "--strict        CR terminators only, all MSH header fields required\n"
    "Warnings (an invalid time left out) go to stderr. Exit status: 0 ok; 2 bad input, no\n"
    "mapping for the message type, a mapping that does not compile, or a rejection by the\n"
    "mapping; 64 usage error; 66 input not readable.\n";

int usage_error(const std::string& why) {
  std::fprintf(stderr, "lienthong map: %s\n", why.c_str());
  std::fputs("usage: lienthong map [--mapping FILE] [--mappings DIR] --input MSG [--explain] [--tz ZONE] [--pretty]\n",
             stderr);
  return kExitUsage;
}

struct MapArgs {
  std::optional<std::string> mapping;
  std::string mappings = "mappings";
  bool mappings_given = false;
  std::string input;
  bool explain = false;
  bool pretty = false;
  std::optional<std::string> tz;
  std::string country;
  InputOptions input_options;
};

std::optional<MapArgs> parse_map_args(const std::vector<std::string>& words, std::string& why) {
  static const std::set<std::string> kValues = {"--mapping", "--mappings", "--input", "--tz", "--country",
                                                "--encoding"};
  static const std::set<std::string> kFlags = {"--explain", "--pretty", "--strict"};
  MapArgs a;
  bool have_input = false;
  for (std::size_t i = 0; i < words.size(); ++i) {
    std::string name = words[i];
    std::optional<std::string> value;
    if (auto eq = name.find('='); eq != std::string::npos && name.rfind("--", 0) == 0) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    if (kFlags.count(name) != 0 && !value) {
      if (name == "--explain") a.explain = true;
      if (name == "--pretty") a.pretty = true;
      if (name == "--strict") a.input_options.strict = true;
      continue;
    }
    if (kValues.count(name) == 0) {
      why = name.rfind("--", 0) == 0 ? "unknown option " + name : "unexpected argument '" + name + "'";
      return std::nullopt;
    }
    if (!value) {
      if (i + 1 >= words.size()) {
        why = name + " needs a value";
        return std::nullopt;
      }
      value = words[++i];
    }
    if (name == "--mapping") a.mapping = *value;
    if (name == "--mappings") {
      a.mappings = *value;
      a.mappings_given = true;
    }
    if (name == "--tz") a.tz = *value;
    if (name == "--country") a.country = *value;
    if (name == "--input") {
      a.input = *value;
      have_input = true;
    }
    if (name == "--encoding") {
      a.input_options.encoding = charset::from_name(*value);
      if (!a.input_options.encoding) {
        why = "unknown encoding '" + *value + "' (utf-8, cp1258, tcvn3, viscii, vni, latin1, ascii)";
        return std::nullopt;
      }
    }
  }
  if (!have_input) {
    why = "--input MSG is required";
    return std::nullopt;
  }
  return a;
}

void print_lines(const std::string& text) {
  if (!text.empty()) std::fprintf(stderr, "%s\n", text.c_str());
}

// The named mapping, compiled; or the catalog of DIR/hl7v2/*.json to choose
// from by message type (each file compiled when first chosen). Errors printed.
struct Mappings {
  std::shared_ptr<const mapping::MappingPlan> named;
  std::optional<mapping::MappingCatalog> catalog;
};

std::optional<Mappings> load_mappings(const MapArgs& a) {
  mapping::CompileOptions options;
  options.root = a.mappings;
  options.tables = std::make_shared<mapping::CodeTables>(fs::path(a.mappings) / "tables");
  Mappings out;
  if (a.mapping) {
    auto plan = mapping::MappingPlan::compile(*a.mapping, options);
    if (!plan.ok()) {
      print_lines(plan.error().message);
      return std::nullopt;
    }
    out.named = *plan;
    return out;
  }
  auto catalog = mapping::MappingCatalog::open(fs::path(a.mappings) / "hl7v2", options);
  if (!catalog.ok()) {
    std::error_code ec;
    const bool default_missing = !a.mappings_given && !fs::exists(a.mappings, ec);
    std::fprintf(stderr, "lienthong map: %s%s\n", catalog.error().message.c_str(),
                 default_missing ? (" (no --mappings given, and there is no mappings/ under the current directory " +
                                    fs::current_path(ec).string() + ": run from the repository root or give --mappings DIR)")
                                       .c_str()
                                 : "");
    return std::nullopt;
  }
  out.catalog = std::move(catalog).value();
  return out;
}

void print_output(const MapArgs& a, const mapping::MappingOutput& out, std::string& text) {
  for (const std::string& w : out.warnings) std::fprintf(stderr, "lienthong map: warning: %s\n", w.c_str());
  if (a.explain) {
    std::string both = "{\"output\":" + out.json + ",\"explain\":" + mapping::explain_json(out.explain, false) + "}";
    text += a.pretty ? mapping::pretty_json(both) : both;
  } else {
    text += out.json;
  }
  text += '\n';
}

// Whether the first byte that is not blank (after a byte order mark) opens a
// JSON object or array: an HL7 v2 message starts with a segment id.
bool looks_like_json(std::string_view bytes) {
  if (bytes.substr(0, 3) == "\xEF\xBB\xBF") bytes.remove_prefix(3);
  const std::size_t first = bytes.find_first_not_of(" \t\r\n");
  return first != std::string_view::npos && (bytes[first] == '{' || bytes[first] == '[');
}

// The input file as one JSON document (a leading byte order mark allowed);
// a syntax error names the line and column.
int map_json(const MapArgs& a, const mapping::MappingPlan& plan, const InputFile& input,
             const mapping::RunOptions& options) {
  std::string_view bytes = input.bytes();
  if (bytes.substr(0, 3) == "\xEF\xBB\xBF") bytes.remove_prefix(3);
  rapidjson::Document doc;
  if (auto failed = parse_json<rapidjson::kParseValidateEncodingFlag>(doc, bytes)) {
    std::fprintf(stderr, "%s: %s: not JSON: %s\n", input.name().c_str(), failed->position.c_str(),
                 failed->reason.c_str());
    return kExitBadInput;
  }
  auto out = mapping::run(plan, doc, options);
  if (!out.ok()) {
    std::fprintf(stderr, "lienthong map: rejected by %s: %s\n", out.error().where.c_str(), out.error().message.c_str());
    return kExitBadInput;
  }
  std::string text;
  print_output(a, *out, text);
  std::fwrite(text.data(), 1, text.size(), stdout);
  return kExitOk;
}

}  // namespace

int run_map(const std::vector<std::string>& args) {
  for (const std::string& a : args) {
    if (a == "--help" || a == "-h") {
      std::fputs(kUsage, stdout);
      return kExitOk;
    }
  }
  std::string why;
  auto parsed = parse_map_args(args, why);
  if (!parsed) return usage_error(why);
  const MapArgs& a = *parsed;

  mapping::RunOptions run_options;
  run_options.explain = a.explain;
  // With --explain the pretty form is applied to the whole {"output", "explain"} object.
  run_options.pretty = a.pretty && !a.explain;
  if (a.tz) {
    auto zone = mapping::TimeZone::from_name(*a.tz);
    if (!zone.ok()) return usage_error("--tz: " + zone.error().message);
    run_options.zone = *zone;
  }
  if (auto wrong = mapping::country_code_error(a.country)) return usage_error("--country: " + *wrong);
  run_options.country = a.country;

  auto input = InputFile::read(a.input);
  if (!input.ok()) {
    std::fprintf(stderr, "lienthong: %s\n", input.error().message.c_str());
    return kExitNoInput;
  }
  // A mapping of JSON input (MAP-11) takes the file as one JSON document.
  std::optional<Mappings> mappings;
  if (a.mapping) {
    mappings = load_mappings(a);
    if (!mappings) return kExitBadInput;
    if (mappings->named->info().input != "hl7v2") return map_json(a, *mappings->named, *input, run_options);
  } else if (looks_like_json(input->bytes())) {
    std::fprintf(stderr, "%s: this is JSON, not HL7 v2: JSON input needs --mapping FILE with \"$mapping\": "
                 "{\"input\": \"fhir\"} or \"json\" (docs/mapping.md MAP-11)\n", input->name().c_str());
    return kExitBadInput;
  }
  auto raw = input->split(a.input_options);
  if (!raw.ok()) {
    std::fprintf(stderr, "%s\n", raw.error().message.c_str());
    return kExitBadInput;
  }
  std::vector<hl7v2::Message> messages;
  const hl7v2::ParseOptions po = parse_options(a.input_options);
  for (const RawMessage& m : *raw) {
    auto message = hl7v2::parse_view(m.bytes, po);
    if (!message.ok()) {
      std::fprintf(stderr, "%s\n", input->describe(m, message.error(), raw->size()).c_str());
      return kExitBadInput;
    }
    messages.push_back(std::move(message).value());
  }

  if (!mappings) mappings = load_mappings(a);
  if (!mappings) return kExitBadInput;

  // Everything is mapped before anything is printed: a script never sees half an answer with status 2.
  std::string text;
  for (const hl7v2::Message& m : messages) {
    std::shared_ptr<const mapping::MappingPlan> plan = mappings->named;
    if (!plan) {
      auto chosen = mappings->catalog->plan_for(m.message_code(), m.trigger_event());
      if (!chosen.ok()) {
        print_lines(chosen.error().message);
        return kExitBadInput;
      }
      plan = *chosen;
      if (plan == nullptr) {
        std::fprintf(stderr, "lienthong map: no mapping for %s^%s in %s (have: %s)\n",
                     std::string(m.message_code()).c_str(), std::string(m.trigger_event()).c_str(),
                     (fs::path(a.mappings) / "hl7v2").string().c_str(), join_list(mappings->catalog->types()).c_str());
        return kExitBadInput;
      }
    }
    auto out = mapping::run(*plan, m, run_options);
    if (!out.ok()) {
      std::fprintf(stderr, "lienthong map: rejected by %s: %s\n", out.error().where.c_str(),
                   out.error().message.c_str());
      return kExitBadInput;
    }
    print_output(a, *out, text);
  }
  std::fwrite(text.data(), 1, text.size(), stdout);
  return kExitOk;
}

}  // namespace lienthong::cli
