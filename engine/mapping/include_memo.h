// IncludeMemo: the values that included files bound by $let gave in this run,
// by file, span and parameter values (docs/mapping.md MAP-2), so that a file
// asked again for the same input is not run again. The shipped mappings ask
// often: the Identifier.system of one CX (datatype/cx_system.json) is wanted
// by the patient's key, by its identifier and by every reference to it; the
// key of the doctor in OBX-16 by each of fifty OBX.
//
// The key leaves out what the file cannot read (IncludeReads, found when it
// compiles): the span, for a file without relative paths; where an element
// sits, for a file that never asks (then the same bytes are the same input),
// unless the value stored is an element or a list (which may hold elements
// whose place the caller can read).
//
// Why a stored value may stand for a new run of the file: an included file
// sees only its parameters (the names it uses but does not bind), the span of
// segments and the message, and its functions are deterministic; a file that
// rejects the message ends the run, so no rejection is ever looked up. What
// a second run would have added and a lookup does not: a second copy of a
// warning the first run gave, and (with explain) the inputs it read, which is
// why explain runs do not use the memo.
//
// Thread-safety: one per thread (RunBuffers), used by one run at a time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "engine/mapping/plan_nodes.h"
#include "engine/mapping/value.h"

namespace lienthong::mapping {

class IncludeMemo {
 public:
  // Forgets everything: a run of a plan with `files` included files starts.
  void reset(std::size_t files);

  // The value of `file` (its index among the plan's included files) stored
  // for this span and these parameter values, or null.
  const Value* find(std::uint32_t file, const IncludeReads& reads, std::size_t span_begin, std::size_t span_end,
                    std::span<const Value> parameters) const;

  // Stores `result` (its views live for the run) for a later find().
  void add(std::uint32_t file, const IncludeReads& reads, std::size_t span_begin, std::size_t span_end,
           std::span<const Value> parameters, const Value& result);

 private:
  static constexpr std::uint32_t kNone = 0xFFFFFFFFu;
  struct Entry {
    std::uint32_t next = kNone;  // the file's previous entry
    std::uint32_t first_parameter = 0;
    std::uint32_t span_begin = 0;
    std::uint32_t span_end = 0;
    Value result;
  };

  std::vector<std::uint32_t> heads_;  // per file: its newest entry
  std::vector<Entry> entries_;
  std::vector<Value> parameters_;     // each entry's, in a row
};

// Whether `a` and `b` are the same value for every expression that reads
// them: the same kind and payload; an element at the same place of the same
// message (or, `by_content`, below segment level, with the same bytes), a text
// with the same bytes, a list or JSON value at the same address (lists and
// trees with equal content but elsewhere are not the same: a cheap test that
// may miss, never a wrong one).
bool identical(const Value& a, const Value& b, bool by_content = false);

}  // namespace lienthong::mapping
