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

#include <map>
#include <optional>
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
  std::string full_url;  // resources mode: the entry's fullUrl ("urn:uuid:..."), may be empty
};

Result<std::vector<FhirRequest>> fhir_requests(FhirMode mode, std::string_view bundle);

// Resources mode: references between entries. In a transaction the server turns
// each "urn:uuid:" fullUrl into the resource's id; sent one by one, the
// destination must. Where an entry goes is known before sending when its URL is
// "Type/id" (a PUT with the id), else learned from the answer (Location,
// Content-Location, or the returned resource's type and id).
using EntryLocations = std::map<std::string, std::string>;  // fullUrl -> "Type/id"

// The locations known before anything is sent.
EntryLocations known_locations(const std::vector<FhirRequest>& requests);
// "Type/id" from an answer: a Location / Content-Location value (absolute or
// relative, with or without "/_history/n"), else the body's resourceType and id.
std::optional<std::string> answer_location(std::string_view location, std::string_view body);
// The resource JSON with every "reference" whose value is a key of `locations`
// replaced by its location; unchanged text when nothing matches.
std::string with_resolved_references(const std::string& resource, const EntryLocations& locations);

}  // namespace lienthong::adapters::http
