#include "vector/string_arena.h"

#include <algorithm>
#include <cstring>

namespace sluice {

char* StringArena::Allocate(size_t size) {
  if (chunks_.empty() || chunks_.back().capacity - chunks_.back().used < size) {
    // Values larger than a chunk get a chunk of their own.
    size_t capacity = std::max(chunk_size_, size);
    // The padding lies beyond `capacity`: allocated and readable, never handed out.
    chunks_.push_back(
        Chunk{std::make_unique_for_overwrite<char[]>(capacity + tail_padding_), capacity, 0});
  }
  Chunk& chunk = chunks_.back();
  char* out = chunk.data.get() + chunk.used;
  chunk.used += size;
  bytes_used_ += size;
  return out;
}

std::string_view StringArena::Add(std::string_view value) {
  if (value.empty()) return {};
  char* out = Allocate(value.size());
  std::memcpy(out, value.data(), value.size());
  return {out, value.size()};
}

}  // namespace sluice
