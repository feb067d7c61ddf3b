#include "adapters/http/fhir_destination.h"

#include <atomic>
#include <stdexcept>

#include <boost/beast/http/field.hpp>
#include <boost/beast/http/verb.hpp>

#include "adapters/http/connection_pool.h"
#include "adapters/http/fhir_requests.h"
#include "adapters/http/http_verdict.h"

namespace lienthong::adapters::http {

struct FhirDestination::Shared {
  std::string name;
  FhirMode mode = FhirMode::kTransaction;
  std::shared_ptr<const HttpTarget> target;
  HttpRequest headers;  // every request starts as a copy of this one
  std::unique_ptr<ConnectionPool> pool;
  std::atomic<bool> shut_down{false};
};

namespace {

using core::DeliveryResult;
using core::Verdict;

DeliveryResult shutting_down() { return DeliveryResult{Verdict::kRetry, "shutting down", std::nullopt}; }

std::shared_ptr<boost::asio::ssl::context> make_tls_context(const FhirDestinationConfig& config) {
  namespace ssl = boost::asio::ssl;
  auto context = std::make_shared<ssl::context>(ssl::context::tls_client);
  context->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                       ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
  boost::system::error_code ec;
  if (config.ca_file.empty()) {
    context->set_default_verify_paths(ec);
    if (ec) throw std::runtime_error("cannot load the system's CA certificates: " + ec.message());
  } else {
    context->load_verify_file(config.ca_file, ec);
    if (ec) throw std::runtime_error("ca_file \"" + config.ca_file + "\": " + ec.message());
  }
  context->set_verify_mode(config.tls_verify ? ssl::verify_peer : ssl::verify_none);
  return context;
}

// One item on its way: its requests, sent one after the other.
class Exchange : public std::enable_shared_from_this<Exchange> {
 public:
  Exchange(std::shared_ptr<FhirDestination::Shared> shared, std::vector<FhirRequest> requests,
           core::DeliveryCallback done)
      : shared_(std::move(shared)),
        requests_(std::move(requests)),
        locations_(known_locations(requests_)),
        done_(std::move(done)) {}

  void run_next() {
    if (next_ == requests_.size()) {
      if (requests_.empty()) return finish({Verdict::kOk, "no entries to send", std::nullopt});
      std::string detail = "HTTP " + std::to_string(last_status_);
      if (requests_.size() > 1) detail += " (" + std::to_string(requests_.size()) + " requests)";
      return finish({Verdict::kOk, std::move(detail), std::nullopt});
    }
    if (shared_->shut_down) return finish(shutting_down());
    shared_->pool->acquire([self = shared_from_this()](std::shared_ptr<HttpConnection> connection) {
      if (!connection) return self->finish(shutting_down());
      self->send_on(std::move(connection));
    });
  }

 private:
  void send_on(std::shared_ptr<HttpConnection> connection) {
    // Each request is sent once per exchange (a retry is a new deliver()), so its
    // body moves into the request; learn_location() reads only its full_url.
    FhirRequest& r = requests_[next_];
    auto request = std::make_shared<HttpRequest>(shared_->headers);
    request->method(beast_http::string_to_verb(r.method));
    request->target(shared_->target->url.target(r.relative));
    if (!r.body.empty()) {
      request->set(beast_http::field::content_type, "application/fhir+json; charset=utf-8");
      request->body() =
          shared_->mode == FhirMode::kResources ? with_resolved_references(r.body, locations_) : std::move(r.body);
    }
    request->prepare_payload();
    connection->send(std::move(request), [self = shared_from_this(), connection](HttpOutcome outcome) {
      self->shared_->pool->release(connection, outcome.reusable);
      self->on_outcome(std::move(outcome));
    });
  }

  void on_outcome(HttpOutcome outcome) {
    if (outcome.cancelled) return finish(shutting_down());
    const bool transaction = shared_->mode == FhirMode::kTransaction;
    const std::string prefix = transaction ? "" : requests_[next_].label + ": ";
    if (!outcome.ok) return finish({Verdict::kRetry, prefix + outcome.failure, std::nullopt});
    const HttpResponse& response = outcome.response;
    HttpAnswer answer;
    answer.status = static_cast<int>(response.result_int());
    if (auto it = response.find(beast_http::field::retry_after); it != response.end()) {
      answer.retry_after = std::string_view(it->value().data(), it->value().size());
    }
    answer.body = response.body();
    DeliveryResult result = classify_answer(answer, transaction, std::chrono::system_clock::now());
    if (result.verdict != Verdict::kOk) {
      result.detail = prefix + result.detail;
      return finish(std::move(result));
    }
    last_status_ = answer.status;
    if (!transaction) learn_location(response);
    ++next_;
    run_next();
  }

  // Where the entry just written went, for the references of the entries after it.
  void learn_location(const HttpResponse& response) {
    const std::string& full_url = requests_[next_].full_url;
    if (full_url.rfind("urn:", 0) != 0) return;
    auto header = response.find(beast_http::field::location);
    if (header == response.end()) header = response.find(beast_http::field::content_location);
    const std::string_view location =
        header == response.end() ? std::string_view() : std::string_view(header->value().data(), header->value().size());
    if (std::optional<std::string> where = answer_location(location, response.body())) locations_[full_url] = *where;
  }

  void finish(DeliveryResult result) {
    core::DeliveryCallback done = std::move(done_);
    done_ = nullptr;
    if (done) done(std::move(result));
  }

  std::shared_ptr<FhirDestination::Shared> shared_;
  std::vector<FhirRequest> requests_;
  EntryLocations locations_;  // resources mode: fullUrl -> "Type/id" of entries
  std::size_t next_ = 0;
  int last_status_ = 0;
  core::DeliveryCallback done_;
};

}  // namespace

FhirDestination::FhirDestination(boost::asio::io_context& io, std::string name, const FhirDestinationConfig& config,
                                 HttpLog log)
    : shared_(std::make_shared<Shared>()) {
  shared_->name = std::move(name);
  shared_->mode = config.mode;
  auto target = std::make_shared<HttpTarget>();
  target->url = config.url;
  target->proxy = config.proxy;
  target->proxy_authorization = config.proxy_authorization;
  target->tls_verify = config.tls_verify;
  target->timeout = config.timeout;
  target->connect_timeout = config.connect_timeout;
  if (config.url.tls) target->tls = make_tls_context(config);
  shared_->target = target;

  HttpRequest& h = shared_->headers;
  h.version(11);
  h.set(beast_http::field::host, config.url.host_header());
  h.set(beast_http::field::user_agent, "lienthong");
  h.set(beast_http::field::accept, "application/fhir+json");
  if (!config.authorization.empty()) h.set(beast_http::field::authorization, config.authorization);
  for (const auto& [header, value] : config.headers) h.set(header, value);
  h.keep_alive(true);

  shared_->pool = std::make_unique<ConnectionPool>(io, target, config.max_connections, std::move(log));
}

FhirDestination::~FhirDestination() { shutdown(); }

void FhirDestination::deliver(const core::DeliveryItem& item, core::DeliveryCallback done) {
  if (shared_->shut_down) return done(shutting_down());
  if (item.content_type != core::kContentFhirJson) {
    return done({Verdict::kFail, "content type " + item.content_type + " is not application/fhir+json",
                 std::nullopt});
  }
  Result<std::vector<FhirRequest>> requests = fhir_requests(shared_->mode, item.body);
  if (!requests) return done({Verdict::kFail, requests.error().message, std::nullopt});
  std::make_shared<Exchange>(shared_, std::move(*requests), std::move(done))->run_next();
}

void FhirDestination::shutdown() {
  if (shared_->shut_down.exchange(true)) return;
  shared_->pool->shutdown();
}

std::size_t FhirDestination::connections() const { return shared_->pool->connections(); }

}  // namespace lienthong::adapters::http
