// rand/random, randn, uniform, randstr and shuffle. Each call site draws from its own generator:
// without a seed one seeded from the operating system's entropy; with a seed (an integer
// literal, as Spark requires) the same sequence on every run from the run's first row. The
// values are not Spark's: Spark's come from its per-partition XORShiftRandom, and a stream has
// no partitions to replay.
#include <algorithm>
#include <mutex>
#include <random>

#include <fmt/format.h>

#include "function/function_registry.h"
#include "function/function_util.h"
#include "function/kernel_loops.h"
#include "function/type_coercion.h"
#include "vector/take.h"

namespace sluice {
namespace {

// One call site's generator, shared by the copies of its kernel.
struct RandomSource {
  std::mutex mutex;
  std::mt19937_64 engine;
};

// The generator for a call whose optional seed is argument `at`.
Result<std::shared_ptr<RandomSource>> SourceFor(std::string_view name, const BindArguments& args,
                                                size_t at) {
  auto source = std::make_shared<RandomSource>();
  if (args.types.size() <= at) {
    std::random_device entropy;
    source->engine.seed((static_cast<uint64_t>(entropy()) << 32) ^ entropy());
    return source;
  }
  const Value* seed = fnutil::Constant(args, at);
  if (!seed || (!seed->is_null() && !seed->type().IsInteger())) {
    return Status::Invalid("{}: the seed must be an integer literal", name);
  }
  source->engine.seed(seed->is_null() ? 0 : static_cast<uint64_t>(seed->int64()));
  return source;
}

// rand([seed]) and randn([seed]): a DOUBLE per row, uniform in [0, 1) or standard normal.
ScalarFunction RandomDouble(const char* name, bool normal) {
  const std::string signature = fmt::format("{}([seed])", name);
  return {name, signature, [=](const BindArguments& args) -> Result<BoundFunction> {
            SLUICE_RETURN_NOT_OK(fnutil::CheckArity(signature, args.types.size(), 0, 1));
            SLUICE_ASSIGN_OR_RETURN(auto source, SourceFor(name, args, 0));
            BoundFunction f{DataType::Float64(), args.types, nullptr};
            f.kernel = [source, normal](const std::vector<VectorPtr>&, const KernelContext& ctx,
                                        Vector& out) {
              out.Resize(ctx.num_rows);
              std::lock_guard lock(source->mutex);
              std::uniform_real_distribution<double> uniform(0.0, 1.0);
              std::normal_distribution<double> gaussian(0.0, 1.0);
              kernel::ForEachLive(ctx, [&](size_t row) {
                out.data<double>()[row] = normal ? gaussian(source->engine) : uniform(source->engine);
              });
              return Status::OK();
            };
            return f;
          }};
}

// uniform(min, max[, seed]): integers in [min, max] when both bounds are integers (of their
// wider type), else a DOUBLE in [min, max).
Result<BoundFunction> BindUniform(const BindArguments& args) {
  SLUICE_RETURN_NOT_OK(fnutil::CheckArity("uniform(min, max[, seed])", args.types.size(), 2, 3));
  const Value* low = fnutil::Constant(args, 0);
  const Value* high = fnutil::Constant(args, 1);
  if (!low || !high || low->is_null() || high->is_null() || !low->type().IsNumeric() ||
      !high->type().IsNumeric()) {
    return Status::Invalid("uniform(min, max[, seed]): min and max must be number literals");
  }
  SLUICE_ASSIGN_OR_RETURN(auto source, SourceFor("uniform", args, 2));
  const bool integers = low->type().IsInteger() && high->type().IsInteger();
  auto number = [](const Value& v) {
    return v.type().IsInteger() ? static_cast<double>(v.int64())
           : v.type().id() == TypeId::kFloat64
               ? v.float64()
               : DecimalToDouble(v.decimal(), v.type().scale());
  };
  const DataType type = integers ? *CommonType(low->type(), high->type()) : DataType::Float64();
  BoundFunction f{type, args.types, nullptr};
  const int64_t low_int = integers ? std::min(low->int64(), high->int64()) : 0;
  const int64_t high_int = integers ? std::max(low->int64(), high->int64()) : 0;
  const double low_double = number(*low), high_double = number(*high);
  f.kernel = [=](const std::vector<VectorPtr>&, const KernelContext& ctx, Vector& out) {
    out.Resize(ctx.num_rows);
    std::lock_guard lock(source->mutex);
    std::uniform_int_distribution<int64_t> ints(low_int, high_int);
    std::uniform_real_distribution<double> doubles(low_double, high_double);
    kernel::ForEachLive(ctx, [&](size_t row) {
      if (!integers) {
        out.data<double>()[row] = low_double == high_double ? low_double : doubles(source->engine);
      } else if (type.id() == TypeId::kInt32) {
        out.data<int32_t>()[row] = static_cast<int32_t>(ints(source->engine));
      } else {
        out.data<int64_t>()[row] = ints(source->engine);
      }
    });
    return Status::OK();
  };
  return f;
}

// randstr(length[, seed]): length random characters from 0-9, a-z and A-Z.
Result<BoundFunction> BindRandstr(const BindArguments& args) {
  SLUICE_RETURN_NOT_OK(fnutil::CheckArity("randstr(length[, seed])", args.types.size(), 1, 2));
  const Value* length = fnutil::Constant(args, 0);
  if (!length || length->is_null() || !length->type().IsInteger() || length->int64() < 0 ||
      length->int64() > 1 << 20) {
    return Status::Invalid("randstr(length[, seed]): length must be an integer literal from 0 to "
                           "1048576");
  }
  SLUICE_ASSIGN_OR_RETURN(auto source, SourceFor("randstr", args, 1));
  BoundFunction f{DataType::String(), args.types, nullptr};
  f.kernel = [source, n = static_cast<size_t>(length->int64())](
                 const std::vector<VectorPtr>&, const KernelContext& ctx, Vector& out) {
    static constexpr std::string_view kAlphabet =
        "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    out.Resize(ctx.num_rows);
    std::lock_guard lock(source->mutex);
    std::uniform_int_distribution<size_t> pick(0, kAlphabet.size() - 1);
    std::string text(n, ' ');
    kernel::ForEachLive(ctx, [&](size_t row) {
      for (char& c : text) c = kAlphabet[pick(source->engine)];
      out.SetString(row, text);
    });
    return Status::OK();
  };
  return f;
}

// shuffle(arr[, seed]): the elements in a random order; NULL for NULL.
Result<BoundFunction> BindShuffle(const BindArguments& args) {
  SLUICE_RETURN_NOT_OK(fnutil::CheckArity("shuffle(arr[, seed])", args.types.size(), 1, 2));
  if (args.types[0].id() != TypeId::kList || args.types[0].IsMap()) {
    return Status::Invalid("shuffle() expects an ARRAY, found {}", args.types[0].ToString());
  }
  SLUICE_ASSIGN_OR_RETURN(auto source, SourceFor("shuffle", args, 1));
  BoundFunction f{args.types[0], args.types, nullptr};
  f.kernel = [source](const std::vector<VectorPtr>& a, const KernelContext& ctx, Vector& out) {
    ShareArenasDeep(a[0]->list_child(), out.list_child());
    std::lock_guard lock(source->mutex);
    std::vector<uint32_t> order;
    kernel::ForEachRowInOrder(ctx, [&](size_t row, bool live) {
      if (!live || a[0]->IsNull(row)) {
        out.AppendNull();
        return;
      }
      order.clear();
      for (uint32_t i = a[0]->offsets()[row]; i < a[0]->offsets()[row + 1]; ++i) order.push_back(i);
      std::shuffle(order.begin(), order.end(), source->engine);
      for (uint32_t i : order) AppendRow(a[0]->list_child(), i, out.list_child());
      out.AppendListEnd();
    });
    return Status::OK();
  };
  return f;
}

}  // namespace

void RegisterRandomFunctions(FunctionRegistry& registry) {
  registry.Register(RandomDouble("rand", false));
  registry.Register(RandomDouble("random", false));
  registry.Register(RandomDouble("randn", true));
  registry.Register({"uniform", "uniform(min, max[, seed])", BindUniform});
  registry.Register({"randstr", "randstr(length[, seed])", BindRandstr});
  registry.Register({"shuffle", "shuffle(arr[, seed])", BindShuffle});
}

}  // namespace sluice
