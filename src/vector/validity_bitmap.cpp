#include "vector/validity_bitmap.h"

namespace sluice {

size_t ValidityBitmap::CountNulls(size_t size) const {
  if (words_.empty()) return 0;
  size_t nulls = 0;
  for (size_t row = 0; row < size; ++row) nulls += IsValid(row) ? 0 : 1;
  return nulls;
}

}  // namespace sluice
