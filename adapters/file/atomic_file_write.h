// write_file_atomically: puts one file into a directory so that a reader sees either
// no file or the whole file under its final name, also across a crash or power loss:
//   1. create ".tmp-<pid>-<n>" in the same directory (O_EXCL, mode 0640 before umask),
//   2. write every byte, fsync it, close it,
//   3. rename it to the final name (replacing a file of that name: a repeated delivery
//      of the same item overwrites, which keeps at-least-once delivery idempotent),
//   4. fsync the directory, so the rename itself is durable.
// On failure the temporary file is removed and the errno of the failed step returned;
// a crash between 1 and 3 can leave a ".tmp-" file behind (readers must skip them;
// remove_stale_temp_files clears them when a destination starts).
//
// Thread-safety: a free function; calls for distinct names may run concurrently
// (temporary names are unique per process and call).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "engine/base/result.h"

namespace lienthong::adapters::file {

struct WriteFailure {
  int error_number = 0;  // errno of the step that failed
  std::string step;      // "open", "write", "fsync", "close", "rename", "fsync directory"
};

// The number of bytes written, or the step that failed.
Result<std::size_t, WriteFailure> write_file_atomically(const std::filesystem::path& directory, std::string_view file_name,
                                   std::string_view bytes);

// Removes the ".tmp-<pid>-<n>" files of `directory` whose writer process is gone
// (kill(pid, 0) says ESRCH). This process's own files are kept: they may be in
// flight (a reload starts a new destination beside the old one). Returns how many
// were removed; errors (unreadable directory, a file that vanished) are skipped.
std::size_t remove_stale_temp_files(const std::filesystem::path& directory);

}  // namespace lienthong::adapters::file
