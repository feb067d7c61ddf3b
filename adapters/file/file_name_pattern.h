// FileNamePattern: the "file_name" of a file destination (not "name": that key is the
// destination's own name, read by the core), e.g. "{message_id}-{id}.{ext}",
// compiled once at config time and expanded per delivered item.
//
// Placeholders: {id} (outbound item id), {message_id}, {route}, {type} (the inbound
// message type, "ADT^A01" -> "ADT_A01"), {control_id} (MSH-10), {ext} ("json" for
// FHIR JSON, "hl7" for HL7 v2) and {date} (UTC yyyymmdd of the item's intake; of the
// delivery for an item that does not say). Values
// that come from a message or the config ({route}, {type}, {control_id}) keep only
// [A-Za-z0-9._-]; any other byte becomes '_', so a value can never leave the
// directory. The literal text must not contain '/', "..", '{' or '}' (a pattern is
// checked by compile()). The same item gives the same name on every attempt, which
// makes a repeated delivery overwrite, not duplicate.
//
// Thread-safety: an immutable value after compile(); expand() is const.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "engine/base/result.h"
#include "engine/core/destination.h"

namespace lienthong::adapters::file {

class FileNamePattern {
 public:
  // The placeholder names, for error messages and the docs.
  static constexpr std::string_view kPlaceholders = "{id}, {message_id}, {route}, {type}, {control_id}, {ext}, {date}";

  // Error::message says what is wrong ("unknown placeholder {foo}").
  static Result<FileNamePattern> compile(std::string_view pattern);

  FileNamePattern() = default;  // empty: expands to ""

  // The file name for `item` delivered at `now` (its {date} when the item has no
  // intake time). Can be unusable only through its
  // values ("" or "." or ".." or longer than 255 bytes): the caller checks usable().
  std::string expand(const core::DeliveryItem& item, std::chrono::system_clock::time_point now) const;

  static bool usable(std::string_view file_name);

  const std::string& text() const { return text_; }

 private:
  enum class Part : std::uint8_t { kLiteral, kId, kMessageId, kRoute, kType, kControlId, kExt, kDate };
  struct Piece {
    Part part;
    std::string literal;  // kLiteral only
  };
  std::string text_;
  std::vector<Piece> pieces_;
};

// Keeps [A-Za-z0-9._-], every other byte becomes '_'.
std::string sanitise_name_part(std::string_view value);

}  // namespace lienthong::adapters::file
