#include "adapters/http/fhir_requests.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

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
    out.push_back(FhirRequest{"POST", "", std::string(bundle), "transaction"});
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
    const std::size_t type_end = r.relative.find_first_of("?/");
    r.label = where + " " + r.method + " " + r.relative.substr(0, type_end);
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace lienthong::adapters::http
