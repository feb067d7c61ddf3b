#include "adapters/http/fhir_destination_config_reader.h"

#include <cstdlib>
#include <fstream>

#include <strings.h>

namespace lienthong::adapters::http {
namespace {

using std::chrono::duration_cast;
using std::chrono::milliseconds;

constexpr std::chrono::microseconds kMinTimeout = std::chrono::milliseconds(1);
constexpr std::chrono::microseconds kMaxTimeout = std::chrono::hours(1);

// The value of environment variable named by `key`, or an error at that key.
std::string secret_from_env(const core::ConfigObject& object, std::string_view key) {
  const std::string variable = object.required_string(key);
  if (variable.empty()) return {};
  const char* value = std::getenv(variable.c_str());
  if (value == nullptr) {
    object.error(key, "environment variable " + variable + " is not set");
    return {};
  }
  if (*value == '\0') {
    object.error(key, "environment variable " + variable + " is empty");
    return {};
  }
  if (!is_header_value(value)) {
    object.error(key, "environment variable " + variable + " holds a line break");
    return {};
  }
  return value;
}

std::string read_auth(const core::ConfigObject& auth) {
  const std::string type = auth.one_of("type", {"bearer", "basic"}, "");
  std::string authorization;
  if (type.empty() && !auth.has("type")) auth.error("type", "missing required key");
  if (type == "bearer") {
    const std::string token = secret_from_env(auth, "token_env");
    if (!token.empty()) authorization = "Bearer " + token;
  } else if (type == "basic") {
    const std::string user = auth.required_string("user");
    if (user.find(':') != std::string::npos) auth.error("user", "a basic-auth user name cannot hold ':'");
    const std::string password = secret_from_env(auth, "password_env");
    if (!user.empty() && !password.empty()) authorization = basic_authorization(user, password);
  }
  auth.finish();
  return authorization;
}

bool reserved_header(std::string_view name) {
  for (const char* reserved : {"host", "content-length", "transfer-encoding", "connection"}) {
    if (name.size() == std::string_view(reserved).size() &&
        strncasecmp(name.data(), reserved, name.size()) == 0) {
      return true;
    }
  }
  return false;
}

void read_headers(const core::ConfigObject& object, FhirDestinationConfig& config) {
  for (const core::ConfigObject& header : object.objects("headers")) {
    const std::string name = header.required_string("name");
    const std::string value = header.string("value");
    if (!name.empty() && !is_header_name(name)) {
      header.error("name", "expected an HTTP header name (letters, digits, -), found \"" + name + "\"");
    } else if (reserved_header(name)) {
      header.error("name", name + " is set by the destination itself");
    } else if (!config.authorization.empty() && strcasecmp(name.c_str(), "authorization") == 0) {
      header.error("name", "Authorization is set by \"auth\"; give one or the other");
    } else if (!is_header_value(value)) {
      header.error("value", "a header value cannot hold a line break");
    } else if (!name.empty()) {
      config.headers.emplace_back(name, value);
    }
    header.finish();
  }
}

}  // namespace

FhirDestinationConfig read_fhir_destination_config(const core::ConfigObject& object) {
  FhirDestinationConfig config;
  const std::string url = object.required_string("url");
  bool url_ok = false;
  if (!url.empty()) {
    Result<BaseUrl> parsed = parse_base_url(url);
    if (parsed) {
      config.url = std::move(*parsed);
      url_ok = true;
    } else {
      object.error("url", parsed.error().message);
    }
  }
  config.mode = object.one_of("mode", {"transaction", "resources"}, "transaction") == "resources"
                    ? FhirMode::kResources
                    : FhirMode::kTransaction;
  if (std::optional<core::ConfigObject> auth = object.object("auth")) config.authorization = read_auth(*auth);
  read_headers(object, config);
  config.timeout = duration_cast<milliseconds>(object.duration("timeout", config.timeout, kMinTimeout, kMaxTimeout));
  config.connect_timeout =
      duration_cast<milliseconds>(object.duration("connect_timeout", config.connect_timeout, kMinTimeout, kMaxTimeout));
  config.max_connections = object.uint("max_connections", config.max_connections, 1, 256);
  config.tls_verify = object.boolean("tls_verify", config.tls_verify);
  if (std::optional<std::string> proxy = object.optional_string("proxy")) {
    Result<BaseUrl> parsed = parse_base_url(*proxy);
    if (!parsed) {
      object.error("proxy", parsed.error().message);
    } else if (parsed->tls || !parsed->path.empty()) {
      object.error("proxy", "expected http://host:port (a proxy reached over plain TCP, no path), found \"" + *proxy + "\"");
    } else {
      config.proxy = std::move(*parsed);
    }
  }
  if (std::optional<core::ConfigObject> auth = object.object("proxy_auth")) {
    config.proxy_authorization = read_auth(*auth);
    if (!object.has("proxy")) object.error("proxy_auth", "credentials for a proxy, but no \"proxy\" is set");
  }
  config.ca_file = object.string("ca_file");
  if (!config.ca_file.empty()) {
    if (!std::ifstream(config.ca_file)) object.error("ca_file", "cannot read \"" + config.ca_file + "\"");
    if (url_ok && !config.url.tls) object.error("ca_file", "only an https:// url uses a CA file");
  }
  return config;
}

}  // namespace lienthong::adapters::http
