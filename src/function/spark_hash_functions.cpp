// Spark's non-cryptographic hashes, value for value: hash (Murmur3 x86_32, seed 42), xxhash64
// (XXH64, seed 42) and crc32. Like Spark, each value is hashed by its type (INT and DATE as 4
// bytes, BIGINT, TIMESTAMP, DOUBLE and DECIMAL's unscaled value as 8, strings and binaries as
// their bytes, arrays and rows element by element); each argument's hash seeds the next and a
// NULL leaves the seed as it was, so the same rows hash the same as in Spark (e.g. for
// bucketing or sampling by hash).
#include <xxhash.h>
#include <zlib.h>

#include <bit>
#include <cstring>

#include "common/spark_murmur3.h"
#include "function/function_registry.h"
#include "function/function_util.h"
#include "types/decimal.h"

namespace sluice {
namespace {

using Murmur3 = SparkMurmur3;

// ---- XXH64 ------------------------------------------------------------------------------------

struct XxHash64 {
  using Hash = uint64_t;
  static Hash Int(uint32_t v, Hash seed) { return XXH64(&v, 4, seed); }
  static Hash Long(uint64_t v, Hash seed) { return XXH64(&v, 8, seed); }
  static Hash Bytes(std::string_view b, Hash seed) { return XXH64(b.data(), b.size(), seed); }
};

// The hash of row `row` of `v` with `seed`; a NULL returns the seed.
template <typename H>
typename H::Hash HashValue(const Vector& v, size_t row, typename H::Hash seed) {
  if (v.IsNull(row)) return seed;
  switch (v.type().id()) {
    case TypeId::kNull: return seed;
    case TypeId::kBoolean: return H::Int(v.data<uint8_t>()[row] ? 1 : 0, seed);
    case TypeId::kInt32:
    case TypeId::kDate:
    case TypeId::kYearMonthInterval: return H::Int(static_cast<uint32_t>(v.data<int32_t>()[row]), seed);
    case TypeId::kInt64:
    case TypeId::kTimestamp:
    case TypeId::kInterval: return H::Long(static_cast<uint64_t>(v.data<int64_t>()[row]), seed);
    case TypeId::kDecimal: {
      const Int128 unscaled = v.data<Int128>()[row];
      // Spark: up to 18 digits the unscaled long; wider, the bytes of BigInteger.toByteArray
      // (big-endian two's complement, as few as keep the sign).
      if (v.type().precision() <= 18) return H::Long(static_cast<uint64_t>(unscaled), seed);
      char bytes[16];
      for (int i = 0; i < 16; ++i) bytes[i] = static_cast<char>(unscaled >> (8 * (15 - i)));
      int first = 0;
      while (first < 15 && ((bytes[first] == 0 && (bytes[first + 1] & 0x80) == 0) ||
                            (bytes[first] == '\xff' && (bytes[first + 1] & 0x80) != 0))) {
        ++first;
      }
      return H::Bytes(std::string_view(bytes + first, 16 - first), seed);
    }
    case TypeId::kFloat64: {
      double d = v.data<double>()[row];
      if (d == 0) d = 0.0;                                      // -0.0 hashes as 0.0
      if (d != d) d = std::numeric_limits<double>::quiet_NaN();  // one NaN, as doubleToLongBits
      return H::Long(std::bit_cast<uint64_t>(d), seed);
    }
    case TypeId::kString:
    case TypeId::kBytes: return H::Bytes(v.data<std::string_view>()[row], seed);
    case TypeId::kList: {
      const uint32_t* offsets = v.offsets();
      for (uint32_t i = offsets[row]; i < offsets[row + 1]; ++i) {
        seed = HashValue<H>(v.list_child(), i, seed);
      }
      return seed;
    }
    case TypeId::kStruct:
      for (size_t f = 0; f < v.num_children(); ++f) seed = HashValue<H>(v.child(f), row, seed);
      return seed;
  }
  return seed;
}

// hash(a, ...) → INT and xxhash64(a, ...) → BIGINT over any values.
template <typename H, typename Out>
ScalarFunction SparkHash(const char* name, const char* signature, DataType result) {
  return {name, signature, [=](const BindArguments& args) -> Result<BoundFunction> {
            if (args.types.empty()) return Status::Invalid("{} takes at least 1 argument", signature);
            std::vector<DataType> types;
            for (const DataType& t : args.types) {
              types.push_back(t.id() == TypeId::kNull ? DataType::String() : t);
            }
            BoundFunction f{result, types, nullptr};
            f.kernel = [](const std::vector<VectorPtr>& a, const KernelContext& ctx, Vector& out) {
              out.Resize(ctx.num_rows);
              Out* o = out.data<Out>();
              kernel::ForEachLive(ctx, [&](size_t row) {
                typename H::Hash h = 42;
                for (const auto& v : a) h = HashValue<H>(*v, row, h);
                o[row] = static_cast<Out>(h);
              });
              return Status::OK();
            };
            return f;
          }};
}

// crc32(bin): the CRC-32 of the bytes (of the UTF-8 text for a string), as a BIGINT.
Result<BoundFunction> BindCrc32(const BindArguments& args) {
  SLUICE_RETURN_NOT_OK(fnutil::CheckArity("crc32(bin)", args.types.size(), 1, 1));
  SLUICE_RETURN_NOT_OK(fnutil::ExpectText("crc32", "the argument", args.types[0]));
  BoundFunction f{DataType::Int64(), {fnutil::TextType(args.types[0])}, nullptr};
  f.kernel = fnutil::ValueKernel<int64_t>([](const std::vector<VectorPtr>& a, size_t row) {
    const std::string_view b = fnutil::StrAt(*a[0], row);
    const uLong crc = crc32_z(crc32_z(0, nullptr, 0), reinterpret_cast<const Bytef*>(b.data()), b.size());
    return std::optional<int64_t>(static_cast<int64_t>(crc));
  });
  return f;
}

}  // namespace

void RegisterSparkHashFunctions(FunctionRegistry& registry) {
  registry.Register(SparkHash<Murmur3, int32_t>("hash", "hash(a, ...)", DataType::Int32()));
  registry.Register(SparkHash<XxHash64, int64_t>("xxhash64", "xxhash64(a, ...)", DataType::Int64()));
  registry.Register({"crc32", "crc32(bin)", BindCrc32});
}

}  // namespace sluice
