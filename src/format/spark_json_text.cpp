#include "format/spark_json_text.h"

#include <charconv>
#include <cmath>
#include <cstdlib>

#include "format/json_encoder.h"
#include "format/value_text.h"

namespace sluice {
namespace {

// Jackson quotes the doubles JSON has no number for: "Infinity", "-Infinity", "NaN".
void AppendJacksonDouble(double v, std::string& out) {
  const bool finite = std::isfinite(v);
  if (!finite) out.push_back('"');
  AppendDoubleText(v, out);
  if (!finite) out.push_back('"');
}

}  // namespace

// GCC 12 at -O3 cannot see that a parsed element's tape (simdjson's unique_ptr) is set, and
// warns of a null dereference inside simdjson's iterators; the element comes from a successful
// parse, so it is.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnull-dereference"
void AppendSparkJson(const simdjson::dom::element& value, std::string& out) {
  using simdjson::dom::element_type;
  switch (value.type()) {
    case element_type::OBJECT: {
      out.push_back('{');
      bool first = true;
      const simdjson::dom::object object = value.get_object().value_unsafe();
      for (auto field : object) {
        if (!first) out.push_back(',');
        first = false;
        AppendJsonString(field.key, out);
        out.push_back(':');
        AppendSparkJson(field.value, out);
      }
      out.push_back('}');
      return;
    }
    case element_type::ARRAY: {
      out.push_back('[');
      bool first = true;
      const simdjson::dom::array array = value.get_array().value_unsafe();
      for (auto item : array) {
        if (!first) out.push_back(',');
        first = false;
        AppendSparkJson(item, out);
      }
      out.push_back(']');
      return;
    }
    case element_type::STRING:
      AppendJsonString(value.get_string().value_unsafe(), out);
      return;
    case element_type::INT64: {
      char buf[24];
      auto end = std::to_chars(buf, buf + sizeof(buf), value.get_int64().value_unsafe()).ptr;
      out.append(buf, end);
      return;
    }
    case element_type::UINT64: {
      char buf[24];
      auto end = std::to_chars(buf, buf + sizeof(buf), value.get_uint64().value_unsafe()).ptr;
      out.append(buf, end);
      return;
    }
    case element_type::DOUBLE:
      AppendJacksonDouble(value.get_double().value_unsafe(), out);
      return;
    case element_type::BOOL:
      out += value.get_bool().value_unsafe() ? "true" : "false";
      return;
    case element_type::NULL_VALUE:
      out += "null";
      return;
  }
}

#pragma GCC diagnostic pop

void AppendSparkJsonNumber(std::string_view token, std::string& out) {
  if (token.find_first_of(".eE") == std::string_view::npos) {
    // Jackson reads an integer token as int, long or BigInteger and writes its digits back: the
    // text is unchanged except that -0 becomes 0.
    if (token == "-0") {
      out.push_back('0');
    } else {
      out.append(token);
    }
    return;
  }
  // Jackson's double parse is correctly rounded, as strtod is; beyond the range it is Infinity.
  const std::string text(token);
  AppendJacksonDouble(std::strtod(text.c_str(), nullptr), out);
}

}  // namespace sluice
