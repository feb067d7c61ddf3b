// What an included file reads besides its parameters, found once at compile
// time, so that IncludeMemo (include_memo.h) can leave out of its key what
// cannot change the file's value:
// - the span, when no path of the file (or of a file it includes) is
//   relative: `/PID-3` and names only;
// - where an element sits, when nothing in it asks: segment_index() does,
//   and so do the time functions, whose warnings name the input's occurrence
//   (MAP-7.4). Then two elements with the same bytes are the same input,
//   except segments, whose place a $for over them also sets the span by.
//
// Thread-safety: compile time only.
#pragma once

#include "engine/mapping/plan_nodes.h"

namespace lienthong::mapping {

// The reads of the file whose compiled skeleton is `root` (its includes' too).
IncludeReads include_reads(const Node& root);

}  // namespace lienthong::mapping
