// `lienthong map`: runs a mapping (docs/mapping.md) on an HL7 v2 message and
// prints the output JSON, choosing the mapping by MSH-9 when none is named.
//
// Exit status: 0 success; 2 bad input, no mapping for the message type, a
// mapping that does not compile (every error printed), or a rejection by the
// mapping (its reason printed); 64 usage error; 66 input not readable.
// Thread-safety: runs on the main thread; writes to stdout/stderr.
#pragma once

#include <string>
#include <vector>

namespace lienthong::cli {

// `args` are the words after "map".
int run_map(const std::vector<std::string>& args);

}  // namespace lienthong::cli
