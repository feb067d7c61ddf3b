#include "engine/hl7v2/json_writer.h"

#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <string_view>

namespace lienthong::hl7v2 {
namespace {

template <class Writer>
class MessageJson {
 public:
  explicit MessageJson(Writer& w) : w_(w) {}

  void message(const Message& m) {
    w_.StartObject();
    key("segments");
    w_.StartArray();
    for (std::size_t i = 0; i < m.segment_count(); ++i) segment(m.segment(i));
    w_.EndArray();
    w_.EndObject();
  }

 private:
  void key(std::string_view k) { w_.Key(k.data(), static_cast<rapidjson::SizeType>(k.size())); }
  void string(std::string_view s) { w_.String(s.data(), static_cast<rapidjson::SizeType>(s.size())); }

  // A leaf: its unescaped text, or null for HL7's "".
  void leaf(const Element& e) {
    if (e.is_null()) {
      w_.Null();
      return;
    }
    string(e.text(scratch_));
  }

  void segment(const Segment& s) {
    const bool msh = s.id() == "MSH";
    w_.StartObject();
    key("id");
    string(s.id());
    key("fields");
    w_.StartObject();
    const std::size_t n = s.field_count();
    for (std::size_t f = 1; f <= n; ++f) {
      Element field = s.field(f);
      if (field.empty()) continue;
      std::string name = std::to_string(f);
      key(name);
      if (msh && f <= 2) {
        string(field.raw());  // the delimiters themselves
      } else {
        field_value(field);
      }
    }
    w_.EndObject();
    w_.EndObject();
  }

  void field_value(const Element& field) {
    const std::size_t reps = field.repetition_count();
    if (reps == 1) {
      Element rep = field.repetition(1);
      if (rep.component_count() == 1 && rep.component(1).subcomponent_count() == 1) {
        leaf(rep.component(1).subcomponent(1));
        return;
      }
    }
    w_.StartArray();
    for (std::size_t r = 1; r <= reps; ++r) repetition(field.repetition(r));
    w_.EndArray();
  }

  void repetition(const Element& rep) {
    const std::size_t comps = rep.component_count();
    if (comps == 1 && rep.component(1).subcomponent_count() == 1) {
      leaf(rep.component(1).subcomponent(1));
      return;
    }
    w_.StartArray();
    for (std::size_t c = 1; c <= comps; ++c) component(rep.component(c));
    w_.EndArray();
  }

  void component(const Element& comp) {
    const std::size_t subs = comp.subcomponent_count();
    if (subs == 1) {
      leaf(comp.subcomponent(1));
      return;
    }
    w_.StartArray();
    for (std::size_t s = 1; s <= subs; ++s) leaf(comp.subcomponent(s));
    w_.EndArray();
  }

  Writer& w_;
  std::string scratch_;
};

template <class Writer, class Fn>
std::string write_with(Fn&& fn) {
  rapidjson::StringBuffer buffer;
  Writer writer(buffer);
  fn(writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

template <class Fn>
std::string write(const JsonOptions& options, Fn&& fn) {
  if (options.pretty) {
    return write_with<rapidjson::PrettyWriter<rapidjson::StringBuffer>>([&](auto& w) {
      w.SetIndent(' ', 2);
      fn(w);
    });
  }
  return write_with<rapidjson::Writer<rapidjson::StringBuffer>>(fn);
}

template <class Writer>
void messages_array(Writer& w, const std::vector<Message>& messages) {
  w.StartObject();
  w.Key("messages");
  w.StartArray();
  MessageJson<Writer> out(w);
  for (const Message& m : messages) out.message(m);
  w.EndArray();
  w.EndObject();
}

}  // namespace

std::string to_json(const Message& message, const JsonOptions& options) {
  return write(options, [&](auto& w) { MessageJson<std::remove_reference_t<decltype(w)>>(w).message(message); });
}

std::string to_json(const std::vector<Message>& messages, const JsonOptions& options) {
  return write(options, [&](auto& w) { messages_array(w, messages); });
}

Result<std::string, ParseError> to_json(const BatchFile& batch, const ParseOptions& parse_options,
                                        const JsonOptions& options) {
  std::vector<Message> messages;
  messages.reserve(batch.message_count());
  for (const Batch& b : batch.batches) {
    for (std::string_view bytes : b.messages) {
      auto parsed = parse_view(bytes, parse_options);
      if (!parsed.ok()) {
        ParseError e = parsed.error();
        if (!batch.bytes.empty()) e.offset += offset_in(batch.bytes, bytes);
        return e;
      }
      messages.push_back(std::move(parsed).value());
    }
  }
  return to_json(messages, options);
}

}  // namespace lienthong::hl7v2
