// Fact extraction and comparison of FHIR R4 documents; the rules are in fhir_facts.h.
#include "tests/mapping_corpus/fhir_facts.h"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <unordered_map>
#include <utility>

namespace lienthong::facts {
namespace {

using rapidjson::Value;

// ---------------------------------------------------------------- small text helpers

std::string_view trim(std::string_view s) {
  const char* ws = " \t\r\n";
  std::size_t b = s.find_first_not_of(ws);
  if (b == std::string_view::npos) return {};
  std::size_t e = s.find_last_not_of(ws);
  return s.substr(b, e - b + 1);
}

bool ends_with(std::string_view s, std::string_view tail) {
  return s.size() >= tail.size() && s.substr(s.size() - tail.size()) == tail;
}

std::string_view str(const Value& v) { return {v.GetString(), v.GetStringLength()}; }

std::string_view member_string(const Value& obj, const char* name) {
  auto it = obj.FindMember(name);
  if (it == obj.MemberEnd() || !it->value.IsString()) return {};
  return str(it->value);
}

std::string join_label(const std::string& label, std::string_view key) {
  if (label.empty()) return std::string(key);
  std::string out = label;
  out += '.';
  out += key;
  return out;
}

// ---------------------------------------------------------------- dates (FACT-6)

bool digits(std::string_view s, std::size_t pos, std::size_t n, int& out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  out = v;
  return true;
}

bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int days_in_month(int y, int m) {
  static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && leap(y) ? 29 : days[m - 1];
}

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
std::int64_t days_from_civil(std::int64_t y, int m, int d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const std::int64_t yoe = y - era * 400;
  const std::int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

void civil_from_days(std::int64_t z, int& y, int& m, int& d) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const std::int64_t doe = z - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  y = static_cast<int>(yoe + era * 400 + (m <= 2));
}

std::string two(int v) {
  std::string s(2, '0');
  s[0] = static_cast<char>('0' + v / 10 % 10);
  s[1] = static_cast<char>('0' + v % 10);
  return s;
}

std::string four(int v) { return two(v / 100) + two(v % 100); }

bool known_year_key(std::string_view key) {
  return ends_with(key, "Date") || ends_with(key, "DateTime") || ends_with(key, "date") || key == "start" ||
         key == "end" || key == "recorded" || key == "issued" || key == "timestamp";
}

// ---------------------------------------------------------------- extraction

// Where a reference leads (FACT-8).
struct Target {
  std::string type;
  bool resolved = false;
  std::string display;            // "identifier sys|value", "name X", "code sys|code", or empty
  std::vector<std::string> keys;  // identifying keys
};

class Extractor {
 public:
  explicit Extractor(Facts& out) : out_(out) {}

  void run(const Value& root) {
    std::string_view type = member_string(root, "resourceType");
    if (type == "Bundle") {
      bundle_ = &root;
      bundle_id_ = std::string(member_string(root, "id"));
      auto entries = root.FindMember("entry");
      if (entries != root.MemberEnd() && entries->value.IsArray()) {
        for (const Value& e : entries->value.GetArray()) {
          if (!e.IsObject()) continue;
          auto res = e.FindMember("resource");
          if (res == e.MemberEnd() || !res->value.IsObject()) continue;
          std::size_t index = resources_.size();
          resources_.push_back(&res->value);
          std::string_view full_url = trim(member_string(e, "fullUrl"));
          if (!full_url.empty()) by_full_url_.emplace(std::string(full_url), index);
          std::string_view rt = member_string(res->value, "resourceType");
          std::string_view id = trim(member_string(res->value, "id"));
          if (!rt.empty() && !id.empty()) by_type_id_.emplace(std::string(rt) + "/" + std::string(id), index);
          // An absolute fullUrl ending in Type/id also answers to Type/id.
          std::string tail = last_two_segments(full_url);
          if (!tail.empty()) by_type_id_.emplace(tail, index);
        }
      }
      // The Bundle's own facts.
      resource_type_ = "Bundle";
      auto ident = root.FindMember("identifier");
      if (ident != root.MemberEnd()) walk_value(ident->value, "identifier", "identifier");
      auto ts = root.FindMember("timestamp");
      if (ts != root.MemberEnd()) walk_value(ts->value, "timestamp", "timestamp");
      for (const Value* r : resources_) walk_resource(*r);
    } else {
      resources_.push_back(&root);
      walk_resource(root);
    }
  }

 private:
  static std::string last_two_segments(std::string_view url) {
    std::size_t h = url.find("/_history/");
    if (h != std::string_view::npos) url = url.substr(0, h);
    std::size_t last = url.rfind('/');
    if (last == std::string_view::npos || last == 0 || last + 1 == url.size()) return {};
    std::size_t prev = url.rfind('/', last - 1);
    std::string_view type = prev == std::string_view::npos ? url.substr(0, last) : url.substr(prev + 1, last - prev - 1);
    if (type.empty() || type[0] < 'A' || type[0] > 'Z') return {};
    return std::string(url.substr(type.data() - url.data()));
  }

  void walk_resource(const Value& res) {
    resource_type_ = std::string(member_string(res, "resourceType"));
    if (resource_type_.empty()) resource_type_ = "?";
    for (const auto& m : res.GetObject()) {
      std::string_view key = str(m.name);
      if (key == "resourceType" || key == "id" || key == "meta" || key == "text" || key == "contained") continue;
      walk_member(m.name, m.value, "");
    }
  }

  void walk_member(const Value& name, const Value& value, const std::string& label) {
    std::string_view key = str(name);
    if (key == "id") return;
    if (key == "extension" || key == "modifierExtension") {
      walk_extensions(value, label, key);
      return;
    }
    walk_value(value, join_label(label, key), key);
  }

  void walk_extensions(const Value& list, const std::string& label, std::string_view key) {
    auto one = [&](const Value& ext) {
      if (!ext.IsObject()) return;
      std::string_view url = member_string(ext, "url");
      std::size_t slash = url.rfind('/');
      std::string_view tail = slash == std::string_view::npos ? url : url.substr(slash + 1);
      std::string ext_label = join_label(label, std::string(key) + "(" + std::string(tail) + ")");
      for (const auto& m : ext.GetObject()) {
        if (str(m.name) == "url") continue;
        walk_member(m.name, m.value, ext_label);
      }
    };
    if (list.IsArray()) {
      for (const Value& e : list.GetArray()) one(e);
    } else {
      one(list);
    }
  }

  void walk_value(const Value& v, const std::string& label, std::string_view key) {
    if (v.IsArray()) {
      for (const Value& item : v.GetArray()) walk_value(item, label, key);
    } else if (v.IsObject()) {
      walk_object(v, label, key);
    } else if (v.IsString()) {
      primitive(str(v), label, key);
    }
  }

  static bool is_quantity(const Value& obj) {
    auto value = obj.FindMember("value");
    if (value == obj.MemberEnd() || !value->value.IsNumber()) return false;
    for (const auto& m : obj.GetObject()) {
      std::string_view k = str(m.name);
      if (k != "value" && k != "unit" && k != "code" && k != "system" && k != "comparator" && k != "currency" &&
          k != "id" && k != "extension")
        return false;
    }
    return true;
  }

  void coding_fact(const Value& coding, const std::string& label) {
    if (!coding.IsObject()) return;
    std::string_view code = trim(member_string(coding, "code"));
    if (code.empty()) return;
    std::string value(trim(member_string(coding, "system")));
    value += '|';
    value += code;
    add_text(label, std::move(value));
  }

  void walk_object(const Value& obj, const std::string& label, std::string_view key) {
    // FACT-8 references.
    auto ref = obj.FindMember("reference");
    if (ref != obj.MemberEnd() && ref->value.IsString()) {
      add_reference(label, trim(str(ref->value)));
      return;
    }
    // FACT-3 identifiers.
    if (key == "identifier" || ends_with(key, "Identifier")) {
      std::string_view value = trim(member_string(obj, "value"));
      if (!value.empty()) {
        std::string fact(trim(member_string(obj, "system")));
        fact += '|';
        fact += value;
        add_text(label, std::move(fact));
      }
      for (const auto& m : obj.GetObject()) {
        std::string_view k = str(m.name);
        if (k == "value" || k == "system") continue;
        walk_member(m.name, m.value, label);
      }
      return;
    }
    // FACT-5 quantities.
    if (is_quantity(obj)) {
      std::string fact = normalize_number(obj["value"].GetDouble());
      std::string_view unit = trim(member_string(obj, "code"));
      if (unit.empty()) unit = trim(member_string(obj, "unit"));
      if (unit.empty()) unit = trim(member_string(obj, "currency"));
      if (!unit.empty()) {
        fact += ' ';
        fact += unit;
      }
      add_text(label, std::move(fact));
      return;
    }
    // FACT-4 CodeableConcept: its codings carry the CodeableConcept's label.
    auto coding = obj.FindMember("coding");
    if (coding != obj.MemberEnd() && coding->value.IsArray()) {
      for (const Value& c : coding->value.GetArray()) coding_fact(c, label);
      for (const auto& m : obj.GetObject()) {
        std::string_view k = str(m.name);
        if (k == "coding" || k == "text") continue;
        walk_member(m.name, m.value, label);
      }
      return;
    }
    // FACT-4 a Coding anywhere else.
    auto code = obj.FindMember("code");
    if (code != obj.MemberEnd() && code->value.IsString()) {
      coding_fact(obj, label);
      for (const auto& m : obj.GetObject()) {
        std::string_view k = str(m.name);
        if (k == "code" || k == "system" || k == "display" || k == "version" || k == "userSelected") continue;
        walk_member(m.name, m.value, label);
      }
      return;
    }
    for (const auto& m : obj.GetObject()) walk_member(m.name, m.value, label);
  }

  void primitive(std::string_view raw, const std::string& label, std::string_view key) {
    std::string_view s = trim(raw);
    if (s.empty()) return;
    if (key == "family" || key == "given" || key == "name" || key == "gender" || key == "status") {
      add_text(label, std::string(s));
      return;
    }
    if (s.size() < 4 || s[0] < '0' || s[0] > '9') return;
    if (s.size() == 4 && !known_year_key(key)) return;
    std::optional<DateValue> date = parse_fhir_date(s);
    if (!date) return;
    Fact f;
    f.resource_type = resource_type_;
    f.label = label;
    f.kind = FactKind::Date;
    f.value = date->has_offset ? date->utc : date->local;
    f.date = std::move(*date);
    out_.facts.push_back(std::move(f));
  }

  void add_text(const std::string& label, std::string value) {
    Fact f;
    f.resource_type = resource_type_;
    f.label = label;
    f.kind = FactKind::Text;
    f.value = std::move(value);
    out_.facts.push_back(std::move(f));
  }

  // The identifying facts of a resource (FACT-8).
  Target identify(const Value& res, std::string type, int depth) {
    Target t;
    t.type = std::move(type);
    t.resolved = true;
    auto ident = res.FindMember("identifier");
    if (ident != res.MemberEnd()) {
      auto one = [&](const Value& id) {
        if (!id.IsObject()) return;
        std::string_view value = trim(member_string(id, "value"));
        if (value.empty()) return;
        if (t.display.empty()) {
          t.display = "identifier " + std::string(trim(member_string(id, "system"))) + "|" + std::string(value);
        }
        t.keys.push_back("identifier:" + std::string(value));
      };
      if (ident->value.IsArray()) {
        for (const Value& id : ident->value.GetArray()) one(id);
      } else {
        one(ident->value);
      }
    }
    if (!t.keys.empty()) return t;
    auto name = res.FindMember("name");
    if (name != res.MemberEnd()) {
      auto one = [&](const Value& n) {
        std::string text;
        if (n.IsString()) {
          text = std::string(trim(str(n)));
        } else if (n.IsObject()) {
          text = std::string(trim(member_string(n, "family")));
          auto given = n.FindMember("given");
          if (given != n.MemberEnd() && given->value.IsArray()) {
            for (const Value& g : given->value.GetArray()) {
              if (!g.IsString() || trim(str(g)).empty()) continue;
              if (!text.empty()) text += ' ';
              text += trim(str(g));
            }
          }
        }
        if (text.empty()) return;
        if (t.display.empty()) t.display = "name " + text;
        t.keys.push_back("name:" + text);
      };
      if (name->value.IsArray()) {
        for (const Value& n : name->value.GetArray()) one(n);
      } else {
        one(name->value);
      }
    }
    if (!t.keys.empty()) return t;
    auto code = res.FindMember("code");
    if (code != res.MemberEnd() && code->value.IsObject()) {
      auto coding = code->value.FindMember("coding");
      if (coding != code->value.MemberEnd() && coding->value.IsArray()) {
        for (const Value& c : coding->value.GetArray()) {
          if (!c.IsObject()) continue;
          std::string_view value = trim(member_string(c, "code"));
          if (value.empty()) continue;
          std::string k = std::string(trim(member_string(c, "system"))) + "|" + std::string(value);
          if (t.display.empty()) t.display = "code " + k;
          t.keys.push_back("code:" + k);
        }
      }
    }
    if (!t.keys.empty() || depth >= 2) return t;
    // Nothing of its own (a PractitionerRole with only a practitioner): the first
    // reference it makes, resolved, stands for it.
    for (const auto& m : res.GetObject()) {
      const Value* v = &m.value;
      if (v->IsArray() && !v->Empty()) v = &(*v)[0];
      if (!v->IsObject()) continue;
      std::string_view ref = trim(member_string(*v, "reference"));
      if (ref.empty()) continue;
      Target inner = resolve(ref, depth + 1);
      if (!inner.resolved || inner.keys.empty()) continue;
      std::string prefix = std::string(str(m.name)) + " -> " + inner.type;
      t.display = prefix + " " + inner.display;
      for (const std::string& k : inner.keys) t.keys.push_back(prefix + " " + k);
      break;
    }
    return t;
  }

  Target resolve(std::string_view ref, int depth = 0) {
    Target t;
    if (!ref.empty() && ref[0] == '#') {
      t.type = "(contained)";
      t.resolved = true;
      return t;
    }
    std::optional<std::size_t> index;
    std::string tail = last_two_segments(ref);
    if (auto f = by_full_url_.find(std::string(ref)); f != by_full_url_.end()) {
      index = f->second;
    } else if (auto g = by_type_id_.find(tail); !tail.empty() && g != by_type_id_.end()) {
      index = g->second;
    }
    if (index) {
      const Value& res = *resources_[*index];
      return identify(res, std::string(member_string(res, "resourceType")), depth);
    }
    if (bundle_ != nullptr && !bundle_id_.empty() && tail == "Bundle/" + bundle_id_) {
      return identify(*bundle_, "Bundle", depth);
    }
    t.type = tail.empty() ? "?" : tail.substr(0, tail.find('/'));
    t.resolved = false;
    return t;
  }

  void add_reference(const std::string& label, std::string_view ref) {
    if (ref.empty()) return;
    Target t = resolve(ref);
    Fact f;
    f.resource_type = resource_type_;
    f.label = label;
    f.kind = FactKind::Reference;
    f.value = "-> " + t.type;
    if (!t.resolved) {
      f.value += " (not in the Bundle)";
    } else if (!t.display.empty()) {
      f.value += ' ';
      f.value += t.display;
    }
    f.target_type = std::move(t.type);
    f.target_resolved = t.resolved;
    f.target_keys = std::move(t.keys);
    out_.facts.push_back(std::move(f));
  }

  Facts& out_;
  std::string resource_type_;
  const Value* bundle_ = nullptr;
  std::string bundle_id_;
  std::vector<const Value*> resources_;
  std::unordered_map<std::string, std::size_t> by_full_url_;
  std::unordered_map<std::string, std::size_t> by_type_id_;
};

// FACT-10: the message itself. The oracle's Provenance.target is `Bundle/<id>`; ours is the
// MessageHeader, which a server stores (docs/mapping-differences.md D7). One message per Bundle,
// so the two name the same thing.
bool message_target(const Fact& e, const Fact& a) {
  return e.resource_type == "Provenance" && e.label == "target" && e.target_type == "Bundle" &&
         a.target_type == "MessageHeader" && a.target_resolved;
}

bool references_match(const Fact& e, const Fact& a) {
  if (message_target(e, a)) return true;
  if (e.target_type != a.target_type) return false;
  if (!e.target_resolved || !a.target_resolved) return !e.target_resolved && !a.target_resolved;
  if (e.target_keys.empty() || a.target_keys.empty()) return e.target_keys.empty() && a.target_keys.empty();
  for (const std::string& k : e.target_keys) {
    if (std::find(a.target_keys.begin(), a.target_keys.end(), k) != a.target_keys.end()) return true;
  }
  return false;
}

// FACT-11: "system|value" with the oracle's invented system for an HL7 v2 coding-system
// name it does not know (`http://example.com/v2-to-fhir-converter/CodeSystem/CVX`) rewritten
// with the URI HL7 publishes for that name (terminology.hl7.org; docs/mapping-differences.md
// D8). Only names with a published URI; empty when there is nothing to rewrite.
std::string published_system_of(std::string_view value) {
  static constexpr std::string_view kBases[] = {"http://example.com/v2-to-fhir-converter/CodeSystem/",
                                                "http://example.com/v2-to-fhir-converter/Identifier/"};
  std::size_t bar = value.find('|');
  if (bar == std::string_view::npos) return {};
  std::string_view system = value.substr(0, bar);
  std::string_view rest = value.substr(bar);
  for (std::string_view base : kBases) {
    if (system.substr(0, base.size()) != base) continue;
    std::string_view name = system.substr(base.size());
    if (name == "CVX") return "http://hl7.org/fhir/sid/cvx" + std::string(rest);
    if (name == "MVX") return "http://hl7.org/fhir/sid/mvx" + std::string(rest);
    if (name == "CDCREC") return "urn:oid:2.16.840.1.113883.6.238" + std::string(rest);
    if (name.size() == 7 && name.substr(0, 3) == "HL7" &&
        std::all_of(name.begin() + 3, name.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      return "http://terminology.hl7.org/CodeSystem/v2-" + std::string(name.substr(3)) + std::string(rest);
    }
  }
  return {};
}

}  // namespace

// ---------------------------------------------------------------- public

std::optional<DateValue> parse_fhir_date(std::string_view s) {
  int y = 0, mo = 1, d = 1, h = 0, mi = 0, sec = 0;
  if (!digits(s, 0, 4, y) || y == 0) return std::nullopt;
  DateValue out;
  std::size_t pos = 4;
  if (pos == s.size()) {
    out.local = std::string(s);
    return out;
  }
  if (s[pos] != '-' || !digits(s, pos + 1, 2, mo) || mo < 1 || mo > 12) return std::nullopt;
  pos += 3;
  if (pos == s.size()) {
    out.local = std::string(s);
    return out;
  }
  if (s[pos] != '-' || !digits(s, pos + 1, 2, d) || d < 1 || d > days_in_month(y, mo)) return std::nullopt;
  pos += 3;
  if (pos == s.size()) {
    out.local = std::string(s);
    return out;
  }
  if (s[pos] != 'T' || !digits(s, pos + 1, 2, h) || h > 23 || pos + 3 >= s.size() || s[pos + 3] != ':' ||
      !digits(s, pos + 4, 2, mi) || mi > 59)
    return std::nullopt;
  pos += 6;
  bool has_seconds = false;
  std::string fraction;
  if (pos < s.size() && s[pos] == ':') {
    if (!digits(s, pos + 1, 2, sec) || sec > 60) return std::nullopt;
    has_seconds = true;
    pos += 3;
    if (pos < s.size() && s[pos] == '.') {
      std::size_t f = pos + 1;
      while (f < s.size() && s[f] >= '0' && s[f] <= '9') ++f;
      if (f == pos + 1) return std::nullopt;
      fraction = std::string(s.substr(pos + 1, f - pos - 1));
      pos = f;
      while (!fraction.empty() && fraction.back() == '0') fraction.pop_back();
    }
  }
  int offset_minutes = 0;
  if (pos < s.size()) {
    if (s[pos] == 'Z' && pos + 1 == s.size()) {
      out.offset = "Z";
    } else if (s[pos] == '+' || s[pos] == '-') {
      int oh = 0, om = 0;
      if (pos + 6 != s.size() || !digits(s, pos + 1, 2, oh) || s[pos + 3] != ':' || !digits(s, pos + 4, 2, om) ||
          oh > 14 || om > 59)
        return std::nullopt;
      out.offset = std::string(s.substr(pos));
      offset_minutes = (oh * 60 + om) * (s[pos] == '-' ? -1 : 1);
    } else {
      return std::nullopt;
    }
    out.has_offset = true;
  }
  std::string tail = has_seconds ? ":" + two(sec) + (fraction.empty() ? "" : "." + fraction) : "";
  out.local = four(y) + "-" + two(mo) + "-" + two(d) + "T" + two(h) + ":" + two(mi) + tail;
  if (out.has_offset) {
    std::int64_t minutes = days_from_civil(y, mo, d) * 1440 + h * 60 + mi - offset_minutes;
    std::int64_t day = minutes >= 0 ? minutes / 1440 : -((-minutes + 1439) / 1440);
    int rest = static_cast<int>(minutes - day * 1440);
    int uy = 0, um = 0, ud = 0;
    civil_from_days(day, uy, um, ud);
    out.utc = four(uy) + "-" + two(um) + "-" + two(ud) + "T" + two(rest / 60) + ":" + two(rest % 60) + tail + "Z";
  }
  return out;
}

bool dates_match(const DateValue& e, const DateValue& a, std::string_view oracle_offset) {
  if (e.has_offset && a.has_offset) {
    if (e.utc == a.utc) return true;
    return !oracle_offset.empty() && e.offset == oracle_offset && e.local == a.local;
  }
  std::size_t n = std::min(e.local.size(), a.local.size());
  return e.local.compare(0, n, a.local, 0, n) == 0;
}

std::string normalize_number(double value) {
  if (value == 0) return "0";
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
  if (ec != std::errc()) return "?";
  return std::string(buf, end);
}

std::string Fact::text() const { return resource_type + " " + label + " " + value; }

std::map<std::string, std::vector<std::string>> Facts::by_type() const {
  std::map<std::string, std::vector<std::string>> out;
  for (const Fact& f : facts) out[f.resource_type].push_back(f.text());
  for (auto& [type, list] : out) std::sort(list.begin(), list.end());
  return out;
}

Facts extract_facts(std::string_view json) {
  Facts out;
  if (json.size() >= 3 && json.substr(0, 3) == "\xEF\xBB\xBF") json.remove_prefix(3);
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseFullPrecisionFlag>(json.data(), json.size());
  if (doc.HasParseError()) {
    out.error = std::string("not JSON: ") + rapidjson::GetParseError_En(doc.GetParseError()) + " at byte " +
                std::to_string(doc.GetErrorOffset());
    return out;
  }
  if (!doc.IsObject()) {
    out.error = "not a JSON object";
    return out;
  }
  Extractor(out).run(doc);
  return out;
}

double Comparison::ratio() const {
  return expected == 0 ? 1.0 : static_cast<double>(matched) / static_cast<double>(expected);
}

Comparison compare(const Facts& expected, const Facts& actual, const CompareOptions& options) {
  // Facts are compared within a group: same resource type, label and kind.
  auto group_of = [](const Fact& f) {
    return f.resource_type + '\0' + f.label + '\0' + static_cast<char>('0' + static_cast<int>(f.kind));
  };
  std::map<std::string, std::pair<std::vector<std::size_t>, std::vector<std::size_t>>> groups;
  for (std::size_t i = 0; i < expected.facts.size(); ++i) groups[group_of(expected.facts[i])].first.push_back(i);
  for (std::size_t i = 0; i < actual.facts.size(); ++i) groups[group_of(actual.facts[i])].second.push_back(i);

  std::vector<bool> e_done(expected.facts.size()), a_done(actual.facts.size());
  for (auto& [key, sides] : groups) {
    auto& [es, as] = sides;
    // Pass 1: the same printed value.
    std::unordered_map<std::string, std::vector<std::size_t>> free;
    for (auto it = as.rbegin(); it != as.rend(); ++it) free[actual.facts[*it].value].push_back(*it);
    for (std::size_t e : es) {
      auto f = free.find(expected.facts[e].value);
      if (f == free.end() || f->second.empty()) continue;
      a_done[f->second.back()] = true;
      f->second.pop_back();
      e_done[e] = true;
    }
    // Pass 1b: an oracle-invented coding system against the published one (FACT-11).
    for (std::size_t e : es) {
      if (e_done[e] || expected.facts[e].kind != FactKind::Text) continue;
      std::string published = published_system_of(expected.facts[e].value);
      if (published.empty()) continue;
      auto f = free.find(published);
      if (f == free.end() || f->second.empty()) continue;
      a_done[f->second.back()] = true;
      f->second.pop_back();
      e_done[e] = true;
    }
    // Pass 2: dates and references by their own rules, greedily in document order.
    for (std::size_t e : es) {
      if (e_done[e]) continue;
      const Fact& ef = expected.facts[e];
      if (ef.kind == FactKind::Text) continue;
      for (std::size_t a : as) {
        if (a_done[a]) continue;
        const Fact& af = actual.facts[a];
        bool ok = ef.kind == FactKind::Date ? dates_match(ef.date, af.date, options.oracle_offset)
                                            : references_match(ef, af);
        if (ok) {
          a_done[a] = true;
          e_done[e] = true;
          break;
        }
      }
    }
  }

  Comparison out;
  for (std::size_t i = 0; i < expected.facts.size(); ++i) {
    TypeResult& r = out.by_type[expected.facts[i].resource_type];
    ++r.expected;
    ++out.expected;
    if (e_done[i]) {
      ++r.matched;
      ++out.matched;
    } else {
      r.missing.push_back(expected.facts[i].text());
    }
  }
  for (std::size_t i = 0; i < actual.facts.size(); ++i) {
    if (!a_done[i]) out.by_type[actual.facts[i].resource_type].extra.push_back(actual.facts[i].text());
  }
  return out;
}

}  // namespace lienthong::facts
