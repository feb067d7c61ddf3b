#include "engine/mapping/json_path.h"

#include <cctype>
#include <cstdlib>
#include <optional>
#include <utility>

namespace lienthong::mapping {

// A where() criterion: a relative path that exists, or compared with a literal;
// or two criteria joined by and / or.
struct JsonCondition {
  enum class Kind { kExists, kEq, kNe, kAnd, kOr };
  Kind kind = Kind::kExists;
  std::vector<JsonPathStep> path;  // kExists, kEq, kNe
  rapidjson::Value literal;        // kEq, kNe (string literals point into `text`)
  std::string text;
  std::unique_ptr<JsonCondition> left, right;  // kAnd, kOr
};

struct JsonPathStep {
  enum class Kind {
    kTypeTest,         // leading `Patient`: the focus whose resourceType is `name`
    kMember,           // FHIRPath `.name`: flattens arrays, finds choice elements
    kCollectionIndex,  // FHIRPath `[n]`: item n of the collection
    kPlainMember,      // `$.name`: the member as it is
    kArrayIndex,       // `$[n]`: item n of each array
    kArrayAll,         // `$[*]`: every item of each array
    kWhere,
    kOfType,
    kFirst,
    kLast,
  };
  Kind kind = Kind::kMember;
  std::string name;
  std::size_t index = 0;
  std::shared_ptr<const JsonCondition> condition;
};

namespace {

using Nodes = std::vector<JsonNode>;

std::string_view resource_type(const rapidjson::Value& v) {
  if (!v.IsObject()) return {};
  auto it = v.FindMember("resourceType");
  if (it == v.MemberEnd() || !it->value.IsString()) return {};
  return {it->value.GetString(), it->value.GetStringLength()};
}

void add(Nodes& out, const rapidjson::Value& v, std::string_view type, bool flatten) {
  if (v.IsNull()) return;
  if (flatten && v.IsArray()) {
    for (const auto& item : v.GetArray()) {
      if (!item.IsNull()) out.push_back({&item, type.empty() ? resource_type(item) : type});
    }
    return;
  }
  out.push_back({&v, type.empty() ? resource_type(v) : type});
}

bool is_choice_of(std::string_view key, std::string_view name) {
  return key.size() > name.size() && key.substr(0, name.size()) == name &&
         std::isupper(static_cast<unsigned char>(key[name.size()])) != 0;
}

void member(Nodes& out, const JsonNode& n, const std::string& name, bool fhir) {
  if (!n.value->IsObject()) return;
  auto it = n.value->FindMember(rapidjson::StringRef(name.data(), name.size()));
  if (it != n.value->MemberEnd()) {
    add(out, it->value, {}, fhir);
    return;
  }
  if (!fhir) return;
  for (const auto& m : n.value->GetObject()) {
    const std::string_view key(m.name.GetString(), m.name.GetStringLength());
    if (is_choice_of(key, name)) add(out, m.value, key.substr(name.size()), true);
  }
}

Nodes apply(const std::vector<JsonPathStep>& steps, Nodes focus);

bool matches(const JsonCondition& c, const JsonNode& n) {
  using K = JsonCondition::Kind;
  switch (c.kind) {
    case K::kAnd: return matches(*c.left, n) && matches(*c.right, n);
    case K::kOr: return matches(*c.left, n) || matches(*c.right, n);
    case K::kExists: return !apply(c.path, {n}).empty();
    case K::kEq:
    case K::kNe: {
      bool equal = false;
      for (const JsonNode& v : apply(c.path, {n})) {
        if (*v.value == c.literal) equal = true;
      }
      return c.kind == K::kEq ? equal : !equal;
    }
  }
  return false;
}

Nodes apply(const std::vector<JsonPathStep>& steps, Nodes focus) {
  using K = JsonPathStep::Kind;
  for (const JsonPathStep& s : steps) {
    Nodes next;
    switch (s.kind) {
      case K::kTypeTest:
      case K::kOfType:
        for (const JsonNode& n : focus) {
          if (n.type == s.name) next.push_back(n);
        }
        break;
      case K::kMember:
      case K::kPlainMember:
        for (const JsonNode& n : focus) member(next, n, s.name, s.kind == K::kMember);
        break;
      case K::kCollectionIndex:
        if (s.index < focus.size()) next.push_back(focus[s.index]);
        break;
      case K::kArrayIndex:
        for (const JsonNode& n : focus) {
          if (n.value->IsArray() && s.index < n.value->Size()) add(next, (*n.value)[s.index], {}, false);
        }
        break;
      case K::kArrayAll:
        for (const JsonNode& n : focus) {
          if (!n.value->IsArray()) continue;
          for (const auto& item : n.value->GetArray()) add(next, item, {}, false);
        }
        break;
      case K::kWhere:
        for (const JsonNode& n : focus) {
          if (matches(*s.condition, n)) next.push_back(n);
        }
        break;
      case K::kFirst:
        if (!focus.empty()) next.push_back(focus.front());
        break;
      case K::kLast:
        if (!focus.empty()) next.push_back(focus.back());
        break;
    }
    focus = std::move(next);
    if (focus.empty()) break;
  }
  return focus;
}

}  // namespace

// Recursive descent over the path text; `error` keeps the first failure.
class JsonPathParser {
 public:
  explicit JsonPathParser(std::string_view text) : text_(text) {}

  Result<JsonPath> parse() {
    JsonPath path;
    path.text_ = std::string(text_);
    skip_space();
    if (peek('$')) {
      ++pos_;
      plain_steps(path.steps_);
    } else {
      fhir_path(path.steps_, /*top=*/true);
    }
    skip_space();
    if (!failed() && pos_ < text_.size()) fail("expected '.', '[' or the end of the path");
    if (failed()) {
      return Error{"column " + std::to_string(error_at_ + 1) + ": " + error_ + " (in \"" + std::string(text_) + "\")",
                   {}};
    }
    return path;
  }

 private:
  bool failed() const { return !error_.empty(); }
  void fail(std::string why) {
    if (failed()) return;
    error_ = std::move(why);
    error_at_ = pos_;
  }
  void skip_space() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_])) != 0) ++pos_;
  }
  bool peek(char c) const { return pos_ < text_.size() && text_[pos_] == c; }
  bool eat(char c) {
    skip_space();
    if (!peek(c)) return false;
    ++pos_;
    return true;
  }
  bool word_ahead(std::string_view w) {
    skip_space();
    if (text_.substr(pos_, w.size()) != w) return false;
    const std::size_t end = pos_ + w.size();
    return end == text_.size() || !(std::isalnum(static_cast<unsigned char>(text_[end])) != 0 || text_[end] == '_');
  }

  std::optional<std::string> identifier() {
    skip_space();
    const std::size_t start = pos_;
    if (pos_ < text_.size() && (std::isalpha(static_cast<unsigned char>(text_[pos_])) != 0 || text_[pos_] == '_')) {
      while (pos_ < text_.size() && (std::isalnum(static_cast<unsigned char>(text_[pos_])) != 0 || text_[pos_] == '_')) {
        ++pos_;
      }
      return std::string(text_.substr(start, pos_ - start));
    }
    return std::nullopt;
  }

  std::optional<std::size_t> index() {
    skip_space();
    const std::size_t start = pos_;
    while (pos_ < text_.size() && std::isdigit(static_cast<unsigned char>(text_[pos_])) != 0) ++pos_;
    if (pos_ == start || pos_ - start > 9) {
      pos_ = start;
      return std::nullopt;
    }
    return static_cast<std::size_t>(std::strtoul(std::string(text_.substr(start, pos_ - start)).c_str(), nullptr, 10));
  }

  std::optional<std::string> quoted(char quote) {
    skip_space();
    if (!peek(quote)) return std::nullopt;
    ++pos_;
    std::string out;
    while (pos_ < text_.size() && text_[pos_] != quote) {
      if (text_[pos_] == '\\' && pos_ + 1 < text_.size()) ++pos_;
      out.push_back(text_[pos_++]);
    }
    if (!peek(quote)) {
      fail("unterminated string");
      return std::nullopt;
    }
    ++pos_;
    return out;
  }

  void plain_steps(std::vector<JsonPathStep>& steps) {
    using K = JsonPathStep::Kind;
    while (!failed()) {
      skip_space();
      if (eat('.')) {
        auto name = identifier();
        if (!name) return fail("expected a member name after '.'");
        steps.push_back({K::kPlainMember, std::move(*name), 0, nullptr});
      } else if (eat('[')) {
        skip_space();
        if (eat('*')) {
          steps.push_back({K::kArrayAll, {}, 0, nullptr});
        } else if (auto i = index()) {
          steps.push_back({K::kArrayIndex, {}, *i, nullptr});
        } else if (auto name = quoted('"')) {
          steps.push_back({K::kPlainMember, std::move(*name), 0, nullptr});
        } else {
          return fail("expected an index, * or a quoted member name after '['");
        }
        if (!eat(']')) return fail("expected ']'");
      } else {
        return;
      }
    }
  }

  // One step that starts with a name: a member, or a function call.
  void name_step(std::vector<JsonPathStep>& steps, bool first_of_top, bool in_criterion) {
    using K = JsonPathStep::Kind;
    const std::size_t at = pos_;
    auto name = identifier();
    if (!name) return fail("expected a name");
    if (!eat('(')) {
      const bool type_test = first_of_top && std::isupper(static_cast<unsigned char>((*name)[0])) != 0;
      steps.push_back({type_test ? K::kTypeTest : K::kMember, std::move(*name), 0, nullptr});
      return;
    }
    if (*name == "where") {
      auto c = criterion();
      if (failed()) return;
      steps.push_back({K::kWhere, {}, 0, std::move(c)});
    } else if (*name == "ofType") {
      auto type = identifier();
      if (!type) return fail("expected a type name in ofType()");
      steps.push_back({K::kOfType, std::move(*type), 0, nullptr});
    } else if (*name == "first") {
      steps.push_back({K::kFirst, {}, 0, nullptr});
    } else if (*name == "last") {
      steps.push_back({K::kLast, {}, 0, nullptr});
    } else if (*name == "exists" && in_criterion) {
      exists_call_ = true;
    } else {
      pos_ = at;
      return fail("unknown function " + *name + "() (expected where, ofType, first, last" +
                  std::string(in_criterion ? ", exists" : "") + ")");
    }
    if (!eat(')')) fail("expected ')'");
  }

  void fhir_path(std::vector<JsonPathStep>& steps, bool top, bool in_criterion = false) {
    using K = JsonPathStep::Kind;
    skip_space();
    if (in_criterion && text_.substr(pos_, 5) == "$this") {
      pos_ += 5;
    } else {
      name_step(steps, top, in_criterion);
    }
    while (!failed()) {
      skip_space();
      if (exists_call_) return;
      if (peek('.')) {
        ++pos_;
        name_step(steps, false, in_criterion);
      } else if (eat('[')) {
        auto i = index();
        if (!i) return fail("expected an index (0-based) after '['");
        steps.push_back({K::kCollectionIndex, {}, *i, nullptr});
        if (!eat(']')) return fail("expected ']'");
      } else {
        return;
      }
    }
  }

  std::shared_ptr<const JsonCondition> criterion() {
    auto left = conjunction();
    while (!failed() && word_ahead("or")) {
      pos_ += 2;
      auto c = std::make_unique<JsonCondition>();
      c->kind = JsonCondition::Kind::kOr;
      c->left = std::move(left);
      c->right = conjunction();
      left = std::move(c);
    }
    return std::shared_ptr<const JsonCondition>(std::move(left));
  }

  std::unique_ptr<JsonCondition> conjunction() {
    auto left = comparison();
    while (!failed() && word_ahead("and")) {
      pos_ += 3;
      auto c = std::make_unique<JsonCondition>();
      c->kind = JsonCondition::Kind::kAnd;
      c->left = std::move(left);
      c->right = comparison();
      left = std::move(c);
    }
    return left;
  }

  std::unique_ptr<JsonCondition> comparison() {
    using K = JsonCondition::Kind;
    auto c = std::make_unique<JsonCondition>();
    exists_call_ = false;
    fhir_path(c->path, false, true);
    const bool was_exists = exists_call_;
    exists_call_ = false;
    if (failed()) return c;
    skip_space();
    if (was_exists) return c;
    if (peek('=')) {
      ++pos_;
      c->kind = K::kEq;
    } else if (text_.substr(pos_, 2) == "!=") {
      pos_ += 2;
      c->kind = K::kNe;
    } else {
      return c;  // a path alone: it exists
    }
    literal(*c);
    return c;
  }

  void literal(JsonCondition& c) {
    skip_space();
    auto s = quoted('\'');
    if (!s && !failed()) s = quoted('"');
    if (s) {
      c.text = std::move(*s);
      c.literal.SetString(rapidjson::StringRef(c.text.data(), c.text.size()));
    } else if (failed()) {
      return;
    } else if (word_ahead("true") || word_ahead("false")) {
      const bool value = text_[pos_] == 't';
      pos_ += value ? 4 : 5;
      c.literal.SetBool(value);
    } else {
      const std::size_t start = pos_;
      if (peek('-')) ++pos_;
      while (pos_ < text_.size() && (std::isdigit(static_cast<unsigned char>(text_[pos_])) != 0 || text_[pos_] == '.')) {
        ++pos_;
      }
      const std::string number(text_.substr(start, pos_ - start));
      char* end = nullptr;
      const double v = number.empty() ? 0 : std::strtod(number.c_str(), &end);
      if (number.empty() || end != number.c_str() + number.size()) {
        pos_ = start;
        return fail("expected a 'string', a number, true or false after the comparison");
      }
      if (number.find('.') == std::string::npos && number.size() < 16) {
        c.literal.SetInt64(std::strtoll(number.c_str(), nullptr, 10));
      } else {
        c.literal.SetDouble(v);
      }
    }
  }

  std::string_view text_;
  std::size_t pos_ = 0;
  std::string error_;
  std::size_t error_at_ = 0;
  bool exists_call_ = false;
};

Result<JsonPath> JsonPath::compile(std::string_view text) { return JsonPathParser(text).parse(); }

std::vector<JsonNode> JsonPath::select(const rapidjson::Value& root) const {
  if (root.IsNull()) return {};
  return apply(steps_, {JsonNode{&root, resource_type(root)}});
}

JsonPath::JsonPath() = default;
JsonPath::JsonPath(JsonPath&&) noexcept = default;
JsonPath& JsonPath::operator=(JsonPath&&) noexcept = default;
JsonPath::~JsonPath() = default;

}  // namespace lienthong::mapping
