#include "vector/take.h"

#include "types/decimal.h"

#include "vector/copy_value.h"

namespace sluice {

void ShareArenasDeep(const Vector& from, Vector& to) {
  to.ShareArenasOf(from);
  if (from.type().id() == TypeId::kStruct) {
    for (size_t i = 0; i < from.num_children(); ++i) ShareArenasDeep(from.child(i), to.child(i));
  } else if (from.type().id() == TypeId::kList) {
    ShareArenasDeep(from.list_child(), to.list_child());
  }
}

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

namespace {

template <typename T>
void Gather(const Vector& in, const std::vector<uint32_t>& indices, Vector& out) {
  const T* src = in.data<T>();
  T* dst = out.data<T>();
  for (size_t i = 0; i < indices.size(); ++i) dst[i] = src[indices[i]];
}

}  // namespace

// Column at a time, nested types included: a struct gathers each field with the same indices, a
// list gathers its elements once, so unnesting costs a few loops per column, not a call per value.
VectorPtr Take(const Vector& in, const std::vector<uint32_t>& indices) {
  auto out = std::make_shared<Vector>(in.type());
  out->ShareArenasOf(in);
  const size_t n = indices.size();
  out->Resize(n);
  switch (in.type().id()) {
    case TypeId::kStruct:
      for (size_t c = 0; c < in.num_children(); ++c) out->SetChild(c, Take(in.child(c), indices));
      break;
    case TypeId::kList: {
      std::vector<uint32_t> elements;
      const uint32_t* from = in.offsets();
      uint32_t* offsets = out->offsets();
      for (size_t i = 0; i < n; ++i) {
        uint32_t row = indices[i];
        if (!in.IsNull(row)) {
          for (uint32_t e = from[row]; e < from[row + 1]; ++e) elements.push_back(e);
        }
        offsets[i + 1] = static_cast<uint32_t>(elements.size());
      }
      out->SetChild(0, Take(in.list_child(), elements));
      break;
    }
    default:
      switch (in.type().FixedWidth()) {
        case 1: Gather<uint8_t>(in, indices, *out); break;
        case 4: Gather<int32_t>(in, indices, *out); break;
        case 8: Gather<int64_t>(in, indices, *out); break;
        case 16:
          if (in.type().IsStringLike()) {
            Gather<std::string_view>(in, indices, *out);
          } else {
            Gather<Int128>(in, indices, *out);  // DECIMAL
          }
          break;
        default: break;
      }
  }
  if (in.MayHaveNulls()) {
    for (size_t i = 0; i < n; ++i) {
      if (in.IsNull(indices[i])) out->SetNull(i);
    }
  }
  return out;
}

}  // namespace sluice
