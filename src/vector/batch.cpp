#include "vector/batch.h"

namespace sluice {

Batch Batch::Empty(const Schema& schema) {
  std::vector<VectorPtr> columns;
  columns.reserve(schema.size());
  for (const Field& f : schema.fields()) columns.push_back(std::make_shared<Vector>(f.type));
  return Batch(std::move(columns), 0);
}

size_t Batch::MemoryUsage() const {
  size_t bytes = 0;
  for (const auto& c : columns_) bytes += c->MemoryUsage();
  return bytes;
}

}  // namespace sluice
