#include "adapters/file/atomic_file_write.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>

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

}  // namespace lienthong::adapters::file
