#include "engine/core/config.h"

#include <limits>
#include <set>

#include "engine/core/route_loader.h"
#include "engine/mapping/fhir_time.h"
#include "engine/mapping/run.h"

namespace lienthong::core {

namespace {

using namespace std::chrono_literals;

StoreSettings read_store(const ConfigObject& o, const std::filesystem::path& file) {
  StoreSettings s;
  std::string path = o.required_string("path");
  if (!path.empty()) {
    std::filesystem::path p(path);
    s.path = p.is_absolute() ? p : (file.parent_path() / p).lexically_normal();
  }
  // Each key's default is StoreSettings' own (config.h), written once.
  s.synchronous = o.one_of("synchronous", {"full", "normal"}, s.synchronous);
  s.duplicate_window = o.duration("duplicate_window", s.duplicate_window, 0us, std::chrono::hours(24 * 366));
  s.batch_max = o.uint("batch_max", s.batch_max, 1, 65536);
  s.batch_delay = o.duration("batch_delay", s.batch_delay, 0us, 100ms);
  s.update_delay = o.duration("update_delay", s.update_delay, 0us, 1s);
  s.checkpoint_pages = o.uint("checkpoint_pages", s.checkpoint_pages, 16, 1'000'000);
  s.checkpoint_interval = o.duration("checkpoint_interval", s.checkpoint_interval, 10ms, 60s);
  s.wal_limit_mb = o.uint("wal_limit_mb", s.wal_limit_mb, 1, 65536);
  s.body_compression = o.one_of("body_compression", {"lz4", "none"}, s.body_compression);
  o.finish();
  return s;
}

LogSettings read_log(const ConfigObject& o) {
  LogSettings s;
  s.level = *log::parse_level(o.one_of("level", {"debug", "info", "warning", "error"}, "info"));
  s.format = *log::parse_format(o.one_of("format", {"kv", "json"}, "kv"));
  o.finish();
  return s;
}

bool is_wildcard(const std::string& host) { return host.empty() || host == "0.0.0.0" || host == "::"; }

std::filesystem::path relative_to(const std::filesystem::path& file, const std::string& path) {
  std::filesystem::path p(path);
  return p.is_absolute() ? p : (file.parent_path() / p).lexically_normal();
}

RetentionSettings read_retention(const ConfigObject& o) {
  RetentionSettings r;
  r.enabled = true;
  r.after = o.duration("after", r.after, std::chrono::minutes(1), std::chrono::hours(24 * 365 * 100));
  r.drop_metadata = o.one_of("keep", {"metadata", "none"}, "metadata") == "none";
  r.interval = o.duration("interval", r.interval, std::chrono::seconds(1), std::chrono::hours(24));
  r.batch = o.uint("batch", r.batch, 1, 100000);
  o.finish();
  return r;
}

void read_destinations(const ConfigObject& root, const DestinationRegistry& registry, EngineConfig& config) {
  std::set<std::string> names;
  for (const ConfigObject& o : root.objects("destinations")) {
    DestinationSettings d = read_destination(o, registry);
    if (!d.name.empty() && !names.insert(d.name).second) o.error("name", "duplicate destination name \"" + d.name + "\"");
    if (d.type.empty() || registry.find(d.type) == nullptr) continue;  // its other keys cannot be judged
    o.finish();
    config.destinations.push_back(std::move(d));
  }
}

void read_listeners(const ConfigObject& root, const ListenerRegistry& registry, EngineConfig& config) {
  std::string known;
  for (const auto& name : registry.names()) known += (known.empty() ? "\"" : ", \"") + name + "\"";
  std::set<std::string> names;
  for (const ConfigObject& o : root.objects("listeners")) {
    ListenerSettings l;
    l.type = o.required_string("type");
    const ListenerType* type = l.type.empty() ? nullptr : registry.find(l.type);
    if (!l.type.empty() && type == nullptr) {
      o.error("type", "expected one of " + known + ", found \"" + l.type + "\"");
    }
    l.name = o.required_string("name");
    if (!l.name.empty() && !names.insert(l.name).second) {
      o.error("name", "duplicate listener name \"" + l.name + "\"");
    }
    if (type == nullptr) {
      // Without a type its other keys cannot be judged; do not call them unknown.
      continue;
    }
    l.spec = type->parse(o);
    l.text = o.text();
    o.finish();
    if (l.spec.port != 0) {
      for (const ListenerSettings& other : config.listeners) {
        bool same_host = other.spec.host == l.spec.host || is_wildcard(other.spec.host) || is_wildcard(l.spec.host);
        if (other.spec.port == l.spec.port && same_host) {
          o.error("port", "port " + std::to_string(l.spec.port) + " is already used by listener \"" + other.name + "\"");
        }
      }
    }
    config.listeners.push_back(std::move(l));
  }
}

Result<EngineConfig, ConfigErrors> check(const ConfigDocument& doc, const std::filesystem::path& file,
                                         const AdapterRegistry& registry, ConfigScope scope) {
  EngineConfig config;
  config.file = file;
  if (!doc.parsed()) return doc.errors();
  ConfigObject root = doc.root();
  if (auto store = root.object("store")) {
    config.store = read_store(*store, file);
  } else if (!root.has("store")) {
    root.error("store", "missing required key");
  }
  if (auto log = root.object("log")) config.log = read_log(*log);
  config.threads = static_cast<unsigned>(root.uint("threads", 2, 1, 64));
  config.delivery_threads = static_cast<unsigned>(root.uint("delivery_threads", 1, 1, 64));
  read_listeners(root, registry.listeners, config);
  read_destinations(root, registry.destinations, config);
  if (auto dir = root.optional_string("routes")) config.routes_dir = relative_to(file, *dir);
  config.mappings_root = relative_to(file, root.string("mappings", "../mappings"));
  config.unrouted = root.one_of("unrouted", {"accept", "reject"}, "accept") == "reject" ? Unrouted::kReject : Unrouted::kAccept;
  config.time_zone = root.string("time_zone", config.time_zone);
  if (!mapping::TimeZone::from_name(config.time_zone).ok()) {
    root.error("time_zone", "expected an IANA zone name such as \"Asia/Ho_Chi_Minh\" or an offset such as \"+07:00\", found \"" +
                                config.time_zone + "\"");
  }
  config.stats_interval = root.duration("stats_interval", config.stats_interval, std::chrono::microseconds(0),
                                        std::chrono::hours(24));
  if (config.stats_interval.count() != 0 && config.stats_interval < std::chrono::seconds(1)) {
    root.error("stats_interval", "expected \"0s\" (no stats lines) or at least \"1s\"");
  }
  config.country = root.string("country", config.country);
  if (auto wrong = mapping::country_code_error(config.country)) root.error("country", *wrong);
  if (auto retention = root.object("retention")) {
    config.retention = read_retention(*retention);
    if (config.retention.drop_metadata && config.retention.after < config.store.duplicate_window) {
      retention->error("after", "must be at least store.duplicate_window when keep is \"none\" (duplicates are found in kept messages)");
    }
  }
  root.finish();
  if (!doc.errors().empty()) return doc.errors();
  ConfigErrors errors;
  if (!config.routes_dir.empty() && scope == ConfigScope::kAll) {
    RouteContext context;
    context.routes_dir = config.routes_dir;
    context.mappings_root = config.mappings_root;
    for (const auto& l : config.listeners) context.listeners.push_back(l.name);
    for (const auto& d : config.destinations) context.destinations.push_back({d.name, d.accepts});
    config.routes = load_routes(context, errors);
  } else {
    config.routes = std::make_shared<RouteTable>();
  }
  if (!errors.empty()) return errors;
  return config;
}

}  // namespace

Result<EngineConfig, ConfigErrors> load_config(const std::filesystem::path& path, const AdapterRegistry& registry,
                                               ConfigScope scope) {
  return check(ConfigDocument::load(path), path, registry, scope);
}

Result<EngineConfig, ConfigErrors> parse_config(std::string_view text, const std::filesystem::path& file,
                                                const AdapterRegistry& registry, ConfigScope scope) {
  return check(ConfigDocument::parse(text, file.string()), file, registry, scope);
}

}  // namespace lienthong::core
