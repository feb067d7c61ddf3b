#include "engine/hl7v2/batch.h"

#include <optional>
#include <string>

namespace lienthong::hl7v2 {
namespace {

bool is_eol(char c) { return c == '\r' || c == '\n'; }
bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\f' || c == '\v'; }
bool is_alnum(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

// One segment line: [begin, end) is its text, `next` the offset after its terminator.
struct Line {
  std::size_t begin = 0;
  std::size_t end = 0;
  std::size_t next = 0;
};

// The id of a segment line if the line starts with one ("MSH|..." or "BTS").
std::string_view segment_id(std::string_view line) {
  if (line.size() < 3) return {};
  if (line.size() > 3 && is_alnum(line[3])) return {};
  return line.substr(0, 3);
}

class Splitter {
 public:
  Splitter(std::string_view bytes, const BatchOptions& options) : bytes_(bytes), options_(options) {
    file_.bytes = bytes;
  }

  Result<BatchFile, ParseError> run() {
    std::size_t pos = bytes_.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0;
    while (pos < bytes_.size()) {
      Line line = next_line(pos);
      pos = line.next;
      std::string_view text = bytes_.substr(line.begin, line.end - line.begin);
      if (is_blank_line(text)) continue;
      // Lenient: indentation before the first segment of a message is an editor's
      // doing. Inside a message a leading blank belongs to continued free text.
      if (!options_.strict && !message_open_) {
        while (is_blank(bytes_[line.begin])) ++line.begin;
        text = bytes_.substr(line.begin, line.end - line.begin);
      }
      ++segment_index_;
      if (auto err = on_segment(line, text)) return std::move(*err);
    }
    if (segment_index_ == 0) return error("no HL7 segments found", pos, "", ErrorCode::kSegmentSequence);
    close_message();
    if (batch_open_) {
      if (options_.strict) {
        return error("BHS is never closed by a BTS", batch_header_offset_, "BHS", ErrorCode::kSegmentSequence,
                     batch_header_index_);
      }
      close_batch({});
    }
    close_implicit_batch();
    if (!file_.file_header.empty() && file_.file_trailer.empty() && options_.strict) {
      return error("FHS is never closed by an FTS", file_header_offset_, "FHS", ErrorCode::kSegmentSequence, 1);
    }
    return std::move(file_);
  }

 private:
  Line next_line(std::size_t pos) const {
    Line line;
    line.begin = pos;
    while (pos < bytes_.size() && !is_eol(bytes_[pos])) ++pos;
    line.end = pos;
    if (pos < bytes_.size()) {
      ++pos;
      if (bytes_[pos - 1] == '\r' && pos < bytes_.size() && bytes_[pos] == '\n') ++pos;
    }
    line.next = pos;
    return line;
  }

  static bool is_blank_line(std::string_view text) {
    for (char c : text) {
      if (!is_blank(c)) return false;
    }
    return true;
  }

  ParseError error(std::string message, std::size_t offset, std::string_view id, ErrorCode code,
                   std::size_t index = 0) const {
    ParseError e;
    e.message = std::move(message);
    e.offset = offset;
    e.segment_id = std::string(id);
    e.segment_index = index == 0 ? segment_index_ : index;
    e.code = code;
    return e;
  }

  std::optional<ParseError> on_segment(const Line& line, std::string_view text) {
    std::string_view id = segment_id(text);
    if (file_closed_) {
      return error("segment after the FTS that ends the file", line.begin, id, ErrorCode::kSegmentSequence);
    }
    if (id == "FHS") {
      if (segment_index_ != 1) {
        return error("FHS must be the first segment of a file", line.begin, id, ErrorCode::kSegmentSequence);
      }
      file_.file_header = text;
      file_header_offset_ = line.begin;
      return std::nullopt;
    }
    if (id == "BHS") {
      if (batch_open_) {
        return error("BHS inside a batch that has no BTS yet", line.begin, id, ErrorCode::kSegmentSequence);
      }
      close_message();
      close_implicit_batch();
      file_.batches.emplace_back();
      file_.batches.back().header = text;
      batch_open_ = true;
      batch_header_offset_ = line.begin;
      batch_header_index_ = segment_index_;
      return std::nullopt;
    }
    if (id == "BTS") return on_batch_trailer(line, text);
    if (id == "FTS") return on_file_trailer(line, text);
    if (id == "MSH") {
      close_message();
      if (!batch_open_ && !implicit_open_) {
        file_.batches.emplace_back();
        implicit_open_ = true;
      }
      message_begin_ = line.begin;
      message_next_ = line.next;
      message_open_ = true;
      return std::nullopt;
    }
    if (!message_open_) {
      std::string what = id.empty() ? std::string("a line that is not a segment")
                                    : "segment " + std::string(id);
      return error(what + " before the first MSH", line.begin, id, ErrorCode::kSegmentSequence);
    }
    message_next_ = line.next;
    return std::nullopt;
  }

  std::optional<ParseError> on_batch_trailer(const Line& line, std::string_view text) {
    close_message();
    if (!batch_open_ && !implicit_open_) {
      if (!file_.batches.empty()) {
        return error("BTS without a BHS after a batch was already closed", line.begin, "BTS",
                     ErrorCode::kSegmentSequence);
      }
      file_.batches.emplace_back();  // a file of no messages ending in "BTS|0"
    }
    Batch& batch = file_.batches.back();
    if (auto err = check_count(line, text, "BTS", batch.messages.size(), "messages in the batch")) return err;
    close_batch(text);
    return std::nullopt;
  }

  std::optional<ParseError> on_file_trailer(const Line& line, std::string_view text) {
    close_message();
    if (batch_open_) {
      if (options_.strict) {
        return error("FTS while the batch opened by BHS has no BTS", line.begin, "FTS",
                     ErrorCode::kSegmentSequence);
      }
      close_batch({});
    }
    close_implicit_batch();
    if (auto err = check_count(line, text, "FTS", file_.batches.size(), "batches in the file")) return err;
    file_.file_trailer = text;
    file_closed_ = true;
    return std::nullopt;
  }

  // BTS-1 / FTS-1: the count the sender says it sent; empty means not stated.
  std::optional<ParseError> check_count(const Line& line, std::string_view text, std::string_view id,
                                        std::size_t actual, std::string_view what) const {
    if (text.size() <= 4) return std::nullopt;
    char fs = text[3];
    std::size_t begin = 4;
    std::size_t end = begin;
    while (end < text.size() && text[end] != fs && text[end] != '^') ++end;
    std::string_view value = text.substr(begin, end - begin);
    while (!value.empty() && is_blank(value.front())) value.remove_prefix(1);
    while (!value.empty() && is_blank(value.back())) value.remove_suffix(1);
    if (value.empty()) return std::nullopt;
    std::size_t n = 0;
    for (char c : value) {
      if (c < '0' || c > '9' || n > 100000000) {
        ParseError e = error(std::string(id) + "-1 is not a count", line.begin + begin, id, ErrorCode::kDataType);
        e.field = 1;
        return e;
      }
      n = n * 10 + static_cast<std::size_t>(c - '0');
    }
    if (n != actual) {
      ParseError e = error(std::string(id) + "-1 says " + std::to_string(n) + " but there are " +
                               std::to_string(actual) + " " + std::string(what),
                           line.begin + begin, id, ErrorCode::kSegmentSequence);
      e.field = 1;
      return e;
    }
    return std::nullopt;
  }

  void close_message() {
    if (!message_open_) return;
    file_.batches.back().messages.push_back(bytes_.substr(message_begin_, message_next_ - message_begin_));
    message_open_ = false;
  }

  void close_batch(std::string_view trailer) {
    file_.batches.back().trailer = trailer;
    batch_open_ = false;
    implicit_open_ = false;
  }

  void close_implicit_batch() { implicit_open_ = false; }

  std::string_view bytes_;
  BatchOptions options_;
  BatchFile file_;
  std::size_t segment_index_ = 0;
  bool file_closed_ = false;
  bool batch_open_ = false;     // a BHS awaits its BTS
  bool implicit_open_ = false;  // messages outside any BHS are being collected
  bool message_open_ = false;
  std::size_t message_begin_ = 0;
  std::size_t message_next_ = 0;
  std::size_t batch_header_offset_ = 0;
  std::size_t batch_header_index_ = 0;
  std::size_t file_header_offset_ = 0;
};

}  // namespace

std::size_t BatchFile::message_count() const {
  std::size_t n = 0;
  for (const Batch& b : batches) n += b.messages.size();
  return n;
}

bool BatchFile::has_envelope() const {
  if (!file_header.empty() || !file_trailer.empty()) return true;
  for (const Batch& b : batches) {
    if (!b.header.empty() || !b.trailer.empty()) return true;
  }
  return false;
}

Result<BatchFile, ParseError> split_batch(std::string_view bytes, const BatchOptions& options) {
  return Splitter(bytes, options).run();
}

bool starts_with_envelope(std::string_view bytes) {
  if (bytes.substr(0, 3) == "\xEF\xBB\xBF") bytes.remove_prefix(3);
  while (!bytes.empty() && is_eol(bytes.front())) bytes.remove_prefix(1);
  const std::string_view id = segment_id(bytes);
  return id == "FHS" || id == "BHS";
}

}  // namespace lienthong::hl7v2
