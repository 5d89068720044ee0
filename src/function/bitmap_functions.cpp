// Spark's bitmap functions for exact distinct counts of integers: a value v > 0 lands in bucket
// (v - 1) / 32768 + 1 at bit (v - 1) % 32768, a value v <= 0 in bucket v / 32768 at bit
// -v % 32768 (Java's truncating division), so each bucket's bitmap (bitmap_construct_agg, see
// aggregate/bitmap_aggregates.cpp) is 4096 bytes and bitmap_count counts its set bits.
#include <bit>

#include "types/spark_bitmap.h"
#include "function/function_registry.h"
#include "function/function_util.h"

namespace sluice {
namespace {

Status ExpectIntegerArgument(std::string_view fn, const DataType& t) {
  // Spark casts strings and decimals to BIGINT implicitly ('5' and 5.7 are 5).
  if (t.IsNumeric() || t.IsStringLike() || t.id() == TypeId::kNull) {
    return Status::OK();
  }
  return Status::Invalid("{}(child) expects an integer, found {}", fn, t.ToString());
}

// The bucket or bit position of each BIGINT value.
template <typename Fn>
Result<BoundFunction> BindPositionFunction(std::string_view name, const BindArguments& args, Fn fn) {
  SLUICE_RETURN_NOT_OK(fnutil::CheckArity(fmt::format("{}(child)", name), args.types.size(), 1, 1));
  SLUICE_RETURN_NOT_OK(ExpectIntegerArgument(name, args.types[0]));
  BoundFunction f{DataType::Int64(), {DataType::Int64()}, nullptr};
  f.kernel = [fn](const std::vector<VectorPtr>& a, const KernelContext& ctx, Vector& out) {
    kernel::Unary<int64_t, int64_t>(*a[0], ctx, out, fn);
    return Status::OK();
  };
  return f;
}

Result<BoundFunction> BindBitmapBucketNumber(const BindArguments& args) {
  return BindPositionFunction("bitmap_bucket_number", args, BitmapBucketNumber);
}

Result<BoundFunction> BindBitmapBitPosition(const BindArguments& args) {
  return BindPositionFunction("bitmap_bit_position", args, BitmapBitPosition);
}

// bitmap_count(bitmap): the number of set bits of a BINARY (of any length, as Spark).
Result<BoundFunction> BindBitmapCount(const BindArguments& args) {
  SLUICE_RETURN_NOT_OK(fnutil::CheckArity("bitmap_count(bitmap)", args.types.size(), 1, 1));
  const TypeId id = args.types[0].id();
  if (id != TypeId::kBytes && id != TypeId::kNull) {
    return Status::Invalid("bitmap_count(bitmap) expects a BINARY bitmap (bitmap_construct_agg's "
                           "result), found {}",
                           args.types[0].ToString());
  }
  return BoundFunction{DataType::Int64(), {DataType::Bytes()},
                       fnutil::ValueKernel<int64_t>([](const std::vector<VectorPtr>& a, size_t row) {
                         int64_t bits = 0;
                         for (char c : fnutil::StrAt(*a[0], row)) {
                           bits += std::popcount(static_cast<unsigned char>(c));
                         }
                         return std::optional<int64_t>(bits);
                       })};
}

}  // namespace

void RegisterBitmapFunctions(FunctionRegistry& registry) {
  registry.Register({"bitmap_bucket_number", "bitmap_bucket_number(child)", BindBitmapBucketNumber});
  registry.Register({"bitmap_bit_position", "bitmap_bit_position(child)", BindBitmapBitPosition});
  registry.Register({"bitmap_count", "bitmap_count(bitmap)", BindBitmapCount});
}

}  // namespace sluice
