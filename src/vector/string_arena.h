#pragma once

#include <cstddef>
#include <memory>
#include <string_view>
#include <vector>

namespace sluice {

// Owns the bytes of the string values of one or more vectors. Values are appended into large
// chunks so a batch of strings costs a few allocations, not one per value; views stay valid for
// the arena's lifetime (chunks never move).
class StringArena {
 public:
  // `tail_padding` readable bytes follow every value (the next value's, or a chunk's spare end),
  // so a parser that reads ahead of a value's end, as simdjson does, can work in place.
  explicit StringArena(size_t chunk_size = 64 * 1024, size_t tail_padding = 0)
      : chunk_size_(chunk_size), tail_padding_(tail_padding) {}
  StringArena(const StringArena&) = delete;
  StringArena& operator=(const StringArena&) = delete;
  // Moving keeps every view valid: the chunks themselves do not move.
  StringArena(StringArena&&) = default;
  StringArena& operator=(StringArena&&) = default;

  // Copies `value` into the arena and returns a view of the copy.
  std::string_view Add(std::string_view value);
  // Reserves `size` writable bytes; the caller fills them and builds the view itself.
  char* Allocate(size_t size);
  size_t bytes_used() const { return bytes_used_; }

 private:
  struct Chunk {
    std::unique_ptr<char[]> data;
    size_t capacity;
    size_t used;
  };
  size_t chunk_size_;
  size_t tail_padding_;
  size_t bytes_used_ = 0;
  std::vector<Chunk> chunks_;
};

}  // namespace sluice
