#include "expr/literal.h"

namespace sluice {

void BroadcastValue(const Value& value, size_t rows, Vector& out) {
  out.Resize(rows);
  if (value.is_null()) {
    for (size_t i = 0; i < rows; ++i) out.SetNull(i);
    return;
  }
  switch (value.type().id()) {
    case TypeId::kBoolean: {
      auto* d = out.data<uint8_t>();
      for (size_t i = 0; i < rows; ++i) d[i] = value.boolean() ? 1 : 0;
      break;
    }
    case TypeId::kInt32:
    case TypeId::kDate:
    case TypeId::kYearMonthInterval: {
      auto* d = out.data<int32_t>();
      for (size_t i = 0; i < rows; ++i) d[i] = static_cast<int32_t>(value.int64());
      break;
    }
    case TypeId::kInt64:
    case TypeId::kTimestamp:
    case TypeId::kInterval: {
      auto* d = out.data<int64_t>();
      for (size_t i = 0; i < rows; ++i) d[i] = value.int64();
      break;
    }
    case TypeId::kDecimal: {
      auto* d = out.data<Int128>();
      for (size_t i = 0; i < rows; ++i) d[i] = value.decimal();
      break;
    }
    case TypeId::kFloat64: {
      auto* d = out.data<double>();
      for (size_t i = 0; i < rows; ++i) d[i] = value.float64();
      break;
    }
    case TypeId::kString:
    case TypeId::kBytes: {
      std::string_view s = out.arena().Add(value.string());
      auto* d = out.data<std::string_view>();
      for (size_t i = 0; i < rows; ++i) d[i] = s;
      break;
    }
    default:
      for (size_t i = 0; i < rows; ++i) out.SetNull(i);
  }
}

Result<VectorPtr> Literal::Evaluate(const Batch& input, EvalContext&) const {
  auto out = std::make_shared<Vector>(type());
  BroadcastValue(value_, input.num_rows(), *out);
  return out;
}

}  // namespace sluice
