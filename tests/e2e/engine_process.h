// Runs `lienthong run` as a real child process for end-to-end tests: a temp
// config on a free loopback port, a store under the build tree, logs to a file.
#pragma once

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace lienthong::testing {

inline std::uint16_t free_port() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  close(fd);
  return ntohs(a.sin_port);
}

inline bool port_open(std::uint16_t port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool ok = connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  close(fd);
  return ok;
}

// Spawns `argv` with stdout+stderr into `log`; returns the pid (or -1).
inline pid_t spawn(std::vector<std::string> words, const std::string& log) {
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&fa, 1, 2);
  std::vector<char*> argv;
  for (auto& w : words) argv.push_back(w.data());
  argv.push_back(nullptr);
  pid_t pid = -1;
  if (posix_spawn(&pid, argv[0], &fa, nullptr, argv.data(), environ) != 0) pid = -1;
  posix_spawn_file_actions_destroy(&fa);
  return pid;
}

inline int wait_exit(pid_t pid) {
  int st = 0;
  waitpid(pid, &st, 0);
  return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

class EngineProcess {
 public:
  // `listener_keys`: more keys for the listener's object, each written `, "key": value`.
  explicit EngineProcess(const std::string& name, const std::string& listener_keys = "") {
    dir_ = std::filesystem::path(LIENTHONG_BINARY_DIR) / "test-tmp" / "e2e" / name;
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    port_ = free_port();
    std::ofstream(config()) << "// e2e\n{\"store\": {\"path\": \"store/lt.db\", \"batch_delay\": \"1ms\"},\n"
                               " \"listeners\": [{\"type\": \"mllp\", \"name\": \"e2e\", \"port\": "
                            << port_ << listener_keys << "}],\n \"threads\": 2}\n";
  }
  ~EngineProcess() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      wait_exit(pid_);
    }
  }

  // Starts the engine and waits (bounded) until it accepts connections.
  bool start() {
    pid_ = spawn({LIENTHONG_EXE, "run", "--config", config()}, log());
    if (pid_ <= 0) return false;
    for (int i = 0; i < 500; ++i) {
      if (port_open(port_)) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  }
  // Sends a signal without waiting (SIGHUP: reload).
  bool signal(int signal_number) { return pid_ > 0 && kill(pid_, signal_number) == 0; }
  int stop(int signal_number) {
    kill(pid_, signal_number);
    int status = wait_exit(pid_);
    pid_ = -1;
    return status;
  }

  std::string config() const { return (dir_ / "lienthong.json").string(); }
  std::string log() const { return (dir_ / "engine.log").string(); }
  std::string db() const { return (dir_ / "store" / "lt.db").string(); }
  std::uint16_t port() const { return port_; }
  const std::filesystem::path& dir() const { return dir_; }

 private:
  std::filesystem::path dir_;
  std::uint16_t port_ = 0;
  pid_t pid_ = -1;
};

}  // namespace lienthong::testing
