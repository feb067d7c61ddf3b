#include "adapters/file/file_destination_type.h"

#include "adapters/file/file_destination.h"

namespace lienthong::adapters::file {

core::DestinationType file_destination_type() {
  core::DestinationType type;
  type.accepts = {core::kContentFhirJson, core::kContentHl7v2};
  type.parse = [](const core::ConfigObject& object) -> std::any { return read_file_destination_config(object); };
  type.create = [](boost::asio::io_context&, const std::string& name,
                   const std::any& settings) -> std::unique_ptr<core::Destination> {
    return std::make_unique<FileDestination>(name, std::any_cast<const FileDestinationConfig&>(settings));
  };
  return type;
}

}  // namespace lienthong::adapters::file
