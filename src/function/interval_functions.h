#pragma once
// Functions of Spark's interval types; make_ym_interval and make_dt_interval are registered by
// name (RegisterIntervalFunctions), EXTRACT and date_part reach an interval's fields through here.
#include <string_view>

#include "function/scalar_function.h"

namespace sluice {

// EXTRACT(field FROM interval): `field` is "year" or "month" of a year-month interval, "day",
// "hour", "minute" or "second" of a day-time one, and must be among the type's fields.
Result<BoundFunction> BindIntervalField(std::string_view field, const DataType& type);

}  // namespace sluice
