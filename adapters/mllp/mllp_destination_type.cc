#include "adapters/mllp/mllp_destination_type.h"

#include "adapters/mllp/mllp_core_log.h"
#include "adapters/mllp/mllp_destination.h"

namespace lienthong::adapters::mllp {

core::DestinationType mllp_destination_type() {
  core::DestinationType type;
  type.accepts = {core::kContentHl7v2};
  type.parse = [](const core::ConfigObject& object) -> std::any { return read_mllp_destination_config(object); };
  type.create = [](boost::asio::io_context&, const std::string& name,
                   const std::any& settings) -> std::unique_ptr<core::Destination> {
    return std::make_unique<MllpDestination>(name, std::any_cast<const MllpDestinationConfig&>(settings),
                                             log_to_core);
  };
  return type;
}

}  // namespace lienthong::adapters::mllp
