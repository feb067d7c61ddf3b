#include "engine/hl7v2/batch_ack.h"

#include <cassert>
#include <cstddef>

namespace lienthong::hl7v2 {
namespace {

// The fields of an envelope segment ("BHS|^~\&|APP|FAC|..."): [0] = "BHS",
// [1] = the encoding characters (BHS-2; BHS-1 is the separator itself),
// [n - 1] = BHS-n for n >= 2.
std::vector<std::string_view> envelope_fields(std::string_view segment) {
  std::vector<std::string_view> fields{segment.substr(0, 3)};
  if (segment.size() < 4) return fields;
  const char separator = segment[3];
  std::string_view rest = segment.substr(4);
  for (;;) {
    const std::size_t cut = rest.find(separator);
    fields.push_back(rest.substr(0, cut));
    if (cut == std::string_view::npos) break;
    rest.remove_prefix(cut + 1);
  }
  return fields;
}

// BHS-n / FHS-n of the original, or empty.
std::string_view field(const std::vector<std::string_view>& fields, std::size_t n) {
  return n >= 2 && n - 1 < fields.size() ? fields[n - 1] : std::string_view();
}

// The mirrored header: "BHS|^~\&|<5>|<6>|<3>|<4>|<time>||||<control id>|<11>".
void append_header(std::string& out, std::string_view original, std::string_view time, std::string_view control_id) {
  const std::vector<std::string_view> f = envelope_fields(original);
  const char separator = original.size() > 3 ? original[3] : '|';
  out.append(original.substr(0, 3));
  out += separator;
  out.append(field(f, 2));
  // BHS-3 .. BHS-12; BHS-8 (security), BHS-9 (name/id/type) and BHS-10 (comment) stay empty.
  for (std::string_view value : {field(f, 5), field(f, 6), field(f, 3), field(f, 4), time, std::string_view(),
                                 std::string_view(), std::string_view(), control_id, field(f, 11)}) {
    out += separator;
    out.append(value);
  }
  out += '\r';
}

void append_trailer(std::string& out, std::string_view id, char separator, std::size_t count) {
  out.append(id);
  out += separator;
  out += std::to_string(count);
  out += '\r';
}

void append_ack(std::string& out, const std::string& ack) {
  out += ack;
  if (!ack.empty() && ack.back() != '\r' && ack.back() != '\n') out += '\r';
}

}  // namespace

std::string build_batch_ack(const BatchFile& original, const std::vector<std::string>& acks, std::string_view time,
                            std::string_view control_id) {
  assert(acks.size() == original.message_count());
  std::string out;
  const bool file = !original.file_header.empty();
  const char file_separator = file && original.file_header.size() > 3 ? original.file_header[3] : '|';
  if (file) append_header(out, original.file_header, time, control_id);
  std::size_t next = 0;
  for (const Batch& batch : original.batches) {
    const bool enveloped = !batch.header.empty() || !batch.trailer.empty();
    const char separator = batch.header.size() > 3 ? batch.header[3] : file_separator;
    if (!batch.header.empty()) append_header(out, batch.header, time, control_id);
    for (std::size_t i = 0; i < batch.messages.size() && next < acks.size(); ++i) append_ack(out, acks[next++]);
    if (enveloped) append_trailer(out, "BTS", separator, batch.messages.size());
  }
  if (file) append_trailer(out, "FTS", file_separator, original.batches.size());
  return out;
}

}  // namespace lienthong::hl7v2
