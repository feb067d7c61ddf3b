#include "adapters/file/file_destination.h"

#include <cerrno>
#include <stdexcept>
#include <system_error>
#include <utility>

#include <boost/asio/post.hpp>

#include "adapters/file/atomic_file_write.h"
#include "engine/base/thread_name.h"
#include "engine/core/log.h"

namespace lienthong::adapters::file {
namespace {

core::DeliveryResult answer(core::Verdict verdict, std::string detail) {
  core::DeliveryResult result;
  result.verdict = verdict;
  result.detail = std::move(detail);
  return result;
}

}  // namespace

FileDestination::FileDestination(std::string name, FileDestinationConfig config)
    : name_(std::move(name)), config_(std::move(config)), clock_([] { return std::chrono::system_clock::now(); }) {
  std::error_code ec;
  std::filesystem::create_directories(config_.directory, ec);
  if (ec) {
    writer_.join();
    throw std::runtime_error("destination " + name_ + ": directory " + config_.directory.string() + ": " +
                             ec.message());
  }
  boost::asio::post(writer_, [] { name_current_thread("lt-file-out"); });
  if (!std::filesystem::is_directory(config_.directory, ec)) {
    writer_.join();
    throw std::runtime_error("destination " + name_ + ": " + config_.directory.string() + " is not a directory");
  }
  // Half-written files of a writer that crashed: the scheduler writes their items
  // again, so they are only clutter (and readers' work to skip).
  if (const std::size_t removed = remove_stale_temp_files(config_.directory); removed > 0) {
    core::log::info("file.stale_temp_removed", {{"destination", name_}, {"count", removed}});
  }
}

FileDestination::~FileDestination() {
  shutdown();
  if (!joined_.exchange(true)) writer_.join();
}

void FileDestination::deliver(const core::DeliveryItem& item, core::DeliveryCallback done) {
  {
    std::lock_guard lock(mutex_);
    if (!stopped_) {
      // A copy: the write outlives this call, and a copy costs nothing next to an fsync.
      boost::asio::post(writer_, [this, copy = item, done = std::move(done)]() mutable {
        if (stopping_.load()) {
          done(answer(core::Verdict::kRetry, "shutting down"));
          return;
        }
        done(write(copy));
      });
      return;
    }
  }
  done(answer(core::Verdict::kRetry, "shutting down"));
}

void FileDestination::shutdown() {
  {
    std::lock_guard lock(mutex_);
    stopped_ = true;
    stopping_.store(true);
  }
  // Items already posted run (answering kRetry) before join() returns: join() waits
  // for the pool's outstanding work. A callback calling shutdown() runs on the
  // writer thread, which cannot join itself; the destructor joins it later.
  if (writer_.get_executor().running_in_this_thread()) return;
  if (!joined_.exchange(true)) writer_.join();
}

core::DeliveryResult FileDestination::write(const core::DeliveryItem& item) const {
  const bool hl7 = item.content_type == core::kContentHl7v2;
  if (!hl7 && item.content_type != core::kContentFhirJson) {
    return answer(core::Verdict::kFail, "content type " + item.content_type + " not accepted");
  }
  const std::string file_name = config_.name.expand(item, clock_());
  if (!FileNamePattern::usable(file_name)) {
    return answer(core::Verdict::kFail,
                  "file name from pattern " + config_.name.text() + " is not usable (" +
                      (file_name.size() > 255 ? "longer than 255 bytes" : "\"" + file_name + "\"") + ")");
  }
  const std::string converted = hl7 ? convert_line_endings(item.body, config_.line_ending) : std::string();
  const std::string_view bytes = hl7 && config_.line_ending != LineEnding::kCr ? converted : item.body;

  auto written = write_file_atomically(config_.directory, file_name, bytes);
  if (!written.ok() && written.error().error_number == ENOENT && written.error().step == "open") {
    // The directory was removed while running: make it again, once.
    std::error_code ec;
    std::filesystem::create_directories(config_.directory, ec);
    if (!ec) written = write_file_atomically(config_.directory, file_name, bytes);
  }
  if (!written.ok()) {
    // Disk full, I/O error, permissions, a vanished directory: all may heal, none is
    // the item's fault. The detail names the error only, never content.
    return answer(core::Verdict::kRetry, "write: " + std::error_code(written.error().error_number, std::generic_category()).message());
  }
  return answer(core::Verdict::kOk, "file " + file_name);
}

}  // namespace lienthong::adapters::file
