#pragma once

#include <string>

#include <simdjson.h>

#include "connector/source_offsets.h"

namespace sluice {

// Source positions as JSON in the files sluice keeps beside its output (spill manifests, file
// sink commit logs): {"<topic>": {"<partition>": <next offset>, ...}, ...}.
void AppendSourceOffsetsJson(const SourceOffsets& offsets, std::string& out);
// False when `object` is not of that shape (a damaged file).
bool ReadSourceOffsetsJson(simdjson::dom::object object, SourceOffsets& out);

}  // namespace sluice
