#pragma once

#include "types/decimal.h"
#include "vector/vector.h"

namespace sluice {

// Copies one value (or its NULL) between vectors of the same flat type. String bytes are not
// copied: the caller makes `dst` share `src`'s arenas once (Vector::ShareArenasOf).
inline void CopyFlatValue(const Vector& src, size_t src_row, Vector& dst, size_t dst_row) {
  if (src.IsNull(src_row)) {
    dst.SetNull(dst_row);
    return;
  }
  dst.SetValid(dst_row);
  switch (src.type().FixedWidth()) {
    case 1: dst.data<uint8_t>()[dst_row] = src.data<uint8_t>()[src_row]; break;
    case 4: dst.data<int32_t>()[dst_row] = src.data<int32_t>()[src_row]; break;
    case 8: dst.data<int64_t>()[dst_row] = src.data<int64_t>()[src_row]; break;
    case 16:
      if (src.type().IsStringLike()) {
        dst.data<std::string_view>()[dst_row] = src.data<std::string_view>()[src_row];
      } else {
        dst.data<Int128>()[dst_row] = src.data<Int128>()[src_row];  // DECIMAL
      }
      break;
    default: break;
  }
}

}  // namespace sluice
