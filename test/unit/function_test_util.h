#pragma once

// Evaluates registry functions on small hand-built vectors: Find(name)->bind(args), cast each
// argument to the bound type (as the planner does), run the kernel, read the rows back.
#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "expr/expression.h"
#include "function/cast.h"
#include "function/function_registry.h"
#include "types/timestamp.h"
#include "types/value.h"
#include "vector/vector.h"

namespace sluice::test {

// One argument of a call: a literal (seen by bind as a constant, repeated on every row), a
// column of values, or a prebuilt vector (for arrays).
struct Arg {
  std::vector<Value> values;
  bool constant = false;
  VectorPtr vector;
  DataType type;  // of the column; taken from the first non-NULL value when left NULL
};
inline Arg Lit(Value v) {
  DataType t = v.type();
  return {{std::move(v)}, true, nullptr, t};
}
inline Arg Col(std::vector<Value> values, DataType type = DataType::Null()) {
  return {std::move(values), false, nullptr, std::move(type)};
}
inline Arg Vec(VectorPtr v) {
  DataType t = v->type();
  return {{}, false, std::move(v), t};
}

inline Value Str(std::string s) { return Value::String(std::move(s)); }
inline Value Int(int64_t v) { return Value::Int32(static_cast<int32_t>(v)); }
inline Value Big(int64_t v) { return Value::Int64(v); }
inline Value Null() { return Value(); }
inline Value NullOf(DataType t) { return Value::Null(std::move(t)); }
inline Value Ts(std::string_view text) { return Value::Timestamp(*ParseTimestamp(text)); }
inline Value Day(std::string_view text) { return Value::Date(*ParseDate(text)); }

// A vector of `type` holding the values (each NULL or of that type).
inline VectorPtr MakeVector(const DataType& type, const std::vector<Value>& values) {
  auto v = std::make_shared<Vector>(type);
  for (const Value& value : values) {
    if (value.is_null()) {
      v->AppendNull();
      continue;
    }
    switch (type.id()) {
      case TypeId::kBoolean: v->Append<uint8_t>(value.boolean() ? 1 : 0); break;
      case TypeId::kInt32:
      case TypeId::kDate: v->Append<int32_t>(static_cast<int32_t>(value.int64())); break;
      case TypeId::kInt64:
      case TypeId::kDecimal:
      case TypeId::kTimestamp:
      case TypeId::kInterval: v->Append<int64_t>(value.int64()); break;
      case TypeId::kFloat64: v->Append<double>(value.float64()); break;
      case TypeId::kString:
      case TypeId::kBytes: v->AppendString(value.string()); break;
      default: ADD_FAILURE() << "MakeVector: unsupported type " << type.ToString();
    }
  }
  return v;
}

// ARRAY<STRING> rows; nullopt is a NULL array, a nullopt element a NULL element.
using StringList = std::optional<std::vector<std::optional<std::string>>>;
inline VectorPtr MakeStringLists(const std::vector<StringList>& rows) {
  auto v = std::make_shared<Vector>(DataType::List(DataType::String()));
  for (const auto& row : rows) {
    if (!row) {
      v->AppendNull();
      continue;
    }
    for (const auto& e : *row) {
      if (e) {
        v->list_child().AppendString(*e);
      } else {
        v->list_child().AppendNull();
      }
    }
    v->AppendListEnd();
  }
  return v;
}

// One row as a Value (flat types only).
inline Value ValueAt(const Vector& v, size_t row) {
  if (v.IsNull(row)) return Value::Null(v.type());
  switch (v.type().id()) {
    case TypeId::kBoolean: return Value::Boolean(v.Get<uint8_t>(row) != 0);
    case TypeId::kInt32: return Value::Int32(v.Get<int32_t>(row));
    case TypeId::kDate: return Value::Date(v.Get<int32_t>(row));
    case TypeId::kInt64: return Value::Int64(v.Get<int64_t>(row));
    case TypeId::kTimestamp: return Value::Timestamp(v.Get<int64_t>(row));
    case TypeId::kFloat64: return Value::Float64(v.Get<double>(row));
    case TypeId::kString:
    case TypeId::kBytes: return Value::String(std::string(v.Get<std::string_view>(row)));
    default: return Value::String(CastToText(v, row));
  }
}

// A list row as strings; nullopt for a NULL row.
inline std::optional<std::vector<std::string>> ListAt(const Vector& v, size_t row) {
  if (v.IsNull(row)) return std::nullopt;
  std::vector<std::string> out;
  for (uint32_t i = v.offsets()[row]; i < v.offsets()[row + 1]; ++i) {
    out.push_back(v.list_child().IsNull(i) ? "<null>" : CastToText(v.list_child(), i));
  }
  return out;
}

inline Result<BoundFunction> Bind(std::string_view name, const std::vector<Arg>& args) {
  const ScalarFunction* fn = FunctionRegistry::Builtin().Find(name);
  if (!fn) return Status::NotFound("no function {}", name);
  BindArguments bind;
  for (const Arg& a : args) {
    DataType t = a.type;
    if (t.id() == TypeId::kNull) {
      for (const Value& v : a.values) {
        if (v.type().id() != TypeId::kNull) {
          t = v.type();
          break;
        }
      }
    }
    bind.types.push_back(t);
    bind.constants.push_back(a.constant ? &a.values[0] : nullptr);
  }
  return fn->bind(bind);
}

// The bind error message of a call (empty if it binds).
inline std::string BindError(std::string_view name, const std::vector<Arg>& args) {
  auto bound = Bind(name, args);
  return bound.ok() ? std::string() : bound.status().message();
}

struct Evaluated {
  BoundFunction function;
  VectorPtr out;
};

// Runs the call over max(column length, 1) rows; `selection` restricts the live rows.
inline Result<Evaluated> Evaluate(std::string_view name, const std::vector<Arg>& args,
                                  int64_t now_micros = 0,
                                  SelectionVector selection = SelectionVector::All()) {
  SLUICE_ASSIGN_OR_RETURN(BoundFunction bound, Bind(name, args));
  size_t rows = 1;
  for (const Arg& a : args) {
    if (a.vector) rows = std::max(rows, a.vector->size());
    if (!a.constant && !a.vector) rows = std::max(rows, a.values.size());
  }
  EvalContext eval;
  eval.now_micros = now_micros;
  SelectionVector all = SelectionVector::All();
  KernelContext cast_ctx{all, rows, eval};
  std::vector<VectorPtr> inputs;
  for (size_t i = 0; i < args.size(); ++i) {
    const Arg& a = args[i];
    VectorPtr in = a.vector;
    if (!in) {
      std::vector<Value> values = a.values;
      if (a.constant) values.assign(rows, a.values[0]);
      DataType t = a.type;
      for (const Value& v : values) {
        if (t.id() == TypeId::kNull && v.type().id() != TypeId::kNull) t = v.type();
      }
      in = MakeVector(t.id() == TypeId::kNull ? DataType::String() : t, values);
      if (t.id() == TypeId::kNull) t = DataType::String();
    }
    if (in->type() != bound.arg_types[i]) {
      auto cast = std::make_shared<Vector>(bound.arg_types[i]);
      SLUICE_RETURN_NOT_OK(CastVector(*in, bound.arg_types[i], cast_ctx, *cast));
      in = cast;
    }
    inputs.push_back(in);
  }
  auto out = std::make_shared<Vector>(bound.return_type);
  KernelContext ctx{selection, rows, eval};
  SLUICE_RETURN_NOT_OK(bound.kernel(inputs, ctx, *out));
  EXPECT_EQ(out->size(), rows) << name;
  return Evaluated{std::move(bound), std::move(out)};
}

// The single-row result of a call whose arguments are all literals.
inline Value Call(std::string_view name, const std::vector<Value>& literals,
                  int64_t now_micros = 0) {
  std::vector<Arg> args;
  for (const Value& v : literals) args.push_back(Lit(v));
  auto r = Evaluate(name, args, now_micros);
  if (!r.ok()) {
    ADD_FAILURE() << name << ": " << r.status().ToString();
    return Value();
  }
  return ValueAt(*r->out, 0);
}

// The text of a single-row result: its CAST AS STRING, or "NULL".
inline std::string CallText(std::string_view name, const std::vector<Value>& literals,
                            int64_t now_micros = 0) {
  std::vector<Arg> args;
  for (const Value& v : literals) args.push_back(Lit(v));
  auto r = Evaluate(name, args, now_micros);
  if (!r.ok()) {
    ADD_FAILURE() << name << ": " << r.status().ToString();
    return "<error>";
  }
  return r->out->IsNull(0) ? "NULL" : CastToText(*r->out, 0);
}

}  // namespace sluice::test
