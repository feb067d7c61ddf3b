// MLLP (Minimal Lower Layer Protocol, HL7 v2 release 2) framing: each message is
// sent as 0x0B <payload> 0x1C 0x0D.
//
// MllpFramer deframes a byte stream incrementally: feed() any split of the input
// (a socket read, a file chunk), then drain next() for events. A 0x1C ends a
// frame at once, whether its 0x0D follows or not: MLLP excludes 0x0B and 0x1C
// from the content, and some senders end frames with 0x1C alone and then wait
// for the answer, which they would never get if the frame waited for a 0x0D.
// The 0x0D, when it comes, is whitespace between frames. A 0x0B inside a frame
// means the sender restarted: the unfinished frame is reported as discarded
// and a new one begins. CR, LF, space and tab between frames are ignored
// silently (files often put a newline after each frame); other bytes outside a
// frame are reported as discarded, once per run. A frame larger than the limit
// is reported once, as soon as it crosses the limit, and the rest of it is
// skipped. finish() marks the end of the stream: a frame without its end is
// reported as incomplete. Events do not depend on how the stream is split.
//
// No network code here; adapters own sockets and timeouts.
// Thread-safety: an MllpFramer has one owner at a time; the free functions are pure.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/base/result.h"

namespace lienthong::hl7v2 {

inline constexpr char kMllpStart = '\x0B';
inline constexpr char kMllpEnd = '\x1C';
inline constexpr char kMllpEndCr = '\x0D';

struct MllpEvent {
  enum class Kind : std::uint8_t {
    kFrame,       // `payload` holds one complete frame, without the framing bytes
    kDiscarded,   // `size` bytes outside any frame (or an abandoned frame) were skipped
    kTooLarge,    // a frame crossed the limit (size = limit + 1); it is skipped to its end
    kIncomplete,  // the stream ended inside a frame of `size` bytes (after 0x0B)
  };
  Kind kind = Kind::kFrame;
  std::string payload;
  std::size_t size = 0;    // payload size for kFrame; bytes concerned otherwise
  std::size_t offset = 0;  // stream offset of the first byte concerned (the 0x0B of a frame)
};

class MllpFramer {
 public:
  static constexpr std::size_t kDefaultMaxFrame = 16 * 1024 * 1024;

  explicit MllpFramer(std::size_t max_frame_size = kDefaultMaxFrame) : max_frame_(max_frame_size) {}

  void feed(std::string_view bytes);
  // End of stream; events it produces are available from next().
  void finish();
  std::optional<MllpEvent> next();

  // Bytes fed so far.
  std::size_t position() const { return position_; }
  // True while a frame has started and not ended.
  bool in_frame() const { return state_ != State::kOutside; }

 private:
  enum class State : std::uint8_t { kOutside, kInFrame, kSkipping };

  void start_frame(std::size_t offset);
  void end_frame();
  void flush_discarded();
  void append(std::string_view bytes);

  std::size_t max_frame_;
  State state_ = State::kOutside;
  std::string payload_;
  std::size_t frame_offset_ = 0;
  std::size_t skipped_ = 0;  // bytes of an oversize frame skipped so far
  std::size_t discarded_ = 0;
  std::size_t discarded_offset_ = 0;
  std::size_t position_ = 0;
  std::deque<MllpEvent> events_;
};

// 0x0B + payload + 0x1C 0x0D.
std::string mllp_wrap(std::string_view payload);

// True when the first byte that is not whitespace (after an optional UTF-8 BOM)
// is 0x0B: the bytes are MLLP frames rather than plain HL7.
bool looks_mllp_framed(std::string_view bytes);

struct MllpFrame {
  std::string payload;
  std::size_t offset = 0;  // of the frame's 0x0B in the input
};

// Splits a whole MLLP-framed file. Stricter than the stream framer, because a
// file has no one to retry: bytes outside frames (other than whitespace), an
// unfinished last frame, or a frame over the limit are errors whose `where` is
// "byte N".
Result<std::vector<MllpFrame>> split_mllp(std::string_view bytes,
                                          std::size_t max_frame_size = MllpFramer::kDefaultMaxFrame);

}  // namespace lienthong::hl7v2
