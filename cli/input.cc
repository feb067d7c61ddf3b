#include "cli/input.h"

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "engine/hl7v2/batch.h"
#include "engine/hl7v2/mllp_framer.h"

namespace lienthong::cli {
namespace {

Result<std::string> read_all(std::FILE* f, const std::string& name) {
  std::string out;
  char buf[1 << 16];
  while (true) {
    std::size_t n = std::fread(buf, 1, sizeof buf, f);
    out.append(buf, n);
    if (n < sizeof buf) break;
  }
  if (std::ferror(f)) return Error{name + ": cannot read: " + std::strerror(errno), ""};
  return out;
}

}  // namespace

hl7v2::ParseOptions parse_options(const InputOptions& options) {
  hl7v2::ParseOptions p;
  p.strict = options.strict;
  p.charset = options.encoding;
  return p;
}

Result<InputFile> InputFile::read(const std::string& path) {
  InputFile in;
  if (path == "-") {
    in.name_ = "<stdin>";
    auto bytes = read_all(stdin, in.name_);
    if (!bytes.ok()) return bytes.error();
    in.bytes_ = std::move(bytes).value();
    return in;
  }
  in.name_ = path;
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return Error{path + ": cannot open: " + std::strerror(errno), ""};
  auto bytes = read_all(f, path);
  std::fclose(f);
  if (!bytes.ok()) return bytes.error();
  in.bytes_ = std::move(bytes).value();
  return in;
}

Result<std::vector<RawMessage>> InputFile::split(const InputOptions& options) {
  hl7v2::BatchOptions batch_options;
  batch_options.strict = options.strict;

  // Each unit is split for batch envelopes; `base` maps its offsets to the file.
  struct Unit {
    std::string_view bytes;
    std::size_t base;
  };
  std::vector<Unit> units;
  frames_.clear();
  if (hl7v2::looks_mllp_framed(bytes_)) {
    auto frames = hl7v2::split_mllp(bytes_);
    if (!frames.ok()) return Error{name_ + ": " + frames.error().to_string(), ""};
    std::vector<std::size_t> bases;
    for (auto& f : *frames) {
      frames_.push_back(std::move(f.payload));
      bases.push_back(f.offset + 1);  // after the 0x0B
    }
    for (std::size_t i = 0; i < frames_.size(); ++i) units.push_back({frames_[i], bases[i]});
  } else {
    units.push_back({bytes_, 0});
  }

  std::vector<RawMessage> out;
  for (const Unit& unit : units) {
    auto batch = hl7v2::split_batch(unit.bytes, batch_options);
    if (!batch.ok()) {
      hl7v2::ParseError e = batch.error();
      e.offset += unit.base;
      return Error{name_ + ": " + e.to_string(), ""};
    }
    for (const hl7v2::Batch& b : batch->batches) {
      for (std::string_view m : b.messages) {
        out.push_back(RawMessage{m, unit.base + hl7v2::offset_in(unit.bytes, m), out.size() + 1});
      }
    }
  }
  if (out.empty()) return Error{name_ + ": no HL7 message found", ""};
  return out;
}

std::string InputFile::describe(const RawMessage& message, const hl7v2::ParseError& error,
                                std::size_t total) const {
  hl7v2::ParseError e = error;
  e.offset += message.offset;
  std::string where = name_ + ": ";
  if (total > 1) where += "message " + std::to_string(message.number) + ", ";
  return where + e.to_string();
}

}  // namespace lienthong::cli
