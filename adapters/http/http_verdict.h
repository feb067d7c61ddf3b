// What a FHIR server's answer means for delivery (docs/destinations.md, "fhir"):
//   2xx            -> kOk "HTTP 201" (a transaction-response Bundle with an entry
//                     whose response.status is not 2xx -> kFail naming the entry);
//   408, 429, 5xx  -> kRetry, Retry-After (delta-seconds or HTTP-date) as retry_after;
//   other 4xx, 1xx, 3xx -> kFail "HTTP 422: <OperationOutcome issue text>" or the
//                     first 200 bytes of a body that is not an OperationOutcome.
// Details are short and may echo what the server said about the data, so callers
// store them and log them only at debug level.
//
// Thread-safety: pure functions.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "engine/core/destination.h"

namespace lienthong::adapters::http {

struct HttpAnswer {
  int status = 0;
  std::string_view retry_after;  // the Retry-After header, empty when absent
  std::string_view body;
};

// `check_entries`: the request was a transaction, so a 2xx answer's Bundle entries
// are checked too. `now` turns an HTTP-date Retry-After into a wait.
core::DeliveryResult classify_answer(const HttpAnswer& answer, bool check_entries,
                                     std::chrono::system_clock::time_point now);

// Retry-After: delta-seconds ("7") or an HTTP-date ("Wed, 21 Oct 2015 07:28:00 GMT",
// also the obsolete RFC 850 and asctime forms). A date in the past is 0 ms.
std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view value,
                                                           std::chrono::system_clock::time_point now);

// The issue texts of an OperationOutcome (diagnostics, else details.text), joined
// with "; " and cut to about `limit` bytes; nullopt when `body` is not one.
std::optional<std::string> operation_outcome_text(std::string_view body, std::size_t limit = 500);

// At most `limit` bytes of `text`, cut on a UTF-8 boundary, control bytes as spaces.
std::string printable_prefix(std::string_view text, std::size_t limit);

// "30s", "200ms", "1.5s" for details such as "timeout after 30s".
std::string duration_text(std::chrono::milliseconds d);

}  // namespace lienthong::adapters::http
