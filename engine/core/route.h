// Routes (routes/*.json, one route per file; docs/routes.md): which inbound
// messages a route takes (`from` listeners, `when` conditions), the mapping that
// turns them into what its destinations receive (or none: the message passes
// through as received), and the destinations with the ordering key of each.
//
// A RouteTable is built once per configuration load, fully checked (every
// mapping compiled, every path parsed, every regular expression compiled), and
// then only read: routing a message re-parses nothing.
//
// Thread-safety: immutable after load; any number of threads may route at once.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "engine/base/regex.h"
#include "engine/hl7v2/message.h"
#include "engine/hl7v2/path.h"
#include "engine/mapping/plan.h"

namespace lienthong::core {

// One `when` test on a path of the message. Texts are compared decoded (UTF-8,
// escapes resolved); a path that selects several elements passes when any does.
struct RouteCondition {
  // kMessage: MSH-9's type and trigger against "ADT^A01" / "ADT^*" / "ADT" values.
  enum class Op { kEquals, kNotEquals, kIn, kNotIn, kExists, kAbsent, kRegex, kMessage };
  std::string path_text;  // as written, for messages
  hl7v2::Path path;
  Op op = Op::kEquals;
  std::vector<std::string> values;  // kEquals/kNotEquals: one; kIn/kNotIn: several
  std::shared_ptr<const Regex> regex;      // kRegex (searched: anywhere in the text)

  bool matches(const hl7v2::Message& message) const;
};

struct RouteTarget {
  std::string destination;
  // The ordering key: these paths' texts joined with '|'. When every path is
  // empty the key is the listener's name (messages without a patient keep the
  // order their source sent them in).
  std::vector<hl7v2::Path> key_paths;
  std::vector<std::string> key_texts;  // as written

  std::string key_of(const hl7v2::Message& message, const std::string& source) const;
};

enum class OnMappingError { kReject, kDead };

struct Route {
  std::string name;             // the file's stem: routes/adt-to-ehr.json -> "adt-to-ehr"
  std::filesystem::path file;
  std::vector<std::string> from;  // listener names; empty = every listener
  std::vector<RouteCondition> when;
  std::string mapping_name;       // as written ("hl7v2/adt.json"); empty = pass-through
  std::shared_ptr<const mapping::MappingPlan> plan;
  // "hl7v2/" (a directory): each message gets the mapping of that directory whose
  // $mapping.messages names its type; the route takes only messages one serves.
  std::vector<std::shared_ptr<const mapping::MappingPlan>> plans_by_type;
  std::vector<RouteTarget> to;
  OnMappingError on_mapping_error = OnMappingError::kReject;

  bool takes(const std::string& source, const hl7v2::Message& message) const;
  // The mapping for this message (null: pass through).
  const mapping::MappingPlan* plan_for(const hl7v2::Message& message) const;
  // kContentFhirJson with a mapping, kContentHl7v2 without.
  const char* content_type() const;
};

// Every route of a configuration, in file name order (routes run in that order;
// a message may be taken by several).
struct RouteTable {
  std::vector<Route> routes;
};

// The default ordering key paths: the patient's first identifier and its
// assigning authority.
std::vector<std::string> default_key_paths();

}  // namespace lienthong::core
