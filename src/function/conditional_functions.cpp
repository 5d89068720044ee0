// coalesce, greatest, least, if, nullif and CASE WHEN (bound as case_when(cond1, value1, ...,
// [else])).
#include <fmt/format.h>

#include "function/function_registry.h"
#include "function/kernel_loops.h"
#include "function/type_coercion.h"
#include "vector/copy_value.h"
#include "vector/sort_key.h"

namespace sluice {
namespace {

Result<DataType> CommonOf(std::string_view fn, const std::vector<DataType>& types) {
  DataType t = DataType::Null();
  for (const DataType& each : types) {
    auto common = WiderType(t, each);
    if (!common) {
      return Status::Invalid("{}: values of types {} and {} cannot be mixed", fn, t.ToString(),
                             each.ToString());
    }
    t = *common;
  }
  if (t.IsNested()) return Status::NotImplemented("{} over {} values", fn, t.ToString());
  if (t.id() == TypeId::kNull) t = DataType::String();
  return t;
}

void ShareAll(const std::vector<VectorPtr>& args, Vector& out) {
  for (const auto& a : args) out.ShareArenasOf(*a);
}

Result<BoundFunction> BindCoalesce(const BindArguments& args) {
  if (args.types.empty()) return Status::Invalid("coalesce needs at least one argument");
  SLUICE_ASSIGN_OR_RETURN(DataType t, CommonOf("coalesce", args.types));
  BoundFunction f{t, std::vector<DataType>(args.types.size(), t), nullptr};
  f.kernel = [](const std::vector<VectorPtr>& a, const KernelContext& ctx, Vector& out) {
    out.Resize(ctx.num_rows);
    ShareAll(a, out);
    kernel::ForEachLive(ctx, [&](size_t r) {
      for (const auto& v : a) {
        if (!v->IsNull(r)) {
          CopyFlatValue(*v, r, out, r);
          return;
        }
      }
      out.SetNull(r);
    });
    return Status::OK();
  };
  return f;
}

// greatest(a, b, ...) / least(a, b, ...): the largest / smallest value, NULLs skipped (NULL
// only when all are), in the arguments' common type, as Spark.
ScalarFunction Extreme(const char* name, const char* signature, bool greatest) {
  return {name, signature, [=](const BindArguments& args) -> Result<BoundFunction> {
            if (args.types.size() < 2) return Status::Invalid("{} needs at least two arguments", signature);
            SLUICE_ASSIGN_OR_RETURN(DataType t, CommonOf(name, args.types));
            BoundFunction f{t, std::vector<DataType>(args.types.size(), t), nullptr};
            f.kernel = [greatest](const std::vector<VectorPtr>& a, const KernelContext& ctx, Vector& out) {
              out.Resize(ctx.num_rows);
              ShareAll(a, out);
              std::string best_key, key;
              kernel::ForEachLive(ctx, [&](size_t r) {
                int best = -1;
                for (size_t i = 0; i < a.size(); ++i) {
                  if (a[i]->IsNull(r)) continue;
                  key.clear();
                  AppendSortKey(*a[i], r, false, key);
                  if (best < 0 || (greatest ? key > best_key : key < best_key)) {
                    best = static_cast<int>(i);
                    best_key.swap(key);
                  }
                }
                if (best < 0) {
                  out.SetNull(r);
                } else {
                  CopyFlatValue(*a[static_cast<size_t>(best)], r, out, r);
                }
              });
              return Status::OK();
            };
            return f;
          }};
}

// case_when(c1, v1, c2, v2, ..., [else]): the first TRUE condition's value.
Result<BoundFunction> BindCaseWhen(const BindArguments& args) {
  if (args.types.size() < 2) return Status::Invalid("CASE needs at least one WHEN ... THEN");
  std::vector<DataType> values;
  bool has_else = args.types.size() % 2 == 1;
  for (size_t i = 0; i + 1 < args.types.size(); i += 2) {
    if (args.types[i].id() != TypeId::kBoolean && args.types[i].id() != TypeId::kNull) {
      return Status::Invalid("CASE WHEN expects a BOOLEAN condition, found {}",
                             args.types[i].ToString());
    }
    values.push_back(args.types[i + 1]);
  }
  if (has_else) values.push_back(args.types.back());
  SLUICE_ASSIGN_OR_RETURN(DataType t, CommonOf("CASE", values));
  std::vector<DataType> arg_types;
  for (size_t i = 0; i + 1 < args.types.size(); i += 2) {
    arg_types.push_back(DataType::Boolean());
    arg_types.push_back(t);
  }
  if (has_else) arg_types.push_back(t);
  BoundFunction f{t, arg_types, nullptr};
  f.kernel = [has_else](const std::vector<VectorPtr>& a, const KernelContext& ctx, Vector& out) {
    out.Resize(ctx.num_rows);
    ShareAll(a, out);
    kernel::ForEachLive(ctx, [&](size_t r) {
      for (size_t i = 0; i + 1 < a.size(); i += 2) {
        if (!a[i]->IsNull(r) && a[i]->data<uint8_t>()[r]) {
          CopyFlatValue(*a[i + 1], r, out, r);
          return;
        }
      }
      if (has_else) {
        CopyFlatValue(*a.back(), r, out, r);
      } else {
        out.SetNull(r);
      }
    });
    return Status::OK();
  };
  return f;
}

Result<BoundFunction> BindIf(const BindArguments& args) {
  if (args.types.size() != 3) return Status::Invalid("if(condition, then, else) takes 3 arguments");
  return BindCaseWhen(args);
}

Result<BoundFunction> BindNullIf(const BindArguments& args) {
  if (args.types.size() != 2) return Status::Invalid("nullif(a, b) takes 2 arguments");
  SLUICE_ASSIGN_OR_RETURN(DataType t, CommonOf("nullif", args.types));
  BoundFunction f{t, {t, t}, nullptr};
  f.kernel = [](const std::vector<VectorPtr>& a, const KernelContext& ctx, Vector& out) {
    out.Resize(ctx.num_rows);
    ShareAll(a, out);
    size_t width = a[0]->type().FixedWidth();
    kernel::ForEachLive(ctx, [&](size_t r) {
      bool equal = !a[0]->IsNull(r) && !a[1]->IsNull(r);
      if (equal) {
        if (width == 16) {
          equal = a[0]->data<std::string_view>()[r] == a[1]->data<std::string_view>()[r];
        } else if (width == 8) {
          equal = a[0]->data<int64_t>()[r] == a[1]->data<int64_t>()[r];
        } else if (width == 4) {
          equal = a[0]->data<int32_t>()[r] == a[1]->data<int32_t>()[r];
        } else {
          equal = a[0]->data<uint8_t>()[r] == a[1]->data<uint8_t>()[r];
        }
      }
      if (equal) {
        out.SetNull(r);
      } else {
        CopyFlatValue(*a[0], r, out, r);
      }
    });
    return Status::OK();
  };
  return f;
}

}  // namespace

void RegisterConditionalFunctions(FunctionRegistry& registry) {
  registry.Register({"coalesce", "coalesce(a, b, ...)", BindCoalesce});
  registry.Register(Extreme("greatest", "greatest(a, b, ...)", true));
  registry.Register(Extreme("least", "least(a, b, ...)", false));
  registry.Register({"case_when", "CASE WHEN c THEN v ... [ELSE e] END", BindCaseWhen});
  registry.Register({"if", "if(condition, then, else)", BindIf});
  registry.Register({"nullif", "nullif(a, b)", BindNullIf});
  registry.Alias("ifnull", "coalesce");
  registry.Alias("nvl", "coalesce");
}

}  // namespace sluice
