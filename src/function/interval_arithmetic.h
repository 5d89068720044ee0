#pragma once
// Arithmetic with Spark's two interval types (INTERVAL DAY TO SECOND in microseconds, INTERVAL
// YEAR TO MONTH in months) and between them and DATE/TIMESTAMP, as Spark resolves it:
//   DATE ± INTERVAL DAY → DATE; DATE ± another day-time interval → TIMESTAMP (from midnight);
//   DATE ± YEAR/MONTH interval → DATE and TIMESTAMP ± it → TIMESTAMP, by calendar months (a day
//   past the new month's end becomes its last day);
//   TIMESTAMP - TIMESTAMP → INTERVAL DAY TO SECOND; DATE - DATE → INTERVAL DAY;
//   interval ± interval of the same kind (their fields widened); interval * number,
//   number * interval, interval / number (rounded half up to a month or microsecond), -interval.
// An interval result that overflows, and an interval divided by zero, raise the row's error in
// either mode (Spark raises them also without ANSI mode): the row becomes a dead letter.
#include <optional>

#include "function/scalar_function.h"

namespace sluice {

// + or -: nullopt when neither operand is an interval and it is not a difference of times.
std::optional<Result<BoundFunction>> BindIntervalAdditive(char op, const BindArguments& args);
// * or /: nullopt when no operand is an interval.
std::optional<Result<BoundFunction>> BindIntervalScaling(char op, const BindArguments& args);
// Unary minus: nullopt when the operand is not an interval.
std::optional<Result<BoundFunction>> BindIntervalNegate(const BindArguments& args);

}  // namespace sluice
