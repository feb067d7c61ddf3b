// FUZZ_REQUIRE(condition): a contract check inside a fuzz target. Unlike
// assert it is never compiled out, and it names the broken condition before
// aborting, so a libFuzzer crash report says which contract failed.
#pragma once

#include <cstdio>
#include <cstdlib>

#define FUZZ_REQUIRE(condition)                                                   \
  do {                                                                            \
    if (!(condition)) {                                                           \
      std::fprintf(stderr, "contract broken at %s:%d: %s\n", __FILE__, __LINE__,  \
                   #condition);                                                   \
      std::abort();                                                               \
    }                                                                             \
  } while (0)
