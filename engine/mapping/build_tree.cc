// Interpreter::build*: $let skeletons as JSON trees in the run's memory pool
// (interpreter.h). Same rules as the text output (pruning, $for, $if, $value),
// no explain records: a binding is not output by itself.
#include <cmath>
#include <utility>

#include "engine/mapping/interpreter.h"

namespace lienthong::mapping {
namespace {

using Json = rapidjson::Value;

// A copy of `src` whose strings point at `src`'s (pool or plan memory, alive
// for the run), leaving out empty members and items; false when nothing is left.
bool copy_pruned(const Json& src, Json& out, JsonAllocator& alloc) {
  switch (src.GetType()) {
    case rapidjson::kNullType:
      return false;
    case rapidjson::kStringType:
      if (src.GetStringLength() == 0) return false;
      out.SetString(rapidjson::StringRef(src.GetString(), src.GetStringLength()));
      return true;
    case rapidjson::kObjectType:
      out.SetObject();
      for (const auto& m : src.GetObject()) {
        Json child;
        if (copy_pruned(m.value, child, alloc)) {
          out.AddMember(rapidjson::StringRef(m.name.GetString(), m.name.GetStringLength()), child, alloc);
        }
      }
      return out.MemberCount() > 0;
    case rapidjson::kArrayType:
      out.SetArray();
      for (const Json& item : src.GetArray()) {
        Json child;
        if (copy_pruned(item, child, alloc)) out.PushBack(child, alloc);
      }
      return !out.Empty();
    default:
      out.CopyFrom(src, alloc);  // numbers and booleans
      return true;
  }
}

}  // namespace

bool Interpreter::build(const Node& node, Json& out) {
  switch (node.kind) {
    case NodeKind::kLiteral:
      return build_value(node.literal, out);
    case NodeKind::kExpression: {
      run_.where = &node.source;
      Value holder;
      return build_value(evaluate_ref(*node.expr, run_, holder), out) && !run_.rejected();
    }
    case NodeKind::kTemplate:
      run_.where = &node.source;
      if (!template_text(node) || run_.rejected()) return false;
      out.SetString(text_.data(), static_cast<rapidjson::SizeType>(text_.size()), run_.allocator());
      return true;
    case NodeKind::kObject:
      return build_object(node, out);
    case NodeKind::kArray:
      return build_array(node, out);
    case NodeKind::kInclude:
      bind(*node.include);
      return build(*node.include->root, out);
  }
  return false;
}

bool Interpreter::build_value(const Value& v, Json& out) {
  JsonAllocator& alloc = run_.allocator();
  switch (v.kind()) {
    case ValueKind::kEmpty:
      return false;
    case ValueKind::kBool:
      out.SetBool(v.as_bool());
      return true;
    case ValueKind::kNumber:
      if (!std::isfinite(v.as_number().value)) return false;
      if (v.as_number().integer) {
        out.SetInt64(static_cast<std::int64_t>(v.as_number().value));
      } else {
        out.SetDouble(v.as_number().value);
      }
      return true;
    case ValueKind::kText:
    case ValueKind::kElement: {
      const std::string_view t = run_.text(v, scratch_);
      if (t.empty()) return false;
      out.SetString(t.data(), static_cast<rapidjson::SizeType>(t.size()), alloc);
      return true;
    }
    case ValueKind::kList:
      out.SetArray();
      for (const Value& item : v.as_list()) {
        Json child;
        if (build_value(item, child)) out.PushBack(child, alloc);
      }
      return !out.Empty();
    case ValueKind::kJson:
      return copy_pruned(v.as_json(), out, alloc);
  }
  return false;
}

bool Interpreter::build_object(const Node& node, Json& out) {
  UniqueKeys* keys = std::exchange(unique_, nullptr);
  KeyClaim claim;
  if (!prepare_and_claim(node, keys, claim)) return false;
  bool built = false;
  if (node.value) {
    unique_ = node.unique ? nullptr : keys;
    built = build(*node.value, out);
    unique_ = nullptr;
  } else {
    out.SetObject();
    for (const Member& m : node.members) {
      Json child;
      // Keys live in the plan, which outlives the run.
      if (build(*m.value, child)) out.AddMember(rapidjson::StringRef(m.key.data(), m.key.size()), child, run_.allocator());
      if (run_.rejected()) return false;
    }
    built = out.MemberCount() > 0;
  }
  if (!built) claim.release();
  return built;
}

bool Interpreter::build_array(const Node& node, Json& out) {
  unique_ = nullptr;
  UniqueKeys keys(run_.allocator());
  out.SetArray();
  auto element = [&](const Node& item, bool iteration) {
    Json child;
    unique_ = node.items_unique ? &keys : nullptr;
    if (iteration ? build_object(item, child) : build(item, child)) out.PushBack(child, run_.allocator());
    unique_ = nullptr;
  };
  for (const auto& item : node.items) {
    if (item->loop) {
      for_each_item(*item, [&] { element(*item, true); });
    } else {
      element(*item, false);
    }
    if (run_.rejected()) return false;
  }
  return !out.Empty();
}

}  // namespace lienthong::mapping
