// MappingPlan::compile and the skeleton walk of the Compiler (compiler.h):
// values, strings, arrays, objects with their $-keys (MAP-1, MAP-2), loops and
// bindings, and the top-level $mapping object.
#include "engine/mapping/compiler.h"

#include "engine/mapping/expr_lexer.h"
#include "engine/mapping/json_text.h"
#include "engine/mapping/step_order.h"

namespace lienthong::mapping {
namespace {

using Json = rapidjson::Value;
using NodePtr = std::unique_ptr<Node>;

constexpr std::string_view kReservedWords[] = {"and", "or", "not", "in", "matches", "true", "false", "null"};

// Why `name` cannot be a binding name, or empty when it can.
std::string bad_name(std::string_view name) {
  if (name.empty()) return "a name must not be empty";
  const auto letter = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; };
  if (!letter(name[0])) return "a name starts with a letter or '_'";
  for (char c : name) {
    if (!letter(c) && !(c >= '0' && c <= '9')) return "a name has only letters, digits and '_'";
  }
  for (std::string_view w : kReservedWords) {
    if (name == w) return "'" + std::string(name) + "' is a reserved word";
  }
  if (is_segment_id(name)) return "'" + std::string(name) + "' would read as a segment id";
  return {};
}

bool valid_message_pattern(std::string_view p) {
  const auto code = [](std::string_view s) {
    if (s.size() != 3) return false;
    for (char c : s) {
      if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) return false;
    }
    return true;
  };
  return p.size() >= 5 && p[3] == '^' && code(p.substr(0, 3)) && (p.substr(4) == "*" || code(p.substr(4)));
}

// Whether `v` holds an $include anywhere.
bool holds_include(const Json& v) {
  if (v.IsObject()) {
    for (const Json::Member& m : v.GetObject()) {
      if (string_of(m.name) == "$include" || holds_include(m.value)) return true;
    }
  } else if (v.IsArray()) {
    for (const Json& item : v.GetArray()) {
      if (holds_include(item)) return true;
    }
  }
  return false;
}

// Literals are written out once, here, so a run only appends their text.
void write_literal(Node& node) {
  JsonBuffer out;
  switch (node.literal.kind()) {
    case ValueKind::kBool:
      out.append(node.literal.as_bool() ? "true" : "false");
      break;
    case ValueKind::kNumber:
      append_json_number(out, node.literal.as_number());
      break;
    case ValueKind::kText:
      if (!node.literal.as_text().empty()) append_json_string(out, node.literal.as_text());
      break;
    default:
      break;
  }
  node.literal_json = out.str();
}

}  // namespace

Compiler::Compiler(const CompileOptions& options) : options_(options), tables_(options.tables) {
  if (!tables_) tables_ = std::make_shared<CodeTables>(options_.root / "tables");
}

Result<std::shared_ptr<const MappingPlan>> Compiler::compile(const std::filesystem::path& path) {
  const std::string shown = path.string();
  file_ = std::make_shared<const std::string>(shown);
  std::string why;
  const std::string key = file_key(path);
  const rapidjson::Document* doc = sources_.load(path, key, shown, errors_, why);
  MappingInfo info;
  NodePtr root;
  if (doc == nullptr) {
    if (!why.empty()) errors_.push_back(shown + ": cannot read: " + why);
  } else {
    include_stack_.push_back({key, shown});
    if (doc->IsObject() && doc->HasMember("$mapping")) info = read_info((*doc)["$mapping"], "$.$mapping");
    input_ = info.input;
    root = compile_value(*doc, "$", Place{false, true});
  }
  if (!errors_.empty()) {
    // A file included in several places can be wrong the same way in each: one line is enough.
    std::set<std::string_view> seen;
    std::string all;
    for (const std::string& e : errors_) {
      if (seen.insert(e).second) all += (all.empty() ? "" : "\n") + e;
    }
    return Error{all, shown};
  }
  auto body = std::make_unique<PlanBody>();
  body->root = std::move(root);
  body->included = std::move(included_);
  body->slot_count = slots_;
  body->constant_count = constants_;
  order_steps(*body);
  return std::shared_ptr<const MappingPlan>(std::make_shared<MappingPlan>(shown, std::move(info), std::move(body)));
}

void Compiler::error(const std::string& path, const std::string& what) {
  errors_.push_back(*file_ + ": " + path + ": " + what);
}

void Compiler::expr_error(const std::string& path, const ExprError& e, std::string_view text) {
  error(path, e.message + " (at column " + std::to_string(e.column) + " of \"" + std::string(text) + "\")");
}

SourceRef Compiler::source(const std::string& path, std::string text) const {
  return SourceRef{file_, path, std::move(text)};
}

NodePtr Compiler::compile_value(const Json& v, const std::string& path, Place place) {
  if (v.IsString()) return compile_string(string_of(v), path, false);
  if (v.IsObject()) return compile_object(v, path, place);
  if (v.IsArray()) return compile_array(v, path);
  auto node = std::make_unique<Node>();
  node->kind = NodeKind::kLiteral;
  node->source = source(path);
  if (v.IsBool()) {
    node->literal = Value::boolean(v.GetBool());
  } else if (v.IsNumber()) {
    node->literal = Value::number(v.GetDouble(), v.IsInt64() || v.IsUint64());
  }
  write_literal(*node);
  return node;
}

// `bare`: a string without "${" is itself an expression ($let, $value).
NodePtr Compiler::compile_string(std::string_view text, const std::string& path, bool bare) {
  auto node = std::make_unique<Node>();
  node->source = source(path, std::string(text));
  parsing_path_ = &path;
  parsing_text_ = text;
  if (bare && text.find("${") == std::string_view::npos) {
    auto e = parse_expression(text, *this);
    if (!e.ok()) {
      expr_error(path, e.error(), text);
      return node;
    }
    node->kind = NodeKind::kExpression;
    node->expr = std::move(e).value();
    return node;
  }
  auto form = parse_string(text, *this);
  if (!form.ok()) {
    expr_error(path, form.error(), text);
    return node;
  }
  switch (form->kind) {
    case StringForm::Kind::kLiteral:
      node->kind = NodeKind::kLiteral;
      node->literal_text = std::move(form->literal);
      node->literal = json_plain(node->literal_text) ? Value::plain_text(node->literal_text)
                                                     : Value::text(node->literal_text);
      write_literal(*node);
      break;
    case StringForm::Kind::kExpression:
      node->kind = NodeKind::kExpression;
      node->expr = std::move(form->expr);
      break;
    case StringForm::Kind::kTemplate:
      node->kind = NodeKind::kTemplate;
      node->pieces = std::move(form->pieces);
      // The literal pieces are escaped once, here.
      for (TemplatePiece& piece : node->pieces) {
        if (piece.expr) continue;
        JsonBuffer escaped;
        append_json_escaped(escaped, piece.text);
        piece.json = escaped.str();
      }
      break;
  }
  return node;
}

// $if / $for: one expression, bare ("PID-3[*]") or wrapped ("${PID-3[*]}").
std::unique_ptr<Expr> Compiler::compile_expression(const Json& v, const std::string& path) {
  if (v.IsBool()) {
    auto e = std::make_unique<Expr>();
    e->literal = Value::boolean(v.GetBool());
    return e;
  }
  if (!v.IsString()) {
    error(path, "expected an expression in a string");
    return nullptr;
  }
  const std::size_t errors_before = errors_.size();
  NodePtr node = compile_string(string_of(v), path, true);
  if (node->kind == NodeKind::kExpression) return std::move(node->expr);
  if (node->kind == NodeKind::kTemplate) {
    error(path, "expected one expression, found a template");
  } else if (errors_.size() == errors_before) {
    // Only "$${" escapes make a literal text here; a caller never gets a null
    // expression without an error (it would have nothing to evaluate).
    error(path, "expected one expression, found a literal text (\"$${\" is an escaped \"${\")");
  }
  return nullptr;
}

NodePtr Compiler::compile_array(const Json& v, const std::string& path) {
  auto node = std::make_unique<Node>();
  node->kind = NodeKind::kArray;
  node->source = source(path);
  for (rapidjson::SizeType i = 0; i < v.Size(); ++i) {
    if (splice_include(v[i], json_path_index(path, i), *node)) continue;
    node->items.push_back(compile_value(v[i], json_path_index(path, i), Place{true, false}));
    if (carries_unique_key(*node->items.back())) node->items_unique = true;
  }
  return node;
}

Compiler::ObjectKeys Compiler::sort_keys(const Json& v, const std::string& path, Place place) {
  ObjectKeys k;
  std::set<std::string_view> seen;
  for (const Json::Member& m : v.GetObject()) {
    const std::string_view key = string_of(m.name);
    const std::string at = json_path_key(path, key);
    if (!seen.insert(key).second) {
      error(at, "duplicate key");
      continue;
    }
    if (key.empty() || key[0] != '$') {
      k.outputs.push_back(&m);
    } else if (key == "$for") {
      k.for_items = &m.value;
    } else if (key == "$as") {
      k.as = &m.value;
    } else if (key == "$until") {
      k.until = &m.value;
    } else if (key == "$let") {
      k.let = &m.value;
    } else if (key == "$if") {
      k.condition = &m.value;
    } else if (key == "$include") {
      k.include = &m.value;
    } else if (key == "$value") {
      k.value = &m.value;
    } else if (key == "$unique") {
      k.unique = &m.value;
    } else if (key == "$mapping") {
      if (!place.top) error(at, "$mapping is only allowed at the top level of a mapping file");
    } else if (key != "$comment") {
      error(at, "unknown $-key '" + std::string(key) + "'");
    }
  }
  return k;
}

NodePtr Compiler::compile_object(const Json& v, const std::string& path, Place place) {
  auto node = std::make_unique<Node>();
  node->kind = NodeKind::kObject;
  node->source = source(path);
  const ObjectKeys k = sort_keys(v, path, place);
  const std::size_t mark = scope_.size();
  if (k.for_items != nullptr) {
    node->loop = compile_loop(k, path, place);
  } else {
    if (k.as != nullptr) error(json_path_key(path, "$as"), "$as needs $for in the same object");
    if (k.until != nullptr) error(json_path_key(path, "$until"), "$until needs $for in the same object");
  }
  if (k.let != nullptr) compile_lets(*k.let, json_path_key(path, "$let"), *node);
  if (k.condition != nullptr) {
    const std::string at = json_path_key(path, "$if");
    Step step;
    step.kind = Step::Kind::kIf;
    step.source = source(at, k.condition->IsString() ? std::string(string_of(*k.condition)) : std::string());
    step.condition = compile_expression(*k.condition, at);
    if (step.condition) node->steps.push_back(std::move(step));
  }
  if (k.unique != nullptr) {
    node->unique_owned = compile_unique(*k.unique, path, place);
    node->unique = node->unique_owned.get();
  }
  if (k.include != nullptr) merge_include(*node, k, path, place);
  if (k.value != nullptr && k.include == nullptr) {
    const std::string at = json_path_key(path, "$value");
    if (!k.outputs.empty()) error(path, "$value replaces the object: other keys are not allowed with it");
    node->value = k.value->IsString() ? compile_string(string_of(*k.value), at, true)
                                      : compile_value(*k.value, at, Place{});
  }
  for (const Json::Member* m : k.outputs) {
    const std::string key(string_of(m->name));
    NodePtr child = compile_value(m->value, json_path_key(path, key), Place{});
    const Node* value = child.get();
    bool merged = false;
    for (Member& existing : node->members) {
      if (existing.key == key) {  // this object's keys override the included object's
        existing.owned = std::move(child);
        existing.value = value;
        existing.value_expr = expression_of(value);
        merged = true;
        break;
      }
    }
    if (!merged) {
      JsonBuffer json_key;
      append_json_string(json_key, key);
      json_key.put(':');
      node->members.push_back(Member{value, expression_of(value), json_key.str(), key, std::move(child)});
    }
  }
  scope_.resize(mark);
  return node;
}

// $include: an object skeleton is merged (its steps after this object's, its
// members under this object's keys); any other skeleton replaces the value.
void Compiler::merge_include(Node& node, const ObjectKeys& k, const std::string& path, Place place) {
  if (k.value != nullptr) error(json_path_key(path, "$value"), "$value and $include cannot be used together");
  // The included file's slots hold its values until its last member is written;
  // a key of this object written among them must not run that file (or one it
  // merges) again, so such a place gets a copy of its own.
  bool private_copy = false;
  for (const Json::Member* m : k.outputs) private_copy = private_copy || holds_include(m->value);
  std::unique_ptr<IncludeUse> use = compile_include(*k.include, json_path_key(path, "$include"), place, private_copy);
  if (!use) return;
  const Node& root = *use->root;
  const bool only_the_file = place.binding && k.outputs.empty();
  if (root.kind == NodeKind::kObject && !root.value && !root.loop && !only_the_file) {
    for (const Member& m : root.members) node.members.push_back(Member{m.value, m.value_expr, m.json_key, m.key, nullptr});
    // This object's $unique, like its other keys, wins over the included one.
    if (node.unique == nullptr) node.unique = root.unique;
    node.include = std::move(use);
  } else {
    if (!k.outputs.empty()) error(path, "other keys cannot be merged over an included value that is not an object");
    auto value = std::make_unique<Node>();
    value->kind = NodeKind::kInclude;
    value->source = source(json_path_key(path, "$include"));
    value->include = std::move(use);
    node.value = std::move(value);
  }
}

// $unique: one expression (bare or "${...}") or a template, whose text is the key.
NodePtr Compiler::compile_unique(const Json& v, const std::string& path, Place place) {
  const std::string at = json_path_key(path, "$unique");
  if (!place.array_element && !place.element_root) {
    error(path, "$unique is only allowed in an element of an array");
    return nullptr;
  }
  if (!v.IsString()) {
    error(at, "expected an expression in a string");
    return nullptr;
  }
  NodePtr key = compile_string(string_of(v), at, true);
  if (key->kind != NodeKind::kExpression && key->kind != NodeKind::kTemplate) return nullptr;
  return key;
}

std::unique_ptr<Loop> Compiler::compile_loop(const ObjectKeys& k, const std::string& path, Place place) {
  const std::string at = json_path_key(path, "$for");
  if (!place.array_element) error(path, "$for is only allowed in an element of an array");
  auto loop = std::make_unique<Loop>();
  loop->source = source(at, k.for_items->IsString() ? std::string(string_of(*k.for_items)) : std::string());
  loop->items = compile_expression(*k.for_items, at);
  // "$for": "OBR" means every OBR (MAP-4.3), not the first one as a plain path would.
  if (loop->items && loop->items->kind == ExprKind::kPath && loop->items->path.field == 0 &&
      !loop->items->occurrence_given) {
    loop->items->path.segment_occurrence = hl7v2::Path::kAll;
  }
  std::string name = "it";
  if (k.as != nullptr) {
    const std::string as_path = json_path_key(path, "$as");
    if (!k.as->IsString()) {
      error(as_path, "expected a name such as \"obx\"");
    } else if (std::string why = bad_name(string_of(*k.as)); !why.empty()) {
      error(as_path, why);
    } else {
      name = std::string(string_of(*k.as));
    }
  }
  if (k.until != nullptr) {
    const std::string until_path = json_path_key(path, "$until");
    if (!k.until->IsArray()) {
      error(until_path, "expected a list of segment ids such as [\"ORC\"]");
    } else {
      for (rapidjson::SizeType i = 0; i < k.until->Size(); ++i) {
        const Json& id = (*k.until)[i];
        if (!id.IsString() || !is_segment_id(string_of(id))) {
          error(json_path_index(until_path, i), "expected a segment id such as \"ORC\"");
        } else {
          loop->until.push_back(pack_segment_id(id.GetString()));
        }
      }
    }
  }
  loop->slot = slots_++;
  scope_.push_back(Binding{name, loop->slot});
  return loop;
}

void Compiler::compile_lets(const Json& lets, const std::string& path, Node& node) {
  if (!lets.IsObject()) {
    error(path, "expected an object of name: expression");
    return;
  }
  for (const Json::Member& m : lets.GetObject()) {
    const std::string name(string_of(m.name));
    const std::string at = json_path_key(path, name);
    if (std::string why = bad_name(name); !why.empty()) {
      error(at, why);
      continue;
    }
    Step step;
    step.kind = Step::Kind::kLet;
    step.source = source(at, m.value.IsString() ? std::string(string_of(m.value)) : std::string());
    // Compiled before the name is bound: a binding cannot refer to itself.
    step.value = m.value.IsString() ? compile_string(string_of(m.value), at, true)
                                    : compile_value(m.value, at, Place{false, false, false, true});
    step.value_expr = expression_of(step.value.get());
    step.slot = slots_++;
    scope_.push_back(Binding{name, step.slot});
    node.steps.push_back(std::move(step));
  }
}

MappingInfo Compiler::read_info(const Json& v, const std::string& path) {
  MappingInfo info;
  if (!v.IsObject()) {
    error(path, "expected an object with input, description, messages");
    return info;
  }
  for (const Json::Member& m : v.GetObject()) {
    const std::string_view key = string_of(m.name);
    const std::string at = json_path_key(path, key);
    if (key == "input") {
      const std::string_view input = m.value.IsString() ? string_of(m.value) : std::string_view();
      if (input == "hl7v2" || input == "json" || input == "fhir") {
        info.input = std::string(input);
      } else {
        error(at, "expected \"hl7v2\", \"fhir\" or \"json\"");
      }
    } else if (key == "description") {
      if (m.value.IsString()) {
        info.description = string_of(m.value);
      } else {
        error(at, "expected a string");
      }
    } else if (key == "messages") {
      if (!m.value.IsArray()) {
        error(at, "expected a list of message types such as [\"ADT^A01\", \"ADT^*\"]");
        continue;
      }
      for (rapidjson::SizeType i = 0; i < m.value.Size(); ++i) {
        const Json& p = m.value[i];
        if (p.IsString() && valid_message_pattern(string_of(p))) {
          info.messages.emplace_back(string_of(p));
        } else {
          error(json_path_index(at, i), "expected a message type such as \"ADT^A01\" or \"ADT^*\"");
        }
      }
    } else if (key != "$comment") {
      error(at, "unknown key (expected input, description, messages)");
    }
  }
  return info;
}

Result<std::shared_ptr<const MappingPlan>> MappingPlan::compile(const std::filesystem::path& file,
                                                                const CompileOptions& options) {
  Compiler compiler(options);
  return compiler.compile(file);
}

MappingPlan::MappingPlan(std::string file, MappingInfo info, std::unique_ptr<const PlanBody> body)
    : file_(std::move(file)), info_(std::move(info)), body_(std::move(body)) {}

MappingPlan::~MappingPlan() = default;

}  // namespace lienthong::mapping
