#include "engine/hl7v2/mllp_framer.h"

#include <utility>

#include "engine/hl7v2/scan.h"

namespace lienthong::hl7v2 {
namespace {

bool is_space(char c) { return c == '\r' || c == '\n' || c == ' ' || c == '\t'; }

// The next start or end byte at or after `from` (bytes.size() if none).
std::size_t find_frame_byte(std::string_view bytes, std::size_t from) {
  const char* begin = bytes.data();
  return static_cast<std::size_t>(scan::find_either(begin + from, begin + bytes.size(), kMllpStart, kMllpEnd) - begin);
}

}  // namespace

void MllpFramer::start_frame(std::size_t offset) {
  flush_discarded();
  state_ = State::kInFrame;
  payload_.clear();
  frame_offset_ = offset;
  skipped_ = 0;
}

void MllpFramer::end_frame() {
  MllpEvent e;
  e.kind = MllpEvent::Kind::kFrame;
  e.size = payload_.size();
  e.offset = frame_offset_;
  e.payload = std::move(payload_);
  payload_ = std::string();
  events_.push_back(std::move(e));
  state_ = State::kOutside;
}

void MllpFramer::flush_discarded() {
  if (discarded_ == 0) return;
  MllpEvent e;
  e.kind = MllpEvent::Kind::kDiscarded;
  e.size = discarded_;
  e.offset = discarded_offset_;
  events_.push_back(std::move(e));
  discarded_ = 0;
}

void MllpFramer::append(std::string_view bytes) {
  if (payload_.size() + bytes.size() <= max_frame_) {
    payload_.append(bytes);
    return;
  }
  MllpEvent e;
  e.kind = MllpEvent::Kind::kTooLarge;
  e.size = max_frame_ + 1;  // where it crossed the limit, whatever the read sizes
  e.offset = frame_offset_;
  skipped_ = payload_.size() + bytes.size();
  events_.push_back(std::move(e));
  std::string().swap(payload_);  // give the memory back: the frame may be huge
  state_ = State::kSkipping;
}

void MllpFramer::feed(std::string_view bytes) {
  std::size_t i = 0;
  while (i < bytes.size()) {
    const std::size_t pos = position_ + i;
    const char c = bytes[i];
    switch (state_) {
      case State::kOutside:
        if (c == kMllpStart) {
          start_frame(pos);
        } else if (!is_space(c)) {
          if (discarded_ == 0) discarded_offset_ = pos;
          ++discarded_;
        }
        ++i;
        break;
      case State::kInFrame: {
        std::size_t j = find_frame_byte(bytes, i);
        append(bytes.substr(i, j - i));
        i = j;
        if (i == bytes.size() || state_ != State::kInFrame) break;
        if (bytes[i] == kMllpEnd) {
          end_frame();
        } else {
          // The sender gave up on this frame and started again.
          MllpEvent e;
          e.kind = MllpEvent::Kind::kDiscarded;
          e.size = payload_.size() + 1;
          e.offset = frame_offset_;
          events_.push_back(std::move(e));
          start_frame(position_ + i);
        }
        ++i;
        break;
      }
      case State::kSkipping: {
        std::size_t j = find_frame_byte(bytes, i);
        skipped_ += j - i;
        i = j;
        if (i == bytes.size()) break;
        if (bytes[i] == kMllpEnd) {
          state_ = State::kOutside;
        } else {
          start_frame(position_ + i);
        }
        ++i;
        break;
      }
    }
  }
  position_ += bytes.size();
}

void MllpFramer::finish() {
  if (state_ == State::kInFrame) {
    MllpEvent e;
    e.kind = MllpEvent::Kind::kIncomplete;
    e.size = payload_.size();
    e.offset = frame_offset_;
    events_.push_back(std::move(e));
  }
  payload_ = std::string();
  state_ = State::kOutside;
  flush_discarded();
}

std::optional<MllpEvent> MllpFramer::next() {
  if (events_.empty()) return std::nullopt;
  MllpEvent e = std::move(events_.front());
  events_.pop_front();
  return e;
}

std::string mllp_wrap(std::string_view payload) {
  std::string out;
  out.reserve(payload.size() + 3);
  out.push_back(kMllpStart);
  out.append(payload);
  out.push_back(kMllpEnd);
  out.push_back(kMllpEndCr);
  return out;
}

bool looks_mllp_framed(std::string_view bytes) {
  std::size_t i = bytes.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0;
  while (i < bytes.size() && is_space(bytes[i])) ++i;
  return i < bytes.size() && bytes[i] == kMllpStart;
}

Result<std::vector<MllpFrame>> split_mllp(std::string_view bytes, std::size_t max_frame_size) {
  // A BOM before the first frame is an editor's doing, not data.
  std::size_t skip = bytes.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0;
  MllpFramer framer(max_frame_size);
  framer.feed(bytes.substr(skip));
  framer.finish();
  std::vector<MllpFrame> frames;
  while (auto e = framer.next()) {
    std::string where = "byte " + std::to_string(e->offset + skip);
    switch (e->kind) {
      case MllpEvent::Kind::kFrame:
        frames.push_back(MllpFrame{std::move(e->payload), e->offset + skip});
        break;
      case MllpEvent::Kind::kDiscarded:
        return Error{std::to_string(e->size) + " bytes outside an MLLP frame (expected 0x0B)", where};
      case MllpEvent::Kind::kTooLarge:
        return Error{"MLLP frame larger than " + std::to_string(max_frame_size) + " bytes", where};
      case MllpEvent::Kind::kIncomplete:
        return Error{"MLLP frame has no end (0x1C 0x0D) before the end of the input", where};
    }
  }
  return frames;
}

}  // namespace lienthong::hl7v2
