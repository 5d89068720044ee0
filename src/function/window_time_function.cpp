// window_time(window): the event time of a window's row, its end less one microsecond (windows
// hold [start, end)), as Spark's, for the `window` and `session_window` columns a GROUP BY
// window(...) / session_window(...) gives.
#include "function/function_registry.h"
#include "function/function_util.h"

namespace sluice {
namespace {

constexpr const char* kSignature = "window_time(window_column)";

Result<BoundFunction> BindWindowTime(const BindArguments& args) {
  SLUICE_RETURN_NOT_OK(fnutil::CheckArity(kSignature, args.types.size(), 1, 1));
  const DataType& t = args.types[0];
  const int end = t.id() == TypeId::kStruct ? t.FieldIndex("end") : -1;
  if (end < 0 || t.FieldIndex("start") < 0 || t.fields()[end].type.id() != TypeId::kTimestamp) {
    return Status::Invalid(
        "window_time: expects the window column of GROUP BY window(...) or session_window(...) "
        "(a struct with TIMESTAMP start and end), found {}",
        t.ToString());
  }
  BoundFunction f{DataType::Timestamp(), {t}, nullptr};
  f.kernel = [end](const std::vector<VectorPtr>& a, const KernelContext& ctx, Vector& out) {
    const Vector& ends = a[0]->child(static_cast<size_t>(end));
    out.Resize(ctx.num_rows);
    int64_t* o = out.data<int64_t>();
    const int64_t* e = ends.data<int64_t>();
    kernel::ForEachLive(ctx, [&](size_t row) {
      if (a[0]->IsNull(row) || ends.IsNull(row) || __builtin_sub_overflow(e[row], 1, &o[row])) {
        out.SetNull(row);
      }
    });
    return Status::OK();
  };
  return f;
}

}  // namespace

void RegisterWindowTimeFunction(FunctionRegistry& registry) {
  registry.Register({"window_time", kSignature, BindWindowTime});
}

}  // namespace sluice
