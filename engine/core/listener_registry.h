// Listener types the engine can run, by the name used in the config's
// "type" key. The core knows no concrete adapter: the CLI registers each type
// once (e.g. "mllp") with a parse function and a factory; config loading and
// the engine look types up here.
//
// Thread-safety: fill the registry at start-up, then only read it (any thread).
#pragma once

#include <any>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "engine/core/config_reader.h"
#include "engine/core/message_sink.h"

namespace lienthong::core {

// A running listener. Created bound and accepting; the engine stops it in two steps.
class Listener {
 public:
  virtual ~Listener() = default;
  // "127.0.0.1:2575" as actually bound (port 0 in the config -> the OS's pick).
  virtual std::string endpoint() const = 0;
  // Closes the listening socket; open connections keep being served.
  virtual void stop_accepting() = 0;
  // Closes every connection once answers already decided are written. Any thread.
  virtual void shutdown() = 0;
  // Connections open now (after stop_accepting() the number only falls). Any thread.
  virtual std::size_t open_connections() const = 0;
};

// What a type's parse function learned from one listener's config object.
struct ListenerSpec {
  std::any settings;         // the type's own settings struct, handed back to `create`
  std::string host;          // bound address, for the duplicate-port check
  std::uint16_t port = 0;    // 0: none or chosen by the OS (never a conflict)
};

struct ListenerType {
  // Reads every key of the listener except "type" (errors recorded in the object;
  // the loader reports unknown keys afterwards).
  std::function<ListenerSpec(const ConfigObject&)> parse;
  // Creates the listener bound and accepting; throws std::runtime_error at start-up
  // when it cannot bind (misconfiguration).
  std::function<std::unique_ptr<Listener>(boost::asio::io_context&, const ListenerSpec&, MessageSink&)> create;
};

class ListenerRegistry {
 public:
  void add(std::string type, ListenerType listener_type) { types_[std::move(type)] = std::move(listener_type); }
  const ListenerType* find(const std::string& type) const {
    auto it = types_.find(type);
    return it == types_.end() ? nullptr : &it->second;
  }
  std::vector<std::string> names() const {
    std::vector<std::string> out;
    for (const auto& [name, type] : types_) out.push_back(name);
    return out;
  }

 private:
  std::map<std::string, ListenerType> types_;
};

}  // namespace lienthong::core
