#include "engine/mapping/interpreter.h"

#include <new>
#include <utility>

#include "engine/mapping/json_source.h"

namespace lienthong::mapping {

bool Interpreter::emit(const Node& node) {
  switch (node.kind) {
    case NodeKind::kLiteral:
      out_.append(node.literal_json);
      return !node.literal_json.empty();
    case NodeKind::kExpression: {
      if (records_ == nullptr) return emit_expression(node, *node.expr);
      run_.start_inputs();
      const bool written = emit_expression(node, *node.expr);
      record(node, written);
      return written;
    }
    case NodeKind::kTemplate: {
      run_.where = &node.source;
      if (records_ != nullptr) run_.start_inputs();
      const std::size_t start = out_.size();
      out_.put('"');
      const bool written = emit_template(node) && !run_.rejected();
      if (written) {
        out_.put('"');
      } else {
        out_.truncate(start);
      }
      if (records_ != nullptr) record(node, written);
      return written;
    }
    case NodeKind::kObject:
      return emit_object(node);
    case NodeKind::kArray:
      return emit_array(node);
    case NodeKind::kInclude:
      bind(*node.include);
      return emit(*node.include->root);
  }
  return false;
}

// `node` is only named (run_.where), not read: a member's expression is
// written without its node (Member::value_expr).
bool Interpreter::emit_expression(const Node& node, const Expr& expr) {
  run_.where = &node.source;
  Value holder;
  return emit_value(evaluate_ref(expr, run_, holder)) && !run_.rejected();
}

void Interpreter::record(const Node& node, bool written) {
  std::vector<std::string> inputs = run_.take_inputs();
  if (!written) return;
  records_->push_back(ExplainRecord{path_, node.source.file ? *node.source.file : std::string(), node.source.json_path,
                                    node.source.text, std::move(inputs)});
}

bool Interpreter::emit_value(const Value& v) {
  switch (v.kind()) {
    case ValueKind::kEmpty:
      return false;
    case ValueKind::kBool:
      out_.append(v.as_bool() ? "true" : "false");
      return true;
    case ValueKind::kNumber:
      return append_json_number(out_, v.as_number());
    case ValueKind::kElement:
    case ValueKind::kText: {
      const std::size_t start = out_.size();
      out_.put('"');
      if (!append_text(v)) {
        out_.truncate(start);
        return false;
      }
      out_.put('"');
      return true;
    }
    case ValueKind::kList: {
      const std::size_t start = out_.size();
      out_.put('[');
      bool any = false;
      for (const Value& item : v.as_list()) {
        const std::size_t before = out_.size();
        if (any) out_.put(',');
        if (emit_value(item)) {
          any = true;
        } else {
          out_.truncate(before);
        }
      }
      return close(start, any, ']');
    }
    case ValueKind::kJson:
      return append_json_value(out_, v.as_json());
  }
  return false;
}

bool Interpreter::close(std::size_t start, bool any, char bracket) {
  if (!any) {
    out_.truncate(start);
    return false;
  }
  out_.put(bracket);
  return true;
}

bool Interpreter::append_text(const Value& v) {
  std::string_view t;
  if (v.kind() == ValueKind::kText && v.is_plain_text()) {
    t = v.as_text();
  } else if (v.kind() == ValueKind::kElement && plain_element_text(v.as_element(), t)) {
    run_.note(v);
  } else {
    t = run_.text(v, scratch_);
    append_json_escaped(out_, t);
    return !t.empty();
  }
  out_.append(t);
  return !t.empty();
}

// The pieces escaped straight into the output (the caller writes the quotes).
bool Interpreter::emit_template(const Node& node) {
  for (const TemplatePiece& piece : node.pieces) {
    if (!piece.expr) {
      out_.append(piece.json);
      continue;
    }
    Value holder;
    if (!append_text(evaluate_ref(*piece.expr, run_, holder))) return false;
  }
  return true;
}

bool Interpreter::emit_object(const Node& node) {
  UniqueKeys* keys = std::exchange(unique_, nullptr);
  KeyClaim claim;
  if (!prepare_and_claim(node, keys, claim)) return false;
  if (node.value) {
    // An included file's object standing for this element may carry the key instead.
    unique_ = node.unique ? nullptr : keys;
    const bool written = emit(*node.value);
    unique_ = nullptr;
    if (!written) claim.release();
    return written;
  }
  if (!emit_members(node)) {
    claim.release();
    return false;
  }
  return true;
}

bool Interpreter::emit_members(const Node& node) {
  const std::size_t start = out_.size();
  out_.put('{');
  bool any = false;
  // Plan nodes are rarely in cache: asking for all the members' nodes first
  // overlaps their misses (the same for items and steps below).
  for (const Member& m : node.members) __builtin_prefetch(m.value_expr != nullptr ? static_cast<const void*>(m.value_expr) : m.value);
  for (const Member& m : node.members) {
    const std::size_t before = out_.size();
    std::size_t mark = 0;
    if (records_ != nullptr) {
      mark = path_.size();
      path_ = json_path_key(path_, m.key);
    }
    if (any) out_.put(',');
    out_.append(m.json_key);
    if (m.value_expr != nullptr && records_ == nullptr ? emit_expression(*m.value, *m.value_expr) : emit(*m.value)) {
      any = true;
    } else {
      out_.truncate(before);
    }
    if (records_ != nullptr) path_.resize(mark);
    if (run_.rejected()) return false;
  }
  return close(start, any, '}');
}

bool Interpreter::emit_array(const Node& node) {
  unique_ = nullptr;
  UniqueKeys keys(run_.allocator());  // allocates only on the first key
  const std::size_t start = out_.size();
  out_.put('[');
  std::size_t count = 0;
  // One element: an iteration of a $for, or a plain item.
  auto element = [&](const Node& item, bool iteration) {
    const std::size_t before = out_.size();
    std::size_t mark = 0;
    if (records_ != nullptr) {
      mark = path_.size();
      path_ = json_path_index(path_, count);
    }
    if (count > 0) out_.put(',');
    unique_ = node.items_unique ? &keys : nullptr;
    if (iteration ? emit_object(item) : emit(item)) {
      ++count;
    } else {
      out_.truncate(before);
    }
    unique_ = nullptr;
    if (records_ != nullptr) path_.resize(mark);
  };
  for (const auto& item : node.items) __builtin_prefetch(item.get());
  for (const auto& item : node.items) {
    if (item->loop) {
      for_each_item(*item, [&] { element(*item, true); });
    } else {
      element(*item, false);
    }
    if (run_.rejected()) return false;
  }
  return close(start, count > 0, ']');
}

bool Interpreter::prepare_and_claim(const Node& node, UniqueKeys* keys, KeyClaim& claim) {
  if (const StepOrder* order = node.order.get()) {
    // The steps that decide first; the rest only for an object that is written.
    return run_ops(order->early) && claim_key(node, keys, claim) && run_ops(order->late);
  }
  return prepare(node) && claim_key(node, keys, claim);
}

bool Interpreter::run_ops(const std::vector<StepOp>& ops) {
  for (const StepOp& op : ops) __builtin_prefetch(op.step);
  for (const StepOp& op : ops) {
    if (op.step == nullptr) {
      bind(*op.use);
      continue;
    }
    if (!run_step(*op.step)) return false;
  }
  return true;
}

bool Interpreter::run_step(const Step& step) {
  if (step.kind == Step::Kind::kLet) {
    // Computed straight into the slot: nothing a binding computes reads its
    // own slot (a $let cannot refer to itself), and a copy of a value just
    // written stalls the processor (see Value::element_made).
    if (step.value_expr != nullptr) {
      run_.where = &step.value->source;  // binding() without reading the node
      new (&run_.slots[step.slot]) Value(evaluate(*step.value_expr, run_));
    } else {
      new (&run_.slots[step.slot]) Value(binding(*step.value));
    }
  } else {
    run_.where = &step.source;
    Value holder;
    if (!is_truthy(evaluate_ref(*step.condition, run_, holder))) return false;
  }
  return !run_.rejected();
}

bool Interpreter::prepare(const Node& node) {
  if (!apply_steps(node)) return false;
  if (!node.include) return true;
  bind(*node.include);
  return prepare(*node.include->root);
}

bool Interpreter::apply_steps(const Node& node) {
  for (const Step& step : node.steps) {
    const void* next = step.value_expr;
    if (next == nullptr) next = step.kind == Step::Kind::kLet ? static_cast<const void*>(step.value.get())
                                                              : static_cast<const void*>(step.condition.get());
    __builtin_prefetch(next);
  }
  for (const Step& step : node.steps) {
    if (!run_step(step)) return false;
  }
  return true;
}

bool Interpreter::claim_key_slow(const Node& key, UniqueKeys& keys, KeyClaim& claim) {
  run_.where = &key.source;
  std::string_view text;
  Value holder;
  if (key.kind == NodeKind::kTemplate) {
    if (template_text(key)) text = text_;
  } else {
    text = run_.text(evaluate_ref(*key.expr, run_, holder), scratch_);
  }
  if (run_.rejected()) return false;
  if (text.empty()) return true;  // no key: always written
  if (keys.find(text) != nullptr) return false;
  // The text may be in a scratch buffer: the table keeps a copy in the pool.
  claim.keys = &keys;
  claim.key = run_.store(text);
  keys.insert(claim.key);
  return true;
}

void Interpreter::narrow_span(std::size_t first, const Loop& loop) {
  // From the item's segment up to the next one with the same id or an id of
  // $until, within the enclosing span (or the message, for an item found by /PATH).
  const bool inside = first >= run_.span_begin && first < run_.span_end;
  const std::size_t bound = inside ? run_.span_end : run_.segment_count();
  const std::uint32_t id = run_.segment_id(first);
  std::size_t end = first + 1;
  for (; end < bound; ++end) {
    const std::uint32_t next = run_.segment_id(end);
    if (next == id) break;
    bool stop = false;
    for (std::uint32_t u : loop.until) stop = stop || u == next;
    if (stop) break;
  }
  run_.span_begin = first;
  run_.span_end = end;
}

bool Interpreter::template_text(const Node& node) {
  text_.clear();
  for (const TemplatePiece& piece : node.pieces) {
    if (!piece.expr) {
      text_ += piece.text;
      continue;
    }
    Value holder;
    const std::string_view t = run_.text(evaluate_ref(*piece.expr, run_, holder), scratch_);
    if (t.empty()) return false;
    text_ += t;
  }
  return !text_.empty();
}

// A $let value: expressions keep their type (element references stay
// references); skeletons become JSON trees in the run's memory.
Value Interpreter::binding(const Node& node) {
  switch (node.kind) {
    case NodeKind::kLiteral:
      return node.literal;
    case NodeKind::kExpression:
      run_.where = &node.source;
      return evaluate(*node.expr, run_);
    case NodeKind::kTemplate:
      run_.where = &node.source;
      return template_text(node) ? run_.text_value(text_) : Value();
    case NodeKind::kObject:
      if (node.value && node.value->kind == NodeKind::kExpression && node.unique == nullptr) {
        // {"$if": ..., "$value": expr}: the expression's value as it is, so a
        // chosen element keeps its components (`chosen.1`) instead of becoming
        // its text, and no JSON is built for a value that is only read.
        UniqueKeys* keys = std::exchange(unique_, nullptr);
        KeyClaim claim;
        if (!prepare_and_claim(node, keys, claim)) return Value();
        run_.where = &node.value->source;
        return evaluate(*node.value->expr, run_);
      }
      if (node.value && node.value->kind == NodeKind::kInclude && node.unique == nullptr) {
        // {"$include": FILE}, perhaps with $if or $let: the file's value, run once per input.
        UniqueKeys* keys = std::exchange(unique_, nullptr);
        KeyClaim claim;
        if (!prepare_and_claim(node, keys, claim)) return Value();
        return included_value(*node.value->include);
      }
      [[fallthrough]];
    default: {
      Json built;
      if (!build(node, built)) return Value();
      return Value::json(run_.keep(std::move(built)));
    }
  }
}

Value Interpreter::included_value(const IncludeUse& use) {
  // The parameters as the place has them, before the file's own bindings can
  // change anything (a file with more than a few is run without the memo).
  constexpr std::size_t kMostParameters = 8;
  Value parameters[kMostParameters];
  const std::size_t count = use.bindings.size();
  // With explain every run of the file is made, so that each names its inputs;
  // a private copy reads the place's names, not parameters: nothing keys it.
  const bool memo = count <= kMostParameters && records_ == nullptr && !use.private_copy;
  IncludeMemo& includes = run_.buffers().includes;
  if (memo) {
    for (std::size_t i = 0; i < count; ++i) parameters[i] = run_.slots[use.bindings[i].second];
    const std::span<const Value> key(parameters, count);
    if (const Value* known = includes.find(use.file, use.reads, run_.span_begin, run_.span_end, key)) return *known;
  }
  bind(use);
  Value result;
  const Node& root = *use.root;
  if (root.kind == NodeKind::kObject && root.value && root.value->kind == NodeKind::kExpression &&
      root.unique == nullptr) {
    // A file whose value is an expression gives that value as it is (an
    // element keeps its components, a segment its place), like a $let's
    // {"$if": ..., "$value": expr}.
    KeyClaim claim;
    if (prepare_and_claim(root, nullptr, claim)) {
      run_.where = &root.value->source;
      result = evaluate(*root.value->expr, run_);
    }
  } else {
    Json built;
    if (build(root, built)) result = Value::json(run_.keep(std::move(built)));
  }
  if (memo && !run_.rejected()) {
    includes.add(use.file, use.reads, run_.span_begin, run_.span_end, std::span<const Value>(parameters, count),
                 result);
  }
  return result;
}

}  // namespace lienthong::mapping
