#include "vector/vector.h"

#include <algorithm>
#include <cstring>

namespace sluice {

Vector::Vector(DataType type) : type_(std::move(type)), width_(type_.FixedWidth()) {
  if (type_.id() == TypeId::kStruct) {
    for (const Field& f : type_.fields()) children_.push_back(std::make_shared<Vector>(f.type));
  } else if (type_.id() == TypeId::kList) {
    children_.push_back(std::make_shared<Vector>(type_.element()));
    offsets_.push_back(0);
  }
}

void Vector::Reserve(size_t capacity) {
  if (width_) data_.reserve(SlotsFor(capacity * width_));
  if (type_.id() == TypeId::kList) offsets_.reserve(capacity + 1);
}

void Vector::Resize(size_t size) {
  if (width_) {
    const size_t old_bytes = data_.size() * sizeof(Slot);
    data_.resize(SlotsFor(size * width_), Slot{});  // new slots arrive zeroed
    // Rows dropped by Truncate may have left bytes in slots kept: new rows start at zero.
    const size_t begin = size_ * width_;
    const size_t end = std::min(size * width_, old_bytes);
    if (end > begin) std::memset(reinterpret_cast<char*>(data_.data()) + begin, 0, end - begin);
  }
  if (type_.id() == TypeId::kList) {
    uint32_t last = offsets_.back();
    offsets_.resize(size + 1, last);
  }
  validity_.Resize(size);
  if (size > size_) {
    for (size_t row = size_; row < size; ++row) validity_.SetValid(row);
  }
  size_ = size;
}

void Vector::Clear() {
  data_.clear();
  validity_.Clear();
  if (type_.id() == TypeId::kList) offsets_.assign(1, 0);
  for (auto& child : children_) child->Clear();
  arena_.reset();
  shared_arenas_.clear();
  size_ = 0;
}

void Vector::Truncate(size_t size) {
  // size == size_ still trims nested children that hold a half-appended row.
  if (size > size_) return;
  if (type_.id() == TypeId::kStruct) {
    for (auto& child : children_) child->Truncate(size);
  } else if (type_.id() == TypeId::kList) {
    children_[0]->Truncate(offsets_[size]);
    offsets_.resize(size + 1);
  }
  if (width_) data_.resize(SlotsFor(size * width_));
  validity_.Resize(size);
  size_ = size;
}

void Vector::AppendNull() {
  size_t row = size_;
  Resize(size_ + 1);
  if (type_.id() == TypeId::kStruct) {
    for (auto& child : children_) child->AppendNull();
  }
  SetNull(row);
}

void Vector::AppendListEnd() {
  offsets_.push_back(static_cast<uint32_t>(children_[0]->size()));
  validity_.Resize(size_ + 1);
  validity_.SetValid(size_);
  ++size_;
}

StringArena& Vector::arena() {
  if (!arena_) arena_ = std::make_shared<StringArena>();
  return *arena_;
}

void Vector::ShareArenasOf(const Vector& other) {
  if (other.arena_) shared_arenas_.push_back(other.arena_);
  shared_arenas_.insert(shared_arenas_.end(), other.shared_arenas_.begin(),
                        other.shared_arenas_.end());
}

size_t Vector::MemoryUsage() const {
  size_t bytes = data_.capacity() * sizeof(Slot) + offsets_.capacity() * 4 + size_ / 8;
  if (arena_) bytes += arena_->bytes_used();
  for (const auto& child : children_) bytes += child->MemoryUsage();
  return bytes;
}

}  // namespace sluice
