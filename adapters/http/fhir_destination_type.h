// The "fhir" destination type for the engine's DestinationRegistry: the CLI
// registers it with one line, registry.add("fhir", adapters::http::fhir_destination_type()).
// accepts application/fhir+json only; parse reads kFhirDestinationKeys
// (fhir_destination_config_reader.h); create builds a FhirDestination (no I/O
// yet) and throws std::runtime_error when its TLS context cannot be made.
// Connection events go to core::log at debug level.
//
// Thread-safety: as core::DestinationType / core::Destination.
#pragma once

#include "engine/core/destination.h"

namespace lienthong::adapters::http {

core::DestinationType fhir_destination_type();

}  // namespace lienthong::adapters::http
