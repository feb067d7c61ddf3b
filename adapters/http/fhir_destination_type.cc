#include "adapters/http/fhir_destination_type.h"

#include <stdexcept>

#include "adapters/http/fhir_destination.h"
#include "adapters/http/fhir_destination_config_reader.h"
#include "engine/core/log.h"

namespace lienthong::adapters::http {

core::DestinationType fhir_destination_type() {
  core::DestinationType type;
  type.accepts = {core::kContentFhirJson};
  type.parse = [](const core::ConfigObject& object) -> std::any { return read_fhir_destination_config(object); };
  type.create = [](boost::asio::io_context& io, const std::string& name,
                   const std::any& settings) -> std::unique_ptr<core::Destination> {
    const auto& config = std::any_cast<const FhirDestinationConfig&>(settings);
    HttpLog log = [name](std::string_view event, const std::string& fields) {
      if (!core::log::enabled(core::log::Level::kDebug)) return;
      core::log::debug(event, {core::log::Field("destination", name), core::log::Field("detail", fields)});
    };
    try {
      return std::make_unique<FhirDestination>(io, name, config, std::move(log));
    } catch (const std::runtime_error& e) {
      throw std::runtime_error("destination " + name + ": " + e.what());
    }
  };
  return type;
}

}  // namespace lienthong::adapters::http
