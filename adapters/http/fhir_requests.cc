#include "adapters/http/fhir_requests.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cctype>

namespace lienthong::adapters::http {
namespace {

std::string_view string_member(const rapidjson::Value& object, const char* name) {
  if (!object.IsObject()) return {};
  auto it = object.FindMember(name);
  if (it == object.MemberEnd() || !it->value.IsString()) return {};
  return {it->value.GetString(), it->value.GetStringLength()};
}

bool known_method(std::string_view m) {
  return m == "GET" || m == "HEAD" || m == "POST" || m == "PUT" || m == "DELETE" || m == "PATCH";
}

// A relative URL is sent as written (the mappings percent-encode what needs it);
// bytes that would break the request line or leave the server are refused.
bool safe_relative(std::string_view url) {
  if (url.find("://") != std::string_view::npos || url.rfind("//", 0) == 0) return false;
  for (char c : url) {
    const auto b = static_cast<unsigned char>(c);
    if (b <= 0x20 || b >= 0x7f || c == '#') return false;
  }
  return true;
}

// "Type/id": a resource type (letters) and an id (FHIR id characters).
bool is_type_and_id(std::string_view text) {
  const std::size_t slash = text.find('/');
  if (slash == 0 || slash == std::string_view::npos || slash + 1 == text.size()) return false;
  if (!std::isupper(static_cast<unsigned char>(text[0]))) return false;  // resource types start upper case
  for (std::size_t i = 0; i < slash; ++i) {
    if (!std::isalpha(static_cast<unsigned char>(text[i]))) return false;
  }
  for (char c : text.substr(slash + 1)) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '.') return false;
  }
  return text.size() - slash - 1 <= 64;
}

bool resolve_in(rapidjson::Value& value, const EntryLocations& locations, rapidjson::Document::AllocatorType& alloc) {
  bool changed = false;
  if (value.IsObject()) {
    for (auto& member : value.GetObject()) {
      if (member.value.IsString() && std::string_view(member.name.GetString()) == "reference") {
        auto it = locations.find(std::string(member.value.GetString(), member.value.GetStringLength()));
        if (it != locations.end()) {
          member.value.SetString(it->second.c_str(), static_cast<rapidjson::SizeType>(it->second.size()), alloc);
          changed = true;
        }
      } else {
        changed = resolve_in(member.value, locations, alloc) || changed;
      }
    }
  } else if (value.IsArray()) {
    for (auto& item : value.GetArray()) changed = resolve_in(item, locations, alloc) || changed;
  }
  return changed;
}

std::string json_text(const rapidjson::Value& value) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  value.Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace

Result<std::vector<FhirRequest>> fhir_requests(FhirMode mode, std::string_view bundle) {
  std::vector<FhirRequest> out;
  if (mode == FhirMode::kTransaction) {
    out.push_back(FhirRequest{"POST", "", std::string(bundle), "transaction", ""});
    return out;
  }
  rapidjson::Document doc;
  doc.Parse(bundle.data(), bundle.size());
  if (doc.HasParseError() || !doc.IsObject()) return Error{"the body is not a JSON object", ""};
  if (string_member(doc, "resourceType") != "Bundle") return Error{"the body is not a FHIR Bundle", ""};
  auto entries = doc.FindMember("entry");
  if (entries == doc.MemberEnd()) return out;
  if (!entries->value.IsArray()) return Error{"Bundle.entry is not an array", ""};
  std::size_t index = 0;
  for (const rapidjson::Value& entry : entries->value.GetArray()) {
    const std::string where = "entry[" + std::to_string(index++) + "]";
    if (!entry.IsObject()) return Error{where + " is not an object", ""};
    auto request = entry.FindMember("request");
    if (request == entry.MemberEnd() || !request->value.IsObject()) {
      return Error{where + " has no request (method and url)", ""};
    }
    FhirRequest r;
    r.method = std::string(string_member(request->value, "method"));
    std::string_view url = string_member(request->value, "url");
    while (!url.empty() && url.front() == '/') url.remove_prefix(1);
    r.relative = std::string(url);
    if (!known_method(r.method)) return Error{where + ".request.method is not an HTTP method", ""};
    if (r.relative.empty() || !safe_relative(r.relative)) {
      return Error{where + ".request.url must be a URL relative to the base, without spaces", ""};
    }
    auto resource = entry.FindMember("resource");
    if (r.method == "POST" || r.method == "PUT" || r.method == "PATCH") {
      if (resource == entry.MemberEnd() || !resource->value.IsObject()) {
        return Error{where + " (" + r.method + ") has no resource", ""};
      }
      r.body = json_text(resource->value);
    }
    r.full_url = std::string(string_member(entry, "fullUrl"));
    const std::size_t type_end = r.relative.find_first_of("?/");
    r.label = where + " " + r.method + " " + r.relative.substr(0, type_end);
    out.push_back(std::move(r));
  }
  return out;
}

EntryLocations known_locations(const std::vector<FhirRequest>& requests) {
  EntryLocations out;
  for (const FhirRequest& r : requests) {
    if (r.full_url.rfind("urn:", 0) == 0 && r.method == "PUT" && is_type_and_id(r.relative)) {
      out[r.full_url] = r.relative;
    }
  }
  return out;
}

std::optional<std::string> answer_location(std::string_view location, std::string_view body) {
  // ".../fhir/Patient/123/_history/1" -> "Patient/123"
  if (const std::size_t history = location.find("/_history"); history != std::string_view::npos) {
    location = location.substr(0, history);
  }
  while (!location.empty() && location.back() == '/') location.remove_suffix(1);
  if (const std::size_t last = location.rfind('/'); last != std::string_view::npos && last > 0) {
    const std::size_t type_start = location.rfind('/', last - 1);
    const std::string_view tail = location.substr(type_start == std::string_view::npos ? 0 : type_start + 1);
    if (is_type_and_id(tail)) return std::string(tail);
  }
  rapidjson::Document doc;
  doc.Parse(body.data(), body.size());
  if (doc.HasParseError() || !doc.IsObject()) return std::nullopt;
  const std::string both = std::string(string_member(doc, "resourceType")) + "/" + std::string(string_member(doc, "id"));
  if (is_type_and_id(both)) return both;
  return std::nullopt;
}

std::string with_resolved_references(const std::string& resource, const EntryLocations& locations) {
  if (locations.empty() || resource.find("\"reference\"") == std::string::npos) return resource;
  rapidjson::Document doc;
  doc.Parse(resource.data(), resource.size());
  if (doc.HasParseError()) return resource;
  if (!resolve_in(doc, locations, doc.GetAllocator())) return resource;
  return json_text(doc);
}

}  // namespace lienthong::adapters::http
