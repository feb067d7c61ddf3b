#include "adapters/file/atomic_file_write.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <system_error>

namespace lienthong::adapters::file {
namespace {

// Unique per process; the pid makes it unique across processes sharing a directory.
std::atomic<std::uint64_t> temp_counter{0};

// Closes on scope exit unless released; close errors on this path are already moot.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  int release() {
    const int fd = fd_;
    fd_ = -1;
    return fd;
  }

 private:
  int fd_;
};

WriteFailure failed(std::string step) { return WriteFailure{errno != 0 ? errno : EIO, std::move(step)}; }

int fsync_retrying(int fd) {
  int rc = 0;
  do rc = ::fsync(fd);
  while (rc != 0 && errno == EINTR);
  return rc;
}

}  // namespace

Result<std::size_t, WriteFailure> write_file_atomically(const std::filesystem::path& directory,
                                                        std::string_view file_name, std::string_view bytes) {
  const std::string temp_name = ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(++temp_counter);
  const std::filesystem::path temp_path = directory / temp_name;
  const std::filesystem::path final_path = directory / file_name;

  Fd file(::open(temp_path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640));
  if (file.get() < 0) return failed("open");
  // From here on, every failure removes the temporary file (its errno is kept).
  auto fail = [&](std::string step) {
    WriteFailure failure = failed(std::move(step));
    ::unlink(temp_path.c_str());
    return failure;
  };

  std::size_t written = 0;
  while (written < bytes.size()) {
    const ssize_t n = ::write(file.get(), bytes.data() + written, bytes.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail("write");
    }
    written += static_cast<std::size_t>(n);
  }
  if (fsync_retrying(file.get()) != 0) return fail("fsync");
  // close() can report a delayed write error (NFS); then the file is not to be trusted.
  if (::close(file.release()) != 0) return fail("close");
  if (::rename(temp_path.c_str(), final_path.c_str()) != 0) return fail("rename");

  Fd dir(::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir.get() < 0) return failed("open directory");
  // The file is in place; only the rename's durability is in doubt. Reporting the
  // failure makes the scheduler write it again, which overwrites the same name.
  if (fsync_retrying(dir.get()) != 0) return failed("fsync directory");
  return written;
}

std::size_t remove_stale_temp_files(const std::filesystem::path& directory) {
  std::error_code ec;
  std::filesystem::directory_iterator it(directory, ec);
  if (ec) return 0;
  const std::string own = std::to_string(::getpid());
  std::size_t removed = 0;
  for (const auto& entry : it) {
    const std::string name = entry.path().filename().string();
    if (name.rfind(".tmp-", 0) != 0) continue;
    const std::size_t dash = name.find('-', 5);
    if (dash == std::string::npos || dash == 5) continue;
    const std::string pid_text = name.substr(5, dash - 5);
    if (pid_text.find_first_not_of("0123456789") != std::string::npos || pid_text.size() > 9) continue;
    if (pid_text == own) continue;
    // kill(pid, 0): ESRCH means no such process. EPERM means it exists (another
    // user's): keep its file.
    if (::kill(static_cast<pid_t>(std::stol(pid_text)), 0) == 0 || errno != ESRCH) continue;
    if (std::filesystem::remove(entry.path(), ec) && !ec) ++removed;
  }
  return removed;
}

}  // namespace lienthong::adapters::file
