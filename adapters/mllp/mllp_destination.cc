#include "adapters/mllp/mllp_destination.h"

#include <algorithm>
#include <utility>

#include "engine/base/thread_name.h"
#include "engine/hl7v2/parser.h"

namespace lienthong::adapters::mllp {
namespace {

constexpr std::size_t kMaxErrorText = 300;

core::DeliveryResult answer(core::Verdict verdict, std::string detail) {
  core::DeliveryResult result;
  result.verdict = verdict;
  result.detail = std::move(detail);
  return result;
}

core::DeliveryResult shutting_down() { return answer(core::Verdict::kRetry, "shutting down"); }

std::string trimmed(std::string_view text) {
  const auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  if (text.size() > kMaxErrorText) {
    std::size_t cut = kMaxErrorText;
    // Never end inside a UTF-8 sequence: back up over continuation bytes.
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
    text = text.substr(0, cut);
  }
  return std::string(text);
}

core::Verdict by_policy(NegativeAckPolicy policy) {
  return policy == NegativeAckPolicy::kRetry ? core::Verdict::kRetry : core::Verdict::kFail;
}

}  // namespace

std::string ack_error_text(const std::string& ack) {
  auto parsed = hl7v2::parse(ack);
  if (!parsed.ok()) return {};
  if (auto err = parsed->find("ERR")) {
    const hl7v2::Element code = err->field(3);  // CWE: identifier ^ text
    const hl7v2::Element old_location = err->field(1).component(4);  // before 2.5: CE code & text
    for (const hl7v2::Element& candidate :
         {err->field(8), code.component(2), code.component(1), old_location.subcomponent(2),
          old_location.subcomponent(1)}) {
      std::string text = trimmed(candidate.text());
      if (!text.empty()) return text;
    }
  }
  if (auto msa = parsed->find("MSA")) return trimmed(msa->field(3).text());
  return {};
}

core::DeliveryResult verdict_for(const Result<SentAck, SendError>& outcome, const MllpDestinationConfig& config) {
  if (!outcome.ok()) {
    const SendError& error = outcome.error();
    switch (error.kind) {
      case SendError::Kind::kConnect: return answer(core::Verdict::kRetry, "connect: " + error.message);
      case SendError::Kind::kTimeout: return answer(core::Verdict::kRetry, "timeout: " + error.message);
      case SendError::Kind::kConnectionLost: return answer(core::Verdict::kRetry, "connection: " + error.message);
      case SendError::Kind::kBadMessage: return answer(core::Verdict::kFail, error.message);
    }
    return answer(core::Verdict::kRetry, error.message);
  }
  const SentAck& ack = *outcome;
  if (ack.code == "AA" || ack.code == "CA") return answer(core::Verdict::kOk, ack.code);
  const bool error = ack.code == "AE" || ack.code == "CE";
  const bool reject = ack.code == "AR" || ack.code == "CR";
  if (!error && !reject) {
    // Not an acknowledgment code HL7 defines: the peer is confused, not refusing.
    return answer(core::Verdict::kRetry, "ACK code \"" + trimmed(ack.code).substr(0, 10) + "\"");
  }
  const std::string text = ack_error_text(ack.raw);
  return answer(by_policy(error ? config.on_ae : config.on_ar), text.empty() ? ack.code : ack.code + ": " + text);
}

MllpDestination::MllpDestination(std::string name, MllpDestinationConfig config, LogFn log)
    : name_(std::move(name)), config_(std::move(config)) {
  MllpSenderConfig sender;
  sender.host = config_.host;
  sender.port = config_.port;
  sender.connect_timeout = config_.connect_timeout;
  sender.ack_timeout = config_.ack_timeout;
  sender.max_attempts = 1;  // the delivery scheduler owns retries and their backoff
  workers_.resize(std::max<std::size_t>(config_.connections, 1));
  for (auto& worker : workers_) worker.sender = std::make_unique<MllpSender>(sender, log);
  // Threads start only when every sender exists: a worker never sees a half-built vector.
  for (auto& worker : workers_) {
    worker.thread = std::thread([this, s = worker.sender.get()] { run(*s); });
    name_thread(worker.thread, "lt-mllp-out");
  }
}

MllpDestination::~MllpDestination() { shutdown(); }

void MllpDestination::deliver(const core::DeliveryItem& item, core::DeliveryCallback done) {
  if (item.content_type != core::kContentHl7v2) {
    done(answer(core::Verdict::kFail, "content type " + item.content_type + " not accepted"));
    return;
  }
  {
    std::lock_guard lock(mutex_);
    if (!stopping_) {
      queue_.push_back({item.body, std::move(done)});
      wake_.notify_one();
      return;
    }
  }
  done(shutting_down());
}

void MllpDestination::shutdown() {
  std::deque<Job> waiting;
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    waiting.swap(queue_);
  }
  wake_.notify_all();
  for (auto& worker : workers_) worker.sender->cancel();
  for (auto& job : waiting) job.done(shutting_down());
  // A callback calling shutdown() runs on a worker, which cannot join itself (and
  // joining the others from there could wait on one doing the same): the destructor,
  // which runs elsewhere, joins them all.
  if (on_worker_thread()) return;
  std::lock_guard lock(join_mutex_);
  for (auto& worker : workers_) {
    if (worker.thread.joinable()) worker.thread.join();
  }
}

bool MllpDestination::on_worker_thread() const {
  const auto self = std::this_thread::get_id();
  return std::any_of(workers_.begin(), workers_.end(),
                     [&](const Worker& worker) { return worker.thread.get_id() == self; });
}

void MllpDestination::run(MllpSender& sender) {
  while (true) {
    Job job;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;  // shutdown() answers what is still queued
      job = std::move(queue_.front());
      queue_.pop_front();
    }
    auto outcome = sender.send(job.body);
    core::DeliveryResult result = verdict_for(outcome, config_);
    if (!outcome.ok()) {
      std::lock_guard lock(mutex_);
      if (stopping_) result = shutting_down();  // cancelled, or failed while stopping
    }
    job.done(std::move(result));
  }
}

}  // namespace lienthong::adapters::mllp
