#include "adapters/mllp/mllp_core_log.h"

#include <string_view>

#include "engine/core/log.h"

namespace lienthong::adapters::mllp {
namespace {

core::log::Level to_core(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug: return core::log::Level::kDebug;
    case LogLevel::kInfo: return core::log::Level::kInfo;
    case LogLevel::kWarning: return core::log::Level::kWarning;
    case LogLevel::kError: return core::log::Level::kError;
  }
  return core::log::Level::kInfo;
}

}  // namespace

// Adapter lines are "event=NAME k=v ..."; core::log takes the event apart from
// a fixed field list, so the rest travels as one field.
void log_to_core(LogLevel level, const std::string& line) {
  const core::log::Level core_level = to_core(level);
  if (!core::log::enabled(core_level)) return;
  std::string_view text = line;
  std::string_view event = "mllp";
  if (text.rfind("event=", 0) == 0) {
    const std::size_t end = text.find(' ');
    event = text.substr(6, end == std::string_view::npos ? std::string_view::npos : end - 6);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
  }
  core::log::write(core_level, event, {core::log::Field("detail", text)});
}

}  // namespace lienthong::adapters::mllp
