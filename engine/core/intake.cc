#include "engine/core/intake.h"

#include <chrono>
#include <utility>

#include "engine/base/clock.h"
#include "engine/charset/charset.h"
#include "engine/core/log.h"
#include "engine/hl7v2/ack.h"
#include "engine/hl7v2/batch.h"
#include "engine/hl7v2/header.h"
#include "engine/hl7v2/parser.h"

namespace lienthong::core {

namespace {

using hl7v2::AckCode;
using hl7v2::AckOutcome;

AckCode code_for(AckMode mode, const hl7v2::MshHeader& header, AckOutcome outcome) {
  switch (mode) {
    case AckMode::kOriginal:
      return outcome == AckOutcome::kAccept ? AckCode::kAA : outcome == AckOutcome::kError ? AckCode::kAE : AckCode::kAR;
    case AckMode::kEnhanced:
      return outcome == AckOutcome::kAccept ? AckCode::kCA : outcome == AckOutcome::kError ? AckCode::kCE : AckCode::kCR;
    case AckMode::kAuto:
      break;
  }
  return hl7v2::ack_code_for(header, outcome);
}

std::string base36(std::uint64_t n) {
  const char* digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  std::string out;
  do {
    out.insert(out.begin(), digits[n % 36]);
    n /= 36;
  } while (n != 0);
  return out;
}

// MSH-9.1 / 9.2 from the raw MSH-9 field (component separator from the header).
std::pair<std::string, std::string> split_type(const hl7v2::MshHeader& h) {
  const char sep = h.delimiters.component;
  auto first = h.message_type.find(sep);
  if (first == std::string::npos) return {h.message_type, {}};
  auto second = h.message_type.find(sep, first + 1);
  return {h.message_type.substr(0, first),
          h.message_type.substr(first + 1, second == std::string::npos ? std::string::npos : second - first - 1)};
}

// ACK-5.5: an answer goes back in the charset the message came in. ACKs are
// built from the decoded (UTF-8) header, so a sending application named in
// TCVN3 or VNI would otherwise be echoed in UTF-8, which the sender's software
// cannot read. Our own texts are ASCII, so encoding can only fail on text that
// came from the message itself; then the UTF-8 answer is still better than none.
std::string in_senders_charset(std::string utf8_ack, charset::Charset cs) {
  if (cs == charset::Charset::kUtf8 || cs == charset::Charset::kAscii) return utf8_ack;
  auto encoded = charset::from_utf8(utf8_ack, cs);
  return encoded.ok() ? std::move(encoded).value() : utf8_ack;
}

// ERR 207 for a message that was not stored (ACK-5.3); `why` has no patient data.
hl7v2::AckError not_stored(const std::string& why) {
  hl7v2::AckError error;  // code 207, severity E
  error.message = "message not stored: " + why;
  return error;
}

// ACK-6: which of the three answers the sender asked for (MSH-15), when the
// listener honours it; decided once from the header so the store's callbacks
// need not keep it.
struct AnswersWanted {
  bool accept = true;
  bool error = true;
  bool reject = true;

  AnswersWanted(const Inbound& in, const hl7v2::MshHeader& header) {
    if (!in.honour_accept_ack) return;
    accept = hl7v2::answer_requested(header, code_for(in.ack_mode, header, AckOutcome::kAccept));
    error = hl7v2::answer_requested(header, code_for(in.ack_mode, header, AckOutcome::kError));
    reject = hl7v2::answer_requested(header, code_for(in.ack_mode, header, AckOutcome::kReject));
  }
};

std::string version_of(const hl7v2::MshHeader& h) {
  auto end = h.version.find(h.delimiters.component);
  return h.version.substr(0, end);
}

}  // namespace

Intake::Intake(store::Store& store) : store_(store) {
  auto start = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch());
  id_prefix_ = "L" + base36(static_cast<std::uint64_t>(start.count())) + "-";
}

std::string Intake::next_control_id() { return id_prefix_ + base36(next_id_.fetch_add(1)); }

Intake::~Intake() {
  // A store callback may still be between its answer and finished(): the
  // owner learned the answer, but `this` is still in use until the count drops.
  std::unique_lock lock(idle_mu_);
  idle_cv_.wait(lock, [this] { return in_flight_.load() == 0; });
}

void Intake::finished() {
  // Decrement under the mutex so that a waiter that sees zero cannot destroy
  // the mutex while this thread is still about to lock it.
  std::lock_guard lock(idle_mu_);
  if (in_flight_.fetch_sub(1) == 1) idle_cv_.notify_all();
}

void Intake::stop() { stopping_ = true; }

void Intake::set_router(std::shared_ptr<const Router> router) { router_.store(std::move(router)); }

bool Intake::wait_idle(std::chrono::milliseconds timeout) {
  std::unique_lock lock(idle_mu_);
  return idle_cv_.wait_for(lock, timeout, [this] { return in_flight_.load() == 0; });
}

IntakeCounters Intake::counters() const {
  IntakeCounters c;
  c.received = received_.load();
  c.accepted = accepted_.load();
  c.rejected = rejected_.load();
  c.duplicates = duplicates_.load();
  c.store_errors = store_errors_.load();
  c.errors = errors_.load();
  c.in_flight = in_flight_.load();
  return c;
}

namespace {

// MSH-7 of an answer in the configured zone (time_zone), not the host's: a container's
// clock is often UTC while the hospital reads its logs in local time.
std::optional<int> zone_offset(const Router* router) {
  if (!router) return std::nullopt;
  return router->mapping_options().zone.offset_at(std::chrono::system_clock::now());
}

}  // namespace

hl7v2::AckOptions Intake::ack_options(const Router* router) {
  hl7v2::AckOptions options;
  options.control_id = next_control_id();
  options.utc_offset_minutes = zone_offset(router);
  return options;
}

std::optional<int> Intake::answer_utc_offset() const { return zone_offset(router_.load().get()); }

void Intake::submit(Inbound in, AnswerCallback done) {
  if (hl7v2::starts_with_envelope(in.bytes)) {
    submit_batch(std::move(in), std::move(done));
    return;
  }
  submit_message(std::move(in), std::move(done), nullptr);
}

void Intake::submit_message(Inbound in, AnswerCallback done, const hl7v2::ParseError* envelope_error) {
  received_.fetch_add(1);
  in_flight_.fetch_add(1);
  if (in.received_at_us == 0) in.received_at_us = unix_now_us();
  // One router for the whole message, even if a reload swaps it meanwhile.
  const std::shared_ptr<const Router> router = router_.load();
  hl7v2::AckOptions ack_options = this->ack_options(router.get());

  if (stopping_.load()) {
    hl7v2::MshHeader header = hl7v2::read_header(in.bytes);
    hl7v2::AckError why = not_stored("the engine is shutting down");
    store_errors_.fetch_add(1);
    done(Answer{hl7v2::build_ack(header, code_for(in.ack_mode, header, AckOutcome::kReject), {why}, ack_options), false,
                AnswersWanted(in, header).reject});
    finished();
    return;
  }

  store::InboundRecord record;
  record.source = in.source;
  record.peer = std::move(in.peer);
  record.received_at_us = in.received_at_us;

  hl7v2::ParseOptions parse_options;
  parse_options.strict = in.strict;
  parse_options.charset = in.encoding;
  auto parsed = envelope_error != nullptr ? Result<hl7v2::Message, hl7v2::ParseError>(*envelope_error)
                                          : hl7v2::parse_view(in.bytes, parse_options);

  hl7v2::MshHeader header;
  std::string accept_ack;
  if (parsed.ok()) {
    header = hl7v2::read_header(*parsed);
    record.encoding = std::string(charset::name(parsed->charset()));
    record.message_type = std::string(parsed->message_code());
    record.trigger_event = std::string(parsed->trigger_event());
    record.version = std::string(parsed->version());
    record.status = "accepted";
    std::optional<std::string> rejected;
    bool no_route = false;
    if (router) {
      Routing routing = router->route(in.source, *parsed, in.bytes);
      record.outbound = std::move(routing.outbound);
      rejected = std::move(routing.rejected);
      no_route = routing.no_route;
    }
    if (rejected) {
      // AE (ACK-5.4): the message is sound but this engine will not take it.
      hl7v2::AckError why;
      why.code = static_cast<int>(no_route ? hl7v2::ErrorCode::kUnsupportedMessageType
                                           : hl7v2::ErrorCode::kApplicationInternal);
      why.message = *rejected;
      record.status = "error";
      record.error = std::move(*rejected);
      record.ack = in_senders_charset(
          hl7v2::build_ack(header, code_for(in.ack_mode, header, AckOutcome::kError), {why}, ack_options),
          parsed->charset());
    } else {
      record.ack = in_senders_charset(
          hl7v2::build_ack(header, code_for(in.ack_mode, header, AckOutcome::kAccept), {}, ack_options),
          parsed->charset());
    }
  } else {
    header = hl7v2::read_header(in.bytes);
    auto [type, trigger] = split_type(header);
    record.encoding = in.encoding ? std::string(charset::name(*in.encoding)) : std::string();
    record.message_type = type;
    record.trigger_event = trigger;
    record.version = version_of(header);
    record.status = "rejected";
    record.error = parsed.error().to_string();
    record.ack = hl7v2::build_ack(header, code_for(in.ack_mode, header, AckOutcome::kReject),
                                  {hl7v2::ack_error_from(parsed.error(), in.bytes)}, ack_options);
  }
  const AnswersWanted wanted(in, header);
  record.control_id = header.control_id;
  record.sending_application = header.sending_application;
  record.sending_facility = header.sending_facility;
  record.raw = std::move(in.bytes);  // the parsed view is not used past this point

  if (!parsed.ok()) {
    rejected_.fetch_add(1);
    log::info("intake.rejected", {{"source", record.source}, {"peer", record.peer},
                                  {"control_id", record.control_id}, {"reason", record.error}});
    std::string reject_ack = record.ack;
    store_.append(std::move(record), [this, done = std::move(done), reject_ack = std::move(reject_ack), wanted,
                                      source = in.source](Result<store::Appended> stored) {
      if (!stored.ok()) {
        store_errors_.fetch_add(1);
        log::error("store.append_failed", {{"source", source}, {"status", "rejected"},
                                           {"reason", stored.error().to_string()}});
      }
      done(Answer{reject_ack, false, wanted.reject});
      finished();
    });
    return;
  }

  // What the answer and its log line need after the commit; the record itself
  // goes to the store.
  std::string control_id = record.control_id;
  std::string type = record.message_type + "^" + record.trigger_event;
  std::string accept = record.ack;
  const bool answer_error = record.status == "error";
  const AckMode mode = in.ack_mode;
  const charset::Charset cs = parsed->charset();
  store_.append(std::move(record), [this, done = std::move(done), header = std::move(header), accept = std::move(accept),
                                    ack_options = std::move(ack_options), mode, cs, answer_error, wanted, control_id = std::move(control_id),
                                    type = std::move(type), source = std::move(in.source)](Result<store::Appended> stored) mutable {
    if (!stored.ok()) {
      store_errors_.fetch_add(1);
      log::error("store.append_failed", {{"source", source}, {"control_id", control_id},
                                         {"reason", stored.error().to_string()}});
      hl7v2::AckError why = not_stored(stored.error().message);
      done(Answer{in_senders_charset(
                      hl7v2::build_ack(header, code_for(mode, header, AckOutcome::kReject), {why}, ack_options), cs),
                  false, wanted.reject});
    } else if (answer_error) {
      errors_.fetch_add(1);
      log::info("intake.error", {{"source", source}, {"control_id", control_id}, {"type", type}, {"id", stored->id}});
      done(Answer{std::move(accept), false, wanted.error});
    } else if (stored->duplicate) {
      duplicates_.fetch_add(1);
      accepted_.fetch_add(1);
      log::info("intake.duplicate", {{"source", source}, {"control_id", control_id}, {"type", type},
                                     {"original_id", stored->id}});
      done(Answer{stored->ack.empty() ? std::move(accept) : std::move(stored->ack), true, wanted.accept});
    } else {
      accepted_.fetch_add(1);
      // Every accepted message passes here on the store's answering thread: build the
      // fields only when the line will be printed.
      if (log::enabled(log::Level::kDebug)) {
        log::debug("intake.accepted", {{"source", source}, {"control_id", control_id},
                                       {"type", type}, {"id", stored->id}});
      }
      if (!stored->items.empty() && item_sink_) item_sink_(std::move(stored->items));
      done(Answer{std::move(accept), true, wanted.accept});
    }
    finished();
  });
}

}  // namespace lienthong::core
