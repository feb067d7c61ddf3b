#include "adapters/http/base_url.h"

#include <algorithm>
#include <cctype>

#include <boost/asio/ip/address.hpp>

namespace lienthong::adapters::http {
namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

// Quoted and cut, so a long or odd value cannot flood an error line.
std::string shown(std::string_view text) {
  std::string out = "\"";
  for (char c : text.substr(0, 80)) out += static_cast<unsigned char>(c) < 0x20 ? '?' : c;
  if (text.size() > 80) out += "...";
  return out + "\"";
}

bool is_host_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_';
}

// Path characters allowed in a base URL (RFC 3986 pchar plus '/', percent escapes).
bool is_path_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || std::string_view("-._~!$&'()*+,;=:@/%").find(c) !=
                                                            std::string_view::npos;
}

}  // namespace

std::string BaseUrl::host_header() const {
  std::string out = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  if (port != (tls ? 443 : 80)) out += ":" + std::to_string(port);
  return out;
}

bool BaseUrl::host_is_ip() const {
  boost::system::error_code ec;
  boost::asio::ip::make_address(host, ec);
  return !ec;
}

std::string BaseUrl::target(std::string_view relative) const {
  while (!relative.empty() && relative.front() == '/') relative.remove_prefix(1);
  if (relative.empty()) return path.empty() ? "/" : path;
  std::string out = path;
  out += '/';
  out += relative;
  return out;
}

std::string BaseUrl::to_string() const {
  return std::string(tls ? "https://" : "http://") + host_header() + path;
}

Result<BaseUrl> parse_base_url(std::string_view text) {
  BaseUrl url;
  const std::size_t scheme_end = text.find("://");
  const std::string scheme = scheme_end == std::string_view::npos ? "" : lower(text.substr(0, scheme_end));
  if (scheme != "http" && scheme != "https") {
    return Error{"expected a URL starting with http:// or https://, found " + shown(text), ""};
  }
  url.tls = scheme == "https";
  url.port = url.tls ? 443 : 80;
  std::string_view rest = text.substr(scheme_end + 3);
  if (rest.find_first_of("?#") != std::string_view::npos) {
    return Error{"a base URL has no query or fragment, found " + shown(text), ""};
  }
  const std::size_t path_start = std::min(rest.find('/'), rest.size());
  std::string_view authority = rest.substr(0, path_start);
  std::string_view path = rest.substr(path_start);
  if (authority.find('@') != std::string_view::npos) {
    return Error{"user info in the URL is not allowed (use \"auth\" with an environment variable), found " +
                     shown(scheme + "://..."),
                 ""};
  }
  std::string_view host;
  std::string_view port;
  bool has_port = false;
  if (!authority.empty() && authority.front() == '[') {
    const std::size_t close = authority.find(']');
    if (close == std::string_view::npos) return Error{"unclosed '[' in the host of " + shown(text), ""};
    host = authority.substr(1, close - 1);
    std::string_view after = authority.substr(close + 1);
    if (!after.empty() && after.front() != ':') return Error{"unexpected text after ']' in " + shown(text), ""};
    has_port = !after.empty();
    if (has_port) port = after.substr(1);
    boost::system::error_code ec;
    boost::asio::ip::make_address_v6(std::string(host), ec);
    if (ec) {
      return Error{"expected an IPv6 address between '[' and ']', found " + shown(host), ""};
    }
  } else {
    const std::size_t colon = authority.find(':');
    host = authority.substr(0, colon);
    has_port = colon != std::string_view::npos;
    if (has_port) port = authority.substr(colon + 1);
    if (host.empty()) return Error{"the URL has no host: " + shown(text), ""};
    if (!std::all_of(host.begin(), host.end(), is_host_char)) {
      return Error{"expected a host name or IP address, found " + shown(host), ""};
    }
  }
  if (host.empty()) return Error{"the URL has no host: " + shown(text), ""};
  url.host = lower(host);
  if (has_port) {
    unsigned long value = 0;
    const bool digits = !port.empty() && port.size() <= 5 &&
                        std::all_of(port.begin(), port.end(), [](unsigned char c) { return std::isdigit(c); });
    if (digits) value = std::stoul(std::string(port));
    if (!digits || value < 1 || value > 65535) {
      return Error{"expected a port 1..65535, found " + shown(port), ""};
    }
    url.port = static_cast<std::uint16_t>(value);
  }
  if (!std::all_of(path.begin(), path.end(), is_path_char)) {
    return Error{"the path holds a character that must be percent-encoded: " + shown(path), ""};
  }
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  url.path = std::string(path);
  return url;
}

}  // namespace lienthong::adapters::http
