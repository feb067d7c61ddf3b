// Names a thread for `top -H`, `ps -L`, perf and debuggers. name_thread() is
// called by the thread that started `thread`: the name is set before it
// returns, so whoever can see the thread sees its name. name_current_thread()
// is for threads started by a library (a thread pool's), from a task run on them.
// Linux keeps at most 15 bytes: longer names are cut, never refused. A name
// says what the thread does, e.g. "lt-writer". Naming cannot fail in a way the
// caller should act on, so nothing is returned.
#pragma once

#include <string>
#include <string_view>
#include <thread>

#if defined(__linux__)
#include <pthread.h>
#endif

namespace lienthong {

inline void name_thread(std::thread::native_handle_type handle, std::string_view name) {
#if defined(__linux__)
  const std::string cut(name.substr(0, 15));
  (void)pthread_setname_np(handle, cut.c_str());
#else
  (void)handle;
  (void)name;
#endif
}

inline void name_thread(std::thread& thread, std::string_view name) { name_thread(thread.native_handle(), name); }

inline void name_current_thread(std::string_view name) { name_thread(pthread_self(), name); }

}  // namespace lienthong
