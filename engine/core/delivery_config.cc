#include "engine/core/delivery_config.h"

#include <algorithm>

namespace lienthong::core {

using namespace std::chrono_literals;

bool DeliveryPolicy::stops_on_dead(const std::string& message_type) const {
  if (stop_on_dead_all) return true;
  const std::string code = message_type.substr(0, message_type.find('^'));
  return std::any_of(stop_on_dead.begin(), stop_on_dead.end(),
                     [&](const std::string& t) { return t == message_type || t == code; });
}

DestinationSettings read_destination(const ConfigObject& o, const DestinationRegistry& registry) {
  DestinationSettings d;
  d.path = o.file_name() + ": " + o.path();
  d.type = o.required_string("type");
  d.name = o.required_string("name");
  DeliveryPolicy& p = d.policy;
  p.concurrency = o.uint("concurrency", p.concurrency, 1, 1024);
  p.window = o.uint("window", p.window, 16, 1'000'000);
  if (p.window < p.concurrency) o.error("window", "must be at least \"concurrency\" (" + std::to_string(p.concurrency) + ")");
  p.max_attempts = static_cast<int>(o.uint("max_attempts", 0, 0, 1'000'000));
  p.max_age = o.duration("max_age", p.max_age, 1s, std::chrono::hours(24 * 366));
  p.backoff_initial = o.duration("backoff_initial", p.backoff_initial, 1ms, std::chrono::hours(24));
  p.backoff_max = o.duration("backoff_max", p.backoff_max, 1ms, std::chrono::hours(24));
  if (p.backoff_max < p.backoff_initial) o.error("backoff_max", "must be at least \"backoff_initial\"");
  if (o.is_bool("stop_on_dead")) {
    p.stop_on_dead_all = o.boolean("stop_on_dead", false);
    p.stop_on_dead.clear();
  } else if (o.has("stop_on_dead")) {
    p.stop_on_dead = o.strings("stop_on_dead");  // an error names what was expected
  }
  const DestinationType* type = d.type.empty() ? nullptr : registry.find(d.type);
  if (!d.type.empty() && type == nullptr) {
    std::string known;
    for (const auto& name : registry.names()) known += (known.empty() ? "\"" : ", \"") + name + "\"";
    o.error("type", "expected one of " + known + ", found \"" + d.type + "\"");
  }
  if (type != nullptr) {
    d.accepts = type->accepts;
    d.type_settings = type->parse(o);
  }
  return d;
}

}  // namespace lienthong::core
