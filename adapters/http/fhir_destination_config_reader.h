// Reading a "fhir" destination's own keys (kFhirDestinationKeys) from one object
// of the configuration's "destinations". Mistakes are recorded in the
// ConfigObject's document with file and JSON path; the core's loader reports
// unknown keys of the destination object afterwards (ConfigObject::finish), this
// reader reports those of the nested "auth" object and "headers" entries.
//
// Secrets come only from environment variables, read here (parse time): a
// missing or empty variable is an error naming the variable, never its value.
//
// Thread-safety: start-up only, like ConfigObject (reads the environment).
#pragma once

#include "adapters/http/fhir_destination_config.h"
#include "engine/core/config_reader.h"

namespace lienthong::adapters::http {

// Reads every key of kFhirDestinationKeys. Values in error keep their defaults.
FhirDestinationConfig read_fhir_destination_config(const core::ConfigObject& object);

}  // namespace lienthong::adapters::http
