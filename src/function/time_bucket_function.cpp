// time_bucket(size, ts[, origin]): the start of the size-long bucket ts falls in, buckets laid
// from origin (1970-01-01 00:00:00 by default), as Spark 4.2+. A day-time size steps in
// microseconds; a year-month size steps in calendar months from origin (its day of the month
// clamped to the month's end, as add_months). Timestamps are UTC, sluice's session time zone.
#include "function/function_registry.h"
#include "function/function_util.h"
#include "types/decimal.h"
#include "types/timestamp.h"

namespace sluice {
namespace {

constexpr const char* kSignature = "time_bucket(size INTERVAL, ts[, origin])";

// origin + `months` calendar months, its time of day kept; nullopt out of range.
std::optional<int64_t> AddMonthsToTimestamp(int64_t micros, int64_t months) {
  const int64_t day = FloorDiv(micros, kMicrosPerDay);
  const std::optional<int32_t> moved = AddMonthsToDate(static_cast<int32_t>(day), months);
  if (!moved) return std::nullopt;
  return int64_t{*moved} * kMicrosPerDay + (micros - day * kMicrosPerDay);
}

int64_t MonthIndex(int64_t micros) {
  int year = 0;
  unsigned month = 0;
  unsigned day = 0;
  CivilFromDays(static_cast<int32_t>(FloorDiv(micros, kMicrosPerDay)), &year, &month, &day);
  return int64_t{year} * 12 + month - 1;
}

// The start of ts's bucket of `months` months counted from origin.
std::optional<int64_t> MonthBucket(int64_t ts, int64_t origin, int64_t months) {
  int64_t steps = FloorDiv(MonthIndex(ts) - MonthIndex(origin), months) * months;
  std::optional<int64_t> start = AddMonthsToTimestamp(origin, steps);
  // The month count overshoots when ts lies earlier in its month than origin in its own.
  while (start && *start > ts) {
    steps -= months;
    start = AddMonthsToTimestamp(origin, steps);
  }
  return start;
}

std::optional<int64_t> MicroBucket(int64_t ts, int64_t origin, int64_t size) {
  const Int128 offset = static_cast<Int128>(ts) - origin;
  Int128 steps = offset / size;
  if (offset % size != 0 && offset < 0) --steps;
  const Int128 start = origin + steps * size;
  if (start < kMinTimestampMicros || start > kMaxTimestampMicros) return std::nullopt;
  return static_cast<int64_t>(start);
}

Result<BoundFunction> BindTimeBucket(const BindArguments& args) {
  SLUICE_RETURN_NOT_OK(fnutil::CheckArity(kSignature, args.types.size(), 2, 3));
  const Value* size = fnutil::Constant(args, 0);
  if (!size || !size->type().IsInterval()) {
    return Status::Invalid("time_bucket: the size must be an interval literal, such as INTERVAL "
                           "'15' MINUTE or INTERVAL '1' MONTH");
  }
  const bool months = size->type().id() == TypeId::kYearMonthInterval;
  const int64_t step = size->int64();
  if (step <= 0) {
    return Status::Invalid("time_bucket: the size must be positive, got {}", size->ToString());
  }
  for (size_t i = 1; i < args.types.size(); ++i) {
    const TypeId id = args.types[i].id();
    if (id != TypeId::kTimestamp && id != TypeId::kNull && !args.types[i].IsStringLike()) {
      return Status::Invalid("time_bucket: {} must be a TIMESTAMP, found {}", i == 1 ? "ts" : "origin",
                             args.types[i].ToString());
    }
  }
  std::vector<DataType> arg_types{size->type(), DataType::Timestamp()};
  if (args.types.size() == 3) arg_types.push_back(DataType::Timestamp());
  BoundFunction f{DataType::Timestamp(), arg_types, nullptr};
  f.kernel = [months, step](const std::vector<VectorPtr>& a, const KernelContext& ctx, Vector& out) {
    const int64_t* ts = a[1]->data<int64_t>();
    const int64_t* origin = a.size() == 3 ? a[2]->data<int64_t>() : nullptr;
    fnutil::RowMaybe<int64_t>(a, ctx, out, [&](size_t row) {
      const int64_t from = origin ? origin[row] : 0;
      return months ? MonthBucket(ts[row], from, step) : MicroBucket(ts[row], from, step);
    });
    return Status::OK();
  };
  return f;
}

}  // namespace

void RegisterTimeBucketFunction(FunctionRegistry& registry) {
  registry.Register({"time_bucket", kSignature, BindTimeBucket});
}

}  // namespace sluice
