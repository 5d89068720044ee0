#pragma once

#include <simdjson.h>

#include <string>
#include <string_view>

namespace sluice {

// JSON values written back the way Spark's Jackson generator copies them (get_json_object's
// objects and arrays, a JSON value that from_json reads into a STRING field): compact, strings
// re-escaped, an integer as its digits, any other number parsed as a double and written as Java's
// Double.toString (1.5e3 -> 1500.0, 1e10 -> 1.0E10).
void AppendSparkJson(const simdjson::dom::element& value, std::string& out);

// One number token as Jackson copies it: an integer token keeps its digits (a minus zero is 0), a
// token with a fraction or an exponent becomes Java's Double.toString of its value.
void AppendSparkJsonNumber(std::string_view token, std::string& out);

}  // namespace sluice
