#include "adapters/http/http_verdict.h"

#include <rapidjson/document.h>

#include <cctype>
#include <ctime>

#include "engine/base/json_parse.h"

namespace lienthong::adapters::http {
namespace {

bool is_2xx(int status) { return status >= 200 && status <= 299; }
// 407 comes only from a proxy (RFC 9110 15.5.8): the way out is refused, not the item.
bool is_retryable(int status) {
  return status == 407 || status == 408 || status == 429 || (status >= 500 && status <= 599);
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::string_view string_member(const rapidjson::Value& object, const char* name) {
  if (!object.IsObject()) return {};
  auto it = object.FindMember(name);
  if (it == object.MemberEnd() || !it->value.IsString()) return {};
  return {it->value.GetString(), it->value.GetStringLength()};
}

std::string outcome_text(const rapidjson::Value& outcome, std::size_t limit) {
  std::string joined;
  auto issues = outcome.FindMember("issue");
  if (issues == outcome.MemberEnd() || !issues->value.IsArray()) return joined;
  for (const rapidjson::Value& issue : issues->value.GetArray()) {
    std::string_view text = string_member(issue, "diagnostics");
    if (text.empty() && issue.IsObject()) {
      auto details = issue.FindMember("details");
      if (details != issue.MemberEnd()) text = string_member(details->value, "text");
    }
    if (text.empty()) text = string_member(issue, "code");
    if (text.empty()) continue;
    if (!joined.empty()) joined += "; ";
    joined += text;
    if (joined.size() > limit) break;
  }
  if (joined.size() > limit) return printable_prefix(joined, limit) + "...";
  return printable_prefix(joined, limit);
}

// A 2xx transaction answer: the first entry whose response.status is not 2xx.
std::optional<std::string> failed_entry(std::string_view body) {
  rapidjson::Document doc;
  // parse_json: a server's answer nested deeper than FHIR nests is not read (it would overflow the stack).
  if (parse_json(doc, body) || !doc.IsObject() || string_member(doc, "resourceType") != "Bundle") return std::nullopt;
  auto entries = doc.FindMember("entry");
  if (entries == doc.MemberEnd() || !entries->value.IsArray()) return std::nullopt;
  std::size_t index = 0;
  for (const rapidjson::Value& entry : entries->value.GetArray()) {
    const std::size_t at = index++;
    if (!entry.IsObject()) continue;
    auto response = entry.FindMember("response");
    if (response == entry.MemberEnd() || !response->value.IsObject()) continue;
    const std::string_view status = trim(string_member(response->value, "status"));
    int code = 0;
    for (std::size_t i = 0; i < status.size() && i < 3 && std::isdigit(static_cast<unsigned char>(status[i])); ++i) {
      code = code * 10 + (status[i] - '0');
    }
    if (is_2xx(code)) continue;
    std::string detail = "entry[" + std::to_string(at) + "] " + printable_prefix(status, 60);
    auto outcome = response->value.FindMember("outcome");
    if (outcome != response->value.MemberEnd() && outcome->value.IsObject()) {
      const std::string text = outcome_text(outcome->value, 400);
      if (!text.empty()) detail += ": " + text;
    }
    return detail;
  }
  return std::nullopt;
}

}  // namespace

std::string printable_prefix(std::string_view text, std::size_t limit) {
  if (text.size() > limit) {
    std::size_t cut = limit;
    // Back off over continuation bytes so a multi-byte character is not split.
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
    text = text.substr(0, cut);
  }
  std::string out(text);
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
  }
  return out;
}

std::string duration_text(std::chrono::milliseconds d) {
  const auto ms = d.count();
  if (ms % 1000 == 0) return std::to_string(ms / 1000) + "s";
  if (ms < 1000) return std::to_string(ms) + "ms";
  return std::to_string(ms / 1000) + "." + std::to_string(ms % 1000 / 100) + "s";
}

std::optional<std::string> operation_outcome_text(std::string_view body, std::size_t limit) {
  rapidjson::Document doc;
  if (parse_json(doc, body) || !doc.IsObject() || string_member(doc, "resourceType") != "OperationOutcome") {
    return std::nullopt;
  }
  return outcome_text(doc, limit);
}

std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view value,
                                                           std::chrono::system_clock::time_point now) {
  value = trim(value);
  if (value.empty()) return std::nullopt;
  bool digits = value.size() <= 9;
  for (char c : value) digits = digits && std::isdigit(static_cast<unsigned char>(c));
  if (digits) return std::chrono::seconds(std::stol(std::string(value)));
  const std::string text(value);
  for (const char* format : {"%a, %d %b %Y %H:%M:%S GMT", "%A, %d-%b-%y %H:%M:%S GMT", "%a %b %d %H:%M:%S %Y"}) {
    std::tm tm{};
    const char* end = strptime(text.c_str(), format, &tm);
    if (end == nullptr || *end != '\0') continue;
    const auto when = std::chrono::system_clock::from_time_t(timegm(&tm));
    if (when <= now) return std::chrono::milliseconds(0);
    return std::chrono::duration_cast<std::chrono::milliseconds>(when - now);
  }
  return std::nullopt;
}

core::DeliveryResult classify_answer(const HttpAnswer& answer, bool check_entries,
                                     std::chrono::system_clock::time_point now) {
  core::DeliveryResult result;
  const std::string status = "HTTP " + std::to_string(answer.status);
  if (is_2xx(answer.status)) {
    if (check_entries) {
      if (std::optional<std::string> failed = failed_entry(answer.body)) {
        result.verdict = core::Verdict::kFail;
        result.detail = status + ": " + *failed;
        return result;
      }
    }
    result.verdict = core::Verdict::kOk;
    result.detail = status;
    return result;
  }
  result.verdict = is_retryable(answer.status) ? core::Verdict::kRetry : core::Verdict::kFail;
  if (result.verdict == core::Verdict::kRetry && !answer.retry_after.empty()) {
    result.retry_after = parse_retry_after(answer.retry_after, now);
  }
  std::string said;
  if (std::optional<std::string> outcome = operation_outcome_text(answer.body)) {
    said = *outcome;
  } else {
    said = printable_prefix(trim(answer.body), 200);
  }
  result.detail = said.empty() ? status : status + ": " + said;
  return result;
}

}  // namespace lienthong::adapters::http
