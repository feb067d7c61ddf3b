// The HTTP requests one outbound item becomes, before any I/O:
//   transaction mode: one POST of the Bundle as it is, to the base URL;
//   resources mode:   one request per Bundle entry, in entry order, with
//                     entry.request.method and entry.request.url (relative to
//                     the base, e.g. a conditional PUT "Patient?identifier=s|v")
//                     and entry.resource as the body (none for DELETE/GET).
// An item that cannot become requests (not a Bundle, an entry without a method
// or with an absolute or unsafe URL) is an Error: the destination answers kFail.
//
// Thread-safety: pure function.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "adapters/http/fhir_destination_config.h"
#include "engine/base/result.h"

namespace lienthong::adapters::http {

struct FhirRequest {
  std::string method;    // "POST", "PUT", "DELETE", ...
  std::string relative;  // URL relative to the base ("" for the base itself)
  std::string body;      // empty: no body
  std::string label;     // for details: "entry[2] PUT Patient" (no query: it may hold identifiers)
};

Result<std::vector<FhirRequest>> fhir_requests(FhirMode mode, std::string_view bundle);

}  // namespace lienthong::adapters::http
