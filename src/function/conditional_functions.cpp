// coalesce, greatest, least, if, nullif, nvl2, nullifzero, zeroifnull, decode, typeof and CASE
// WHEN (bound as case_when(cond1, value1, ..., [else])).
#include <cstring>

#include <fmt/format.h>

#include "function/charset.h"
#include "function/function_registry.h"
#include "function/kernel_loops.h"
#include "types/decimal.h"
#include "function/type_coercion.h"
#include "vector/copy_value.h"
#include "vector/sort_key.h"

#include "vector/take.h"

namespace sluice {
namespace {

Result<DataType> CommonOf(std::string_view fn, const std::vector<DataType>& types,
                          bool nested_ok = false) {
  DataType t = DataType::Null();
  for (const DataType& each : types) {
    auto common = WiderType(t, each);
    if (!common) {
      return Status::Invalid("{}: values of types {} and {} cannot be mixed", fn, t.ToString(),
                             each.ToString());
    }
    t = *common;
  }
  if (t.IsNested() && !nested_ok) return Status::NotImplemented("{} over {} values", fn, t.ToString());
  if (t.id() == TypeId::kNull) t = DataType::String();
  return t;
}

void ShareAll(const std::vector<VectorPtr>& args, Vector& out) {
  for (const auto& a : args) out.ShareArenasOf(*a);
}

Result<BoundFunction> BindCoalesce(const BindArguments& args) {
  if (args.types.empty()) return Status::Invalid("coalesce needs at least one argument");
  SLUICE_ASSIGN_OR_RETURN(DataType t, CommonOf("coalesce", args.types, true));
  BoundFunction f{t, std::vector<DataType>(args.types.size(), t), nullptr};
  if (t.IsNested()) {  // arrays, maps and rows: the first non-NULL one's value, copied whole
    f.kernel = [](const std::vector<VectorPtr>& a, const KernelContext& ctx, Vector& out) {
      for (const auto& v : a) ShareArenasDeep(*v, out);
      kernel::ForEachRowInOrder(ctx, [&](size_t r, bool live) {
        for (const auto& v : a) {
          if (live && !v->IsNull(r)) {
            AppendRow(*v, r, out);
            return;
          }
        }
        out.AppendNull();
      });
      return Status::OK();
    };
    return f;
  }
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
  SLUICE_ASSIGN_OR_RETURN(DataType t, CommonOf("CASE", values, true));
  std::vector<DataType> arg_types;
  for (size_t i = 0; i + 1 < args.types.size(); i += 2) {
    arg_types.push_back(DataType::Boolean());
    arg_types.push_back(t);
  }
  if (has_else) arg_types.push_back(t);
  BoundFunction f{t, arg_types, nullptr};
  if (t.IsNested()) {  // arrays, maps and rows: the chosen value copied whole
    f.kernel = [has_else](const std::vector<VectorPtr>& a, const KernelContext& ctx, Vector& out) {
      for (const auto& v : a) ShareArenasDeep(*v, out);
      kernel::ForEachRowInOrder(ctx, [&](size_t r, bool live) {
        if (!live) {
          out.AppendNull();
          return;
        }
        for (size_t i = 0; i + 1 < a.size(); i += 2) {
          if (!a[i]->IsNull(r) && a[i]->data<uint8_t>()[r]) {
            AppendRow(*a[i + 1], r, out);
            return;
          }
        }
        if (has_else) {
          AppendRow(*a.back(), r, out);
        } else {
          out.AppendNull();
        }
      });
      return Status::OK();
    };
    return f;
  }
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
        if (width == 16 && a[0]->type().IsStringLike()) {
          equal = a[0]->data<std::string_view>()[r] == a[1]->data<std::string_view>()[r];
        } else if (width == 16) {  // DECIMAL
          equal = a[0]->data<Int128>()[r] == a[1]->data<Int128>()[r];
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

// nvl2(a, b, c): b where a is not NULL, else c.
Result<BoundFunction> BindNvl2(const BindArguments& args) {
  if (args.types.size() != 3) return Status::Invalid("nvl2(a, b, c) takes 3 arguments");
  SLUICE_ASSIGN_OR_RETURN(DataType t, CommonOf("nvl2", {args.types[1], args.types[2]}, true));
  BoundFunction f{t, {args.types[0].id() == TypeId::kNull ? DataType::String() : args.types[0], t, t},
                  nullptr};
  if (t.IsNested()) {
    f.kernel = [](const std::vector<VectorPtr>& a, const KernelContext& ctx, Vector& out) {
      for (const auto& v : a) ShareArenasDeep(*v, out);
      kernel::ForEachRowInOrder(ctx, [&](size_t r, bool live) {
        if (live) {
          AppendRow(a[0]->IsNull(r) ? *a[2] : *a[1], r, out);
        } else {
          out.AppendNull();
        }
      });
      return Status::OK();
    };
    return f;
  }
  f.kernel = [](const std::vector<VectorPtr>& a, const KernelContext& ctx, Vector& out) {
    out.Resize(ctx.num_rows);
    ShareAll(a, out);
    kernel::ForEachLive(ctx, [&](size_t r) {
      const Vector& pick = a[0]->IsNull(r) ? *a[2] : *a[1];
      if (pick.IsNull(r)) {
        out.SetNull(r);
      } else {
        CopyFlatValue(pick, r, out, r);
      }
    });
    return Status::OK();
  };
  return f;
}

bool IsZero(const Vector& v, size_t r) {
  switch (v.type().id()) {
    case TypeId::kInt32: return v.data<int32_t>()[r] == 0;
    case TypeId::kFloat64: return v.data<double>()[r] == 0;
    case TypeId::kDecimal: return v.data<Int128>()[r] == 0;
    default: return v.data<int64_t>()[r] == 0;  // BIGINT
  }
}

// nullifzero(x): NULL where x is 0; zeroifnull(x): 0 where x is NULL. Numbers keep their type.
ScalarFunction ZeroNull(const char* name, const char* signature, bool zero_to_null) {
  return {name, signature, [=](const BindArguments& args) -> Result<BoundFunction> {
            if (args.types.size() != 1) return Status::Invalid("{} takes 1 argument", signature);
            DataType t = args.types[0].id() == TypeId::kNull ? DataType::Int32() : args.types[0];
            if (!t.IsNumeric()) {
              return Status::Invalid("{} expects a number, found {}", signature, t.ToString());
            }
            BoundFunction f{t, {t}, nullptr};
            f.kernel = [zero_to_null](const std::vector<VectorPtr>& a, const KernelContext& ctx,
                                      Vector& out) {
              out.Resize(ctx.num_rows);
              kernel::ForEachLive(ctx, [&](size_t r) {
                if (a[0]->IsNull(r)) {
                  if (zero_to_null) {
                    out.SetNull(r);
                  } else {
                    std::memset(out.data<uint8_t>() + r * out.type().FixedWidth(), 0,
                                out.type().FixedWidth());
                  }
                } else if (zero_to_null && IsZero(*a[0], r)) {
                  out.SetNull(r);
                } else {
                  CopyFlatValue(*a[0], r, out, r);
                }
              });
              return Status::OK();
            };
            return f;
          }};
}

// decode(expr, search1, result1, ..., [default]): the result of the first search equal to expr
// (NULL matches NULL, as Spark); decode(binary, charset) is the charset decoding of bytes.
Result<BoundFunction> BindDecode(const BindArguments& args) {
  if (args.types.size() == 2) {
    return BindCharsetDecode(args);
  }
  if (args.types.size() < 3) {
    return Status::Invalid("decode(expr, search, result, ...[, default]) takes at least 3 arguments");
  }
  std::vector<DataType> keys{args.types[0]}, values;
  for (size_t i = 1; i + 1 < args.types.size(); i += 2) {
    keys.push_back(args.types[i]);
    values.push_back(args.types[i + 1]);
  }
  const bool has_default = args.types.size() % 2 == 0;
  if (has_default) values.push_back(args.types.back());
  SLUICE_ASSIGN_OR_RETURN(DataType key_type, CommonOf("decode", keys));
  SLUICE_ASSIGN_OR_RETURN(DataType value, CommonOf("decode", values));
  std::vector<DataType> arg_types{key_type};
  for (size_t i = 1; i + 1 < args.types.size(); i += 2) {
    arg_types.push_back(key_type);
    arg_types.push_back(value);
  }
  if (has_default) arg_types.push_back(value);
  BoundFunction f{value, arg_types, nullptr};
  f.kernel = [has_default](const std::vector<VectorPtr>& a, const KernelContext& ctx, Vector& out) {
    out.Resize(ctx.num_rows);
    ShareAll(a, out);
    std::string wanted, key;
    kernel::ForEachLive(ctx, [&](size_t r) {
      const bool null_expr = a[0]->IsNull(r);
      wanted.clear();
      if (!null_expr) AppendSortKey(*a[0], r, false, wanted);
      const Vector* pick = has_default ? a.back().get() : nullptr;
      for (size_t i = 1; i + 1 < a.size(); i += 2) {
        bool equal = a[i]->IsNull(r) == null_expr;
        if (equal && !null_expr) {
          key.clear();
          AppendSortKey(*a[i], r, false, key);
          equal = key == wanted;
        }
        if (equal) {
          pick = a[i + 1].get();
          break;
        }
      }
      if (!pick || pick->IsNull(r)) {
        out.SetNull(r);
      } else {
        CopyFlatValue(*pick, r, out, r);
      }
    });
    return Status::OK();
  };
  return f;
}

// Spark's name of a type, as typeof() and error messages write it: int, decimal(10,2),
// array<string>, struct<a:int,b:string>.
std::string SparkTypeName(const DataType& t) {
  switch (t.id()) {
    case TypeId::kNull: return "void";
    case TypeId::kBoolean: return "boolean";
    case TypeId::kInt32: return "int";
    case TypeId::kInt64: return "bigint";
    case TypeId::kFloat64: return "double";
    case TypeId::kDecimal: return fmt::format("decimal({},{})", t.precision(), t.scale());
    case TypeId::kString: return "string";
    case TypeId::kBytes: return "binary";
    case TypeId::kDate: return "date";
    case TypeId::kTimestamp: return "timestamp";
    case TypeId::kInterval:
    case TypeId::kYearMonthInterval: {
      std::string name = t.ToString();  // INTERVAL DAY TO SECOND
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      return name;
    }
    case TypeId::kList:
      if (t.IsMap()) return "map<" + SparkTypeName(t.map_key()) + "," + SparkTypeName(t.map_value()) + ">";
      return "array<" + SparkTypeName(t.element()) + ">";
    case TypeId::kStruct: {
      std::string out = "struct<";
      for (size_t i = 0; i < t.fields().size(); ++i) {
        out += fmt::format("{}{}:{}", i ? "," : "", t.fields()[i].name,
                           SparkTypeName(t.fields()[i].type));
      }
      return out + ">";
    }
  }
  return "unknown";
}

// typeof(x): the type's name as Spark writes it; a constant per query.
Result<BoundFunction> BindTypeof(const BindArguments& args) {
  if (args.types.size() != 1) return Status::Invalid("typeof(x) takes 1 argument");
  const std::string name = SparkTypeName(args.types[0]);
  BoundFunction f{DataType::String(), {args.types[0]}, nullptr};
  f.kernel = [name](const std::vector<VectorPtr>&, const KernelContext& ctx, Vector& out) {
    out.Resize(ctx.num_rows);
    const std::string_view stored = out.arena().Add(name);
    kernel::ForEachLive(ctx, [&](size_t r) { out.data<std::string_view>()[r] = stored; });
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
  registry.Register({"nvl2", "nvl2(a, b, c)", BindNvl2});
  registry.Register(ZeroNull("nullifzero", "nullifzero(x)", true));
  registry.Register(ZeroNull("zeroifnull", "zeroifnull(x)", false));
  registry.Register({"decode", "decode(expr, search, result, ...[, default]) | decode(bin, charset)",
                     BindDecode});
  registry.Register({"typeof", "typeof(x)", BindTypeof});
}

}  // namespace sluice
