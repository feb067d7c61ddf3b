#include "engine/core/route_loader.h"

#include <algorithm>
#include <map>

#include "engine/core/config_reader.h"
#include "engine/mapping/code_table.h"

namespace lienthong::core {
namespace {

bool contains(const std::vector<std::string>& v, const std::string& s) { return std::find(v.begin(), v.end(), s) != v.end(); }

std::string quoted_list(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "\"" : ", \"") + n + "\"";
  return out.empty() ? "(none configured)" : out;
}

std::optional<hl7v2::Path> path_at(const ConfigObject& o, const std::string& key, const std::string& text) {
  auto path = hl7v2::parse_path(text);
  if (!path) {
    o.error(key, "expected an HL7 v2 path such as \"PID-3[1].1\", found \"" + text + "\" (" + path.error().to_string() + ")");
    return std::nullopt;
  }
  return *path;
}

// The shorthand keys of `when`: each is a condition "the field is one of these".
struct Shorthand {
  const char* key;
  const char* path;
};
constexpr Shorthand kShorthands[] = {
    {"type", "MSH-9.1"},
    {"trigger", "MSH-9.2"},
    {"sending_application", "MSH-3.1"},
    {"sending_facility", "MSH-4.1"},
    {"receiving_application", "MSH-5.1"},
    {"receiving_facility", "MSH-6.1"},
    {"version", "MSH-12.1"},
};

void read_path_condition(const ConfigObject& c, std::vector<RouteCondition>& out) {
  RouteCondition cond;
  cond.path_text = c.required_string("path");
  if (cond.path_text.empty()) return;
  auto path = path_at(c, "path", cond.path_text);
  int ops = 0;
  if (c.has("=")) {
    ++ops;
    cond.op = RouteCondition::Op::kEquals;
    cond.values = {c.string("=")};
  }
  if (c.has("!=")) {
    ++ops;
    cond.op = RouteCondition::Op::kNotEquals;
    cond.values = {c.string("!=")};
  }
  if (c.has("in")) {
    ++ops;
    cond.op = RouteCondition::Op::kIn;
    cond.values = c.strings("in");
  }
  if (c.has("not_in")) {
    ++ops;
    cond.op = RouteCondition::Op::kNotIn;
    cond.values = c.strings("not_in");
  }
  if (c.has("exists")) {
    ++ops;
    cond.op = c.boolean("exists", true) ? RouteCondition::Op::kExists : RouteCondition::Op::kAbsent;
  }
  if (c.has("regex")) {
    ++ops;
    cond.op = RouteCondition::Op::kRegex;
    auto compiled = Regex::compile(c.string("regex"));
    if (compiled.ok()) {
      cond.regex = *compiled;
    } else {
      c.error("regex", "expected a regular expression (RE2 syntax, docs/routes.md): " + compiled.error().message);
    }
  }
  if (ops != 1) {
    c.error("", "expected exactly one of \"=\", \"!=\", \"in\", \"not_in\", \"exists\", \"regex\" beside \"path\"");
  }
  c.finish();
  if (path && ops == 1) {
    cond.path = *path;
    out.push_back(std::move(cond));
  }
}

void read_when(const ConfigObject& w, std::vector<RouteCondition>& out) {
  if (w.has("message")) {
    // "ADT^A01" -> type and trigger; "ADT" or "ADT^*" -> type only. Several: any.
    std::vector<std::string> messages = w.strings("message");
    for (const std::string& m : messages) {
      const auto caret = m.find('^');
      const std::string type = m.substr(0, caret);
      const std::string trigger = caret == std::string::npos ? "*" : m.substr(caret + 1);
      auto word = [](const std::string& t) {
        return !t.empty() && std::all_of(t.begin(), t.end(), [](char ch) { return std::isalnum(static_cast<unsigned char>(ch)); });
      };
      if (!word(type) || (trigger != "*" && !word(trigger))) {
        w.error("message", "expected message types such as \"ADT^A01\", \"ADT^*\" or \"ORU\", found \"" + m + "\"");
        messages.clear();
        break;
      }
    }
    if (!messages.empty()) {
      RouteCondition cond;
      cond.path_text = "MSH-9";
      cond.op = RouteCondition::Op::kMessage;
      cond.values = std::move(messages);
      out.push_back(std::move(cond));
    }
  }
  for (const Shorthand& s : kShorthands) {
    if (!w.has(s.key)) continue;
    RouteCondition cond;
    cond.path_text = s.path;
    cond.path = *hl7v2::parse_path(s.path);
    cond.op = RouteCondition::Op::kIn;
    cond.values = w.strings(s.key);
    if (!cond.values.empty()) out.push_back(std::move(cond));
  }
  for (const ConfigObject& c : w.objects("paths")) read_path_condition(c, out);
  w.finish();
}

class PlanCache {
 public:
  explicit PlanCache(std::filesystem::path root) : root_(std::move(root)), tables_(std::make_shared<mapping::CodeTables>(root_ / "tables")) {}

  // The compiled plan, or null with the compile errors in `why`.
  std::shared_ptr<const mapping::MappingPlan> get(const std::string& name, std::string& why) {
    auto it = plans_.find(name);
    if (it != plans_.end()) {
      why = it->second.second;
      return it->second.first;
    }
    mapping::CompileOptions options;
    options.root = root_;
    options.tables = tables_;
    auto plan = mapping::MappingPlan::compile(root_ / name, options);
    std::shared_ptr<const mapping::MappingPlan> out = plan ? *plan : nullptr;
    why = plan ? std::string() : plan.error().to_string();
    plans_.emplace(name, std::make_pair(out, why));
    return out;
  }

 private:
  std::filesystem::path root_;
  std::shared_ptr<mapping::CodeTables> tables_;
  std::map<std::string, std::pair<std::shared_ptr<const mapping::MappingPlan>, std::string>> plans_;
};

void read_route(const std::filesystem::path& file, const RouteContext& context, PlanCache& plans,
                RouteTable& table, std::vector<std::string>& errors) {
  ConfigDocument doc = ConfigDocument::load(file);
  ConfigObject o = doc.root();
  Route r;
  r.name = file.stem().string();
  r.file = file;
  if (o.has("from")) {
    r.from = o.strings("from");
    for (const std::string& l : r.from) {
      if (!contains(context.listeners, l)) {
        o.error("from", "no listener is named \"" + l + "\"; listeners: " + quoted_list(context.listeners));
      }
    }
  }
  if (auto when = o.object("when")) read_when(*when, r.when);
  if (o.has("mapping") && !o.is_null("mapping")) {
    r.mapping_name = o.required_string("mapping");
    if (!r.mapping_name.empty() && r.mapping_name.back() == '/') {
      // A directory: every mapping in it, chosen per message by type.
      std::error_code ec;
      std::vector<std::filesystem::path> files;
      for (const auto& entry : std::filesystem::directory_iterator(context.mappings_root / r.mapping_name, ec)) {
        if (entry.is_regular_file() && entry.path().extension() == ".json") files.push_back(entry.path());
      }
      std::sort(files.begin(), files.end());
      if (ec || files.empty()) {
        o.error("mapping", "expected a directory of mapping files under " + context.mappings_root.string() +
                               ", found none at \"" + r.mapping_name + "\"");
      }
      for (const auto& f : files) {
        std::string why;
        std::string name = r.mapping_name + f.filename().string();
        auto plan = plans.get(name, why);
        if (!plan) {
          o.error("mapping", "mapping \"" + name + "\" does not load:\n" + why);
        } else if (plan->info().input == "hl7v2" && !plan->messages().empty()) {
          r.plans_by_type.push_back(plan);
        }
      }
    } else if (!r.mapping_name.empty()) {
      std::string why;
      r.plan = plans.get(r.mapping_name, why);
      if (!r.plan) {
        o.error("mapping", "mapping \"" + r.mapping_name + "\" (under " + context.mappings_root.string() +
                               ") does not load:\n" + why);
      } else if (r.plan->info().input != "hl7v2") {
        o.error("mapping", "mapping \"" + r.mapping_name + "\" reads " + r.plan->info().input +
                               " input; this route receives HL7 v2 messages");
      }
    }
  }
  r.on_mapping_error = o.one_of("on_mapping_error", {"reject", "dead"}, "reject") == "dead" ? OnMappingError::kDead
                                                                                           : OnMappingError::kReject;
  const std::string produces = r.mapping_name.empty() ? "x-application/hl7-v2+er7" : "application/fhir+json";
  std::vector<std::string> destination_names;
  for (const auto& d : context.destinations) destination_names.push_back(d.name);
  std::vector<ConfigObject> targets = o.objects("to");
  if (!o.has("to") || targets.empty()) o.error("to", "expected a non-empty array of {\"destination\": NAME}");
  for (const ConfigObject& t : targets) {
    RouteTarget target;
    target.destination = t.required_string("destination");
    auto d = std::find_if(context.destinations.begin(), context.destinations.end(),
                          [&](const auto& info) { return info.name == target.destination; });
    if (!target.destination.empty() && d == context.destinations.end()) {
      t.error("destination", "no destination is named \"" + target.destination + "\"; destinations: " +
                                 quoted_list(destination_names));
    } else if (d != context.destinations.end() && !contains(d->accepts, produces)) {
      t.error("destination", "destination \"" + target.destination + "\" does not take " + produces +
                                 (r.mapping_name.empty() ? " (give the route a mapping)" : ""));
    }
    target.key_texts = t.has("key") ? t.strings("key") : default_key_paths();
    for (const std::string& k : target.key_texts) {
      if (auto p = path_at(t, "key", k)) target.key_paths.push_back(*p);
    }
    t.finish();
    r.to.push_back(std::move(target));
  }
  o.finish();
  if (doc.errors().empty()) table.routes.push_back(std::move(r));
  errors.insert(errors.end(), doc.errors().begin(), doc.errors().end());
}

}  // namespace

std::shared_ptr<const RouteTable> load_routes(const RouteContext& context, std::vector<std::string>& errors) {
  const std::size_t before = errors.size();
  auto table = std::make_shared<RouteTable>();
  std::error_code ec;
  if (!std::filesystem::is_directory(context.routes_dir, ec)) {
    errors.push_back(context.routes_dir.string() + ": expected a directory of route files (*.json)");
    return nullptr;
  }
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(context.routes_dir, ec)) {
    if (entry.is_regular_file() && entry.path().extension() == ".json") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  PlanCache plans(context.mappings_root);
  for (const auto& file : files) read_route(file, context, plans, *table, errors);
  if (errors.size() != before) return nullptr;
  return table;
}

}  // namespace lienthong::core
