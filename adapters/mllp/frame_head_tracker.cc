#include "adapters/mllp/frame_head_tracker.h"

#include <algorithm>

#include "engine/hl7v2/mllp_framer.h"

namespace lienthong::adapters::mllp {

void FrameHeadTracker::begin_chunk(std::string_view chunk) {
  if (next_valid_) {
    carried_.swap(next_);
    carried_offset_ = next_offset_;
    next_valid_ = false;
  }
  // The carried frame goes on in this chunk up to the next 0x0B.
  if (carried_.size() < kHeadBytes) {
    const std::size_t end = std::min({chunk.find(hl7v2::kMllpStart), chunk.size(), kHeadBytes - carried_.size()});
    carried_.append(chunk.substr(0, end));
  }
  chunk_offset_ = position_;
  chunk_ = chunk;
  position_ += chunk.size();
  // Copy the chunk's last frame head now: the caller may reuse the chunk's memory.
  const std::size_t last_start = chunk.rfind(hl7v2::kMllpStart);
  if (last_start != std::string_view::npos) {
    std::string_view rest = chunk.substr(last_start + 1);
    next_.assign(rest.substr(0, std::min(rest.size(), kHeadBytes)));
    next_offset_ = chunk_offset_ + last_start;
    next_valid_ = true;
  }
}

std::string_view FrameHeadTracker::head_of(std::size_t frame_offset) const {
  if (frame_offset == carried_offset_) return carried_;
  if (frame_offset < chunk_offset_ || frame_offset >= chunk_offset_ + chunk_.size()) return {};
  std::string_view rest = chunk_.substr(frame_offset - chunk_offset_ + 1);
  return rest.substr(0, std::min(rest.size(), kHeadBytes));
}

}  // namespace lienthong::adapters::mllp
