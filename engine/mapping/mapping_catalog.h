// The HL7 v2 mappings of a directory (DIR/*.json), chosen by message type
// without compiling every file: open() reads only each file's "$mapping"
// header (MAP-2); a file is compiled the first time a message chooses it, and
// its plan is kept. A file whose header cannot be read is compiled at open(),
// so its errors are the compiler's precise ones (FILE: $.json.path: reason).
//
// Choice: select_patterns() (select.h) over the files in name order.
//
// Thread-safety: none; one catalog per thread (the CLI's dry run). The plans it
// returns are immutable and may be shared.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/base/result.h"
#include "engine/mapping/plan.h"

namespace lienthong::mapping {

class MappingCatalog {
 public:
  // Reads the headers of DIR/*.json. Errors: the directory cannot be read, or
  // files without a readable header that do not compile (all their errors).
  static Result<MappingCatalog> open(const std::filesystem::path& dir, CompileOptions options);

  // The plan that takes `message_code`^`trigger`: nullptr when no file declares
  // it, an Error with the compile errors when the chosen file does not compile.
  Result<std::shared_ptr<const MappingPlan>> plan_for(std::string_view message_code, std::string_view trigger);

  // Every declared pattern, sorted, without duplicates.
  std::vector<std::string> types() const;

 private:
  struct Entry {
    std::filesystem::path file;
    std::vector<std::string> messages;
    std::shared_ptr<const MappingPlan> plan;  // once compiled
  };
  CompileOptions options_;
  std::vector<Entry> entries_;
};

}  // namespace lienthong::mapping
