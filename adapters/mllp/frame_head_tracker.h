// FrameHeadTracker: remembers the first bytes of each MLLP frame seen in a
// stream, so an oversized frame (which MllpFramer drops without keeping its
// bytes) can still be answered with its own MSH: delimiters, control id,
// version.
//
// Relies on MllpFramer's rule that every 0x0B starts a new frame. Use: call
// begin_chunk(chunk) before MllpFramer::feed(chunk), then head_of(offset) for
// events from that feed while the chunk's memory is still alive (the chunk may
// be overwritten once the next one begins). Only the last frame of a chunk is
// copied (it may continue in the next chunk), at most kHeadBytes.
//
// Thread-safety: one owner.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace lienthong::adapters::mllp {

class FrameHeadTracker {
 public:
  static constexpr std::size_t kHeadBytes = 4096;

  void begin_chunk(std::string_view chunk);
  // Up to kHeadBytes after the 0x0B at stream offset `frame_offset` (fewer when
  // the frame is still arriving); empty if
  // that frame is not the carried one nor in the current chunk.
  std::string_view head_of(std::size_t frame_offset) const;

 private:
  std::string carried_;          // head of the frame that was open when the chunk began
  std::size_t carried_offset_ = static_cast<std::size_t>(-1);
  std::string next_;              // head of the chunk's last frame, carried from the next chunk on
  std::size_t next_offset_ = 0;
  bool next_valid_ = false;
  std::string_view chunk_;
  std::size_t chunk_offset_ = 0;  // stream offset of chunk_[0]
  std::size_t position_ = 0;      // bytes seen before the current chunk ends
};

}  // namespace lienthong::adapters::mllp
