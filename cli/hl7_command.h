// `lienthong hl7 get|json|ack`: the HL7 v2 verbs of the command line.
//
// Exit status: 0 success; 2 bad input (one line on stderr: file, message,
// byte, segment, field, why); 64 usage error (a usage line on stderr);
// 66 input cannot be read. Output goes to stdout only when the whole input
// was read, so a script never sees half an answer with status 2 (`hl7 ack`
// excepted: it still prints the AR/CR a sender would receive).
// Thread-safety: runs on the main thread; writes to stdout/stderr.
#pragma once

#include <string>
#include <vector>

namespace lienthong::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitBadInput = 2;
inline constexpr int kExitUsage = 64;
inline constexpr int kExitNoInput = 66;
inline constexpr int kExitInternal = 70;

// `args` are the words after "hl7".
int run_hl7(const std::vector<std::string>& args);

// The usage text of the hl7 verbs.
const char* hl7_usage();

}  // namespace lienthong::cli
