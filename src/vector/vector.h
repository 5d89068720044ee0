#pragma once

#include <cassert>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string_view>
#include <vector>

#include "types/data_type.h"
#include "vector/string_arena.h"
#include "vector/validity_bitmap.h"

namespace sluice {

// One column of a batch. Layout by type:
//   fixed-width types   values in data<T>() (see TypeId for T), one per row
//   STRING / BYTES      std::string_view per row in data<std::string_view>(), bytes in arenas
//   ROW                 one child vector per field, each of the same size as this vector
//   ARRAY               uint32_t offsets (size + 1) into the single child vector
// A null row's value slot holds a zero value, so kernels may compute over it blindly and rely
// on the validity bitmap for the result's nulls.
class Vector {
 public:
  explicit Vector(DataType type);
  Vector(const Vector&) = delete;
  Vector& operator=(const Vector&) = delete;

  const DataType& type() const { return type_; }
  size_t size() const { return size_; }

  template <typename T>
  T* data() {
    return reinterpret_cast<T*>(data_.data());
  }
  template <typename T>
  const T* data() const {
    return reinterpret_cast<const T*>(data_.data());
  }
  template <typename T>
  T Get(size_t row) const {
    assert(row < size_);
    return data<T>()[row];
  }

  bool IsNull(size_t row) const { return !validity_.IsValid(row); }
  bool IsValid(size_t row) const { return validity_.IsValid(row); }
  bool MayHaveNulls() const { return !validity_.AllValid(); }
  void SetNull(size_t row) { validity_.SetNull(row, size_); }
  void SetValid(size_t row) { validity_.SetValid(row); }
  const ValidityBitmap& validity() const { return validity_; }
  ValidityBitmap& validity() { return validity_; }

  // Sets the size; new fixed-width slots are zero, new rows valid. Nested children are not
  // resized (struct children are by the caller, list children follow the offsets).
  void Resize(size_t size);
  void Reserve(size_t capacity);
  void Clear();
  // Drops rows from `size` on, nested children included (rolls back a half-decoded row).
  void Truncate(size_t size);

  // Builders, used by decoders and kernels that produce one row at a time.
  // The decoders' hot path: one slot written whole, so no zero-fill and no per-row Resize.
  template <typename T>
  void Append(T value) {
    size_t row = size_;
    size_t slots = SlotsFor((row + 1) * sizeof(T));
    if (slots > data_.size()) data_.resize(slots);  // amortised by the vector's capacity
    data<T>()[row] = value;
    if (!validity_.AllValid()) {
      validity_.Resize(row + 1);
      validity_.SetValid(row);
    }
    size_ = row + 1;
  }
  void AppendNull();
  // Copies the bytes into this vector's arena.
  void AppendString(std::string_view value) { Append(arena().Add(value)); }
  // Sets a string row to a copy of `value`.
  void SetString(size_t row, std::string_view value) {
    data<std::string_view>()[row] = arena().Add(value);
  }

  // The arena that owns this vector's strings, created on first use.
  StringArena& arena();
  // Keeps another vector's arenas alive, so string views copied from it stay valid.
  void ShareArenasOf(const Vector& other);

  // Struct children.
  size_t num_children() const { return children_.size(); }
  Vector& child(size_t i) { return *children_[i]; }
  const Vector& child(size_t i) const { return *children_[i]; }
  std::shared_ptr<Vector> shared_child(size_t i) const { return children_[i]; }
  // Replaces a child (struct field or list elements) with one of the same type and, for a
  // struct, the same size.
  void SetChild(size_t i, std::shared_ptr<Vector> child) { children_[i] = std::move(child); }

  // List layout: offsets()[row]..offsets()[row+1] index into list_child().
  uint32_t* offsets() { return offsets_.data(); }
  const uint32_t* offsets() const { return offsets_.data(); }
  Vector& list_child() { return *children_[0]; }
  const Vector& list_child() const { return *children_[0]; }
  // Closes the current list row after its elements were appended to list_child().
  void AppendListEnd();

  // Bytes held by this vector and its children (data, validity, arenas), for memory budgets.
  size_t MemoryUsage() const;

 private:
  DataType type_;
  size_t size_ = 0;
  size_t width_ = 0;
  // 16-byte slots keep every value type aligned, DECIMAL's 128-bit integers included.
  struct alignas(16) Slot {
    uint64_t words[2];
  };
  static size_t SlotsFor(size_t bytes) { return (bytes + sizeof(Slot) - 1) / sizeof(Slot); }
  std::vector<Slot> data_;
  ValidityBitmap validity_;
  std::vector<uint32_t> offsets_;  // lists only: size_ + 1 entries
  std::vector<std::shared_ptr<Vector>> children_;
  std::shared_ptr<StringArena> arena_;
  std::vector<std::shared_ptr<StringArena>> shared_arenas_;
};

using VectorPtr = std::shared_ptr<Vector>;

}  // namespace sluice
