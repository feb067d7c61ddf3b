#include "engine/mapping/run.h"

#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "engine/mapping/evaluate.h"
#include "engine/mapping/json_source.h"
#include "engine/mapping/json_text.h"
#include "engine/mapping/plan_nodes.h"
#include "engine/mapping/run_state.h"

namespace lienthong::mapping {
namespace {

using Json = rapidjson::Value;

// Walks the plan once, appending compact JSON to `out_` as it goes. Every emit
// returns whether it wrote something non-empty; what turns out empty is cut
// back off the end (MAP-1.6), so pruning needs no tree and no second pass.
class Interpreter {
 public:
  Interpreter(RunState& run, JsonBuffer& out, std::vector<ExplainRecord>* records)
      : run_(run), out_(out), records_(records) {}

  bool emit(const Node& node) {
    switch (node.kind) {
      case NodeKind::kLiteral:
        out_.append(node.literal_json);
        return !node.literal_json.empty();
      case NodeKind::kExpression: {
        run_.where = &node.source;
        run_.start_inputs();
        const bool written = emit_value(evaluate(*node.expr, run_)) && !run_.rejected();
        record(node, written);
        return written;
      }
      case NodeKind::kTemplate: {
        run_.where = &node.source;
        run_.start_inputs();
        const bool written = emit_template(node) && !run_.rejected();
        record(node, written);
        return written;
      }
      case NodeKind::kObject:
        return emit_object(node);
      case NodeKind::kArray:
        return emit_array(node);
    }
    return false;
  }

 private:
  void record(const Node& node, bool written) {
    if (records_ == nullptr) return;
    std::vector<std::string> inputs = run_.take_inputs();
    if (!written || building_binding_ > 0) return;
    records_->push_back(ExplainRecord{path_, node.source.file ? *node.source.file : std::string(),
                                      node.source.json_path, node.source.text, std::move(inputs)});
  }

  bool emit_value(const Value& v) {
    switch (v.kind()) {
      case ValueKind::kEmpty:
        return false;
      case ValueKind::kBool:
        out_.append(v.as_bool() ? "true" : "false");
        return true;
      case ValueKind::kNumber:
        return append_json_number(out_, v.as_number());
      case ValueKind::kText:
      case ValueKind::kElement: {
        const std::string_view t = run_.text(v, scratch_);
        if (t.empty()) return false;
        append_json_string(out_, t);
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

  // Ends a container opened at `start`: closed when it has something, else removed.
  bool close(std::size_t start, bool any, char bracket) {
    if (!any) {
      out_.truncate(start);
      return false;
    }
    out_.put(bracket);
    return true;
  }

  // MAP-1.3: any empty expression empties the whole string.
  bool emit_template(const Node& node) {
    const std::size_t start = out_.size();
    out_.put('"');
    for (const TemplatePiece& piece : node.pieces) {
      if (!piece.expr) {
        append_json_escaped(out_, piece.text);
        continue;
      }
      const Value v = evaluate(*piece.expr, run_);
      const std::string_view t = run_.text(v, scratch_);
      if (t.empty()) {
        out_.truncate(start);
        return false;
      }
      append_json_escaped(out_, t);
    }
    out_.put('"');
    return true;
  }

  // One output of an object node: $let and $if in order, then $value or the members.
  bool emit_object(const Node& node) {
    for (const Step& step : node.steps) {
      if (step.kind == Step::Kind::kLet) {
        run_.slots[step.slot] = binding(*step.value);
      } else {
        run_.where = &step.source;
        if (!is_truthy(evaluate(*step.condition, run_))) return false;
      }
      if (run_.rejected()) return false;
    }
    if (node.value) return emit(*node.value);
    const std::size_t start = out_.size();
    out_.put('{');
    bool any = false;
    for (const Member& m : node.members) {
      const std::size_t before = out_.size();
      const std::size_t mark = path_.size();
      if (records_ != nullptr) path_ = json_path_key(path_, m.key);
      if (any) out_.put(',');
      out_.append(m.json_key);
      if (emit(*m.value)) {
        any = true;
      } else {
        out_.truncate(before);
      }
      path_.resize(mark);
      if (run_.rejected()) return false;
    }
    return close(start, any, '}');
  }

  bool emit_array(const Node& node) {
    const std::size_t start = out_.size();
    out_.put('[');
    std::size_t count = 0;
    for (const auto& item : node.items) {
      if (item->loop) {
        emit_loop(*item, count);
      } else {
        push_item(*item, count, false);
      }
      if (run_.rejected()) return false;
    }
    return close(start, count > 0, ']');
  }

  void push_item(const Node& node, std::size_t& count, bool iteration) {
    const std::size_t before = out_.size();
    const std::size_t mark = path_.size();
    if (records_ != nullptr) path_ = json_path_index(path_, count);
    if (count > 0) out_.put(',');
    const bool written = iteration ? emit_object(node) : emit(node);
    if (written) {
      ++count;
    } else {
      out_.truncate(before);
    }
    path_.resize(mark);
  }

  // MAP-2 $for: one element per item; a segment item narrows the span (MAP-4.3).
  void emit_loop(const Node& node, std::size_t& count) {
    const Loop& loop = *node.loop;
    run_.where = &loop.source;
    const Value items = evaluate(*loop.items, run_);
    if (run_.rejected()) return;
    auto each = [&](const Value& item) {
      if (is_empty(item)) return;
      const std::size_t saved_begin = run_.span_begin, saved_end = run_.span_end;
      if (item.kind() == ValueKind::kElement && item.as_element().is_segment()) {
        narrow_span(item.as_element().segment, loop);
      }
      run_.slots[loop.slot] = item;
      push_item(node, count, true);
      run_.span_begin = saved_begin;
      run_.span_end = saved_end;
    };
    if (items.kind() == ValueKind::kList) {
      for (const Value& item : items.as_list()) {
        each(item);
        if (run_.rejected()) return;
      }
    } else if (items.kind() == ValueKind::kJson && items.as_json().IsArray()) {
      for (const Json& item : items.as_json().GetArray()) {
        each(Value::json(&item));
        if (run_.rejected()) return;
      }
    } else {
      each(items);
    }
  }

  // From the item's segment up to the next one with the same id or an id of
  // $until, within the enclosing span (or the message, for an item found by /PATH).
  void narrow_span(std::size_t first, const Loop& loop) {
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

  // A $let value: expressions keep their type (element references stay
  // references); a skeleton is written out once and read back as a JSON value
  // in the run's memory, so `.key` can reach into it.
  Value binding(const Node& node) {
    switch (node.kind) {
      case NodeKind::kLiteral:
        return node.literal;
      case NodeKind::kExpression:
        run_.where = &node.source;
        return evaluate(*node.expr, run_);
      default:
        break;
    }
    const std::size_t start = out_.size();
    ++building_binding_;
    const bool written = emit(node);
    --building_binding_;
    if (!written) return Value();
    const std::string text(out_.view(start));
    out_.truncate(start);
    if (node.kind == NodeKind::kTemplate) {
      rapidjson::Document d;
      d.Parse(text.data(), text.size());
      return Value::text(std::string(d.GetString(), d.GetStringLength()));
    }
    rapidjson::GenericDocument<rapidjson::UTF8<>, JsonAllocator> d(&run_.allocator());
    d.Parse(text.data(), text.size());
    return Value::json(run_.keep(std::move(static_cast<Json&>(d))));
  }

  RunState& run_;
  JsonBuffer& out_;
  std::vector<ExplainRecord>* records_;
  std::string path_ = "$";  // the output path, maintained only for explain
  std::string scratch_;
  int building_binding_ = 0;
};

template <class Writer>
void write_explain(Writer& w, const std::vector<ExplainRecord>& records) {
  w.StartArray();
  for (const ExplainRecord& r : records) {
    w.StartObject();
    w.Key("output");
    w.String(r.output_path.data(), static_cast<rapidjson::SizeType>(r.output_path.size()));
    w.Key("mapping");
    w.String(r.mapping_file.data(), static_cast<rapidjson::SizeType>(r.mapping_file.size()));
    w.Key("path");
    w.String(r.mapping_path.data(), static_cast<rapidjson::SizeType>(r.mapping_path.size()));
    w.Key("expression");
    w.String(r.expression.data(), static_cast<rapidjson::SizeType>(r.expression.size()));
    w.Key("inputs");
    w.StartArray();
    for (const std::string& in : r.inputs) w.String(in.data(), static_cast<rapidjson::SizeType>(in.size()));
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
}

}  // namespace

Result<MappingOutput> run(const MappingPlan& plan, const hl7v2::Message& message, const RunOptions& options) {
  // JSON values made during the run ($let skeletons, codings) live here; most
  // runs make few or none, so the first block on the stack is usually enough.
  alignas(8) char first_block[4096];
  JsonAllocator allocator(first_block, sizeof first_block);
  const PlanBody& body = plan.body();
  RunState state(message, body.slot_count, options.zone, allocator, options.explain);
  MappingOutput output;
  JsonBuffer out(message.text().size() * 3 + 256);
  Interpreter interpreter(state, out, options.explain ? &output.explain : nullptr);
  const bool written = interpreter.emit(*body.root);
  if (state.rejected()) return *state.rejection();
  // The root is never pruned (MAP-1.6).
  if (!written) out.append(body.root->kind == NodeKind::kArray ? "[]" : "{}");
  output.json = out.take();
  if (options.pretty) output.json = pretty_json(output.json);
  output.warnings = std::move(state.warnings());
  return output;
}

std::string explain_json(const std::vector<ExplainRecord>& records, bool pretty) {
  rapidjson::StringBuffer buffer;
  if (pretty) {
    rapidjson::PrettyWriter<rapidjson::StringBuffer> writer(buffer);
    writer.SetIndent(' ', 2);
    write_explain(writer, records);
  } else {
    rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
    write_explain(writer, records);
  }
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace lienthong::mapping
