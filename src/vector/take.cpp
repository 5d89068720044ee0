#include "vector/take.h"

#include "vector/copy_value.h"

namespace sluice {

void AppendRow(const Vector& in, size_t row, Vector& out) {
  if (in.IsNull(row)) {
    out.AppendNull();
    return;
  }
  switch (in.type().id()) {
    case TypeId::kStruct: {
      for (size_t i = 0; i < in.num_children(); ++i) AppendRow(in.child(i), row, out.child(i));
      out.Resize(out.size() + 1);
      return;
    }
    case TypeId::kList: {
      const Vector& child = in.list_child();
      for (uint32_t i = in.offsets()[row]; i < in.offsets()[row + 1]; ++i) {
        AppendRow(child, i, out.list_child());
      }
      out.AppendListEnd();
      return;
    }
    default: {
      size_t dst = out.size();
      out.Resize(dst + 1);
      CopyFlatValue(in, row, out, dst);
    }
  }
}

VectorPtr Take(const Vector& in, const std::vector<uint32_t>& indices) {
  auto out = std::make_shared<Vector>(in.type());
  out->ShareArenasOf(in);
  if (in.type().IsNested()) {
    // Nested children may hold strings too: share every arena below.
    struct Sharer {
      static void Share(const Vector& from, Vector& to) {
        to.ShareArenasOf(from);
        if (from.type().id() == TypeId::kStruct) {
          for (size_t i = 0; i < from.num_children(); ++i) Share(from.child(i), to.child(i));
        } else if (from.type().id() == TypeId::kList) {
          Share(from.list_child(), to.list_child());
        }
      }
    };
    Sharer::Share(in, *out);
    out->Reserve(indices.size());
    for (uint32_t row : indices) AppendRow(in, row, *out);
    return out;
  }
  out->Resize(indices.size());
  for (size_t i = 0; i < indices.size(); ++i) CopyFlatValue(in, indices[i], *out, i);
  return out;
}

}  // namespace sluice
