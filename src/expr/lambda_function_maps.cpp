// The higher-order functions over maps, as Spark's: map_filter(m, (k, v) -> cond),
// transform_values(m, (k, v) -> value), transform_keys(m, (k, v) -> key) and
// map_zip_with(m1, m2, (k, v1, v2) -> value). A NULL map gives NULL. transform_keys follows the
// map functions' key policy (function/map_functions.h): a NULL key makes the map NULL, a key
// given twice keeps its last value.
#include <unordered_map>

#include "expr/lambda_function.h"
#include "function/map_functions.h"
#include "vector/sort_key.h"
#include "vector/take.h"

namespace sluice {

Result<VectorPtr> LambdaFunction::EvaluateMapEntries(const Batch& input, const Vector& map,
                                                     EvalContext& context) const {
  const size_t num_rows = input.num_rows();
  const std::vector<uint8_t> live = LiveRows(input);
  const uint32_t* offsets = map.offsets();
  const Vector& keys = map.list_child().child(0);
  const Vector& values = map.list_child().child(1);
  // Every entry of the live maps, and the row it belongs to.
  std::vector<uint32_t> rows, items;
  for (uint32_t row = 0; row < num_rows; ++row) {
    if (!live[row] || map.IsNull(row)) continue;
    for (uint32_t i = offsets[row]; i < offsets[row + 1]; ++i) {
      rows.push_back(row);
      items.push_back(i);
    }
  }
  SLUICE_ASSIGN_OR_RETURN(VectorPtr result, Apply(lambdas_[0], input, rows,
                                                  {Take(keys, items), Take(values, items)}, context));
  auto out = std::make_shared<Vector>(type());
  Vector& entries = out->list_child();
  ShareArenasDeep(map.list_child(), entries);
  ShareArenasDeep(*result, entries.child(kind_ == Kind::kTransformKeys ? 0 : 1));
  size_t k = 0;
  for (uint32_t row = 0; row < num_rows; ++row) {
    if (!live[row] || map.IsNull(row)) {
      out->AppendNull();
      continue;
    }
    const uint32_t begin = offsets[row], end = offsets[row + 1];
    if (kind_ == Kind::kTransformKeys) {
      std::vector<uint32_t> key_rows, value_rows;
      for (uint32_t i = begin; i < end; ++i, ++k) {
        key_rows.push_back(static_cast<uint32_t>(k));
        value_rows.push_back(i);
      }
      AppendMapEntries(*result, key_rows, values, value_rows, *out);
      continue;
    }
    for (uint32_t i = begin; i < end; ++i, ++k) {
      if (kind_ == Kind::kMapFilter) {
        if (IsTrue(*result, k)) AppendRow(map.list_child(), i, entries);
      } else {  // transform_values
        AppendRow(keys, i, entries.child(0));
        AppendRow(*result, k, entries.child(1));
        entries.Resize(entries.child(0).size());
      }
    }
    out->AppendListEnd();
  }
  return out;
}

// map_zip_with: the keys of the left map in its order, then those only the right map has; the
// lambda gets NULL for the side that lacks a key.
Result<VectorPtr> LambdaFunction::EvaluateMapZipWith(const Batch& input, const Vector& left,
                                                     const Vector& right,
                                                     EvalContext& context) const {
  const size_t num_rows = input.num_rows();
  const std::vector<uint8_t> live = LiveRows(input);
  const Vector& left_keys = left.list_child().child(0);
  const Vector& right_keys = right.list_child().child(0);
  auto keys = std::make_shared<Vector>(left_keys.type());
  auto xs = std::make_shared<Vector>(left.list_child().child(1).type());
  auto ys = std::make_shared<Vector>(right.list_child().child(1).type());
  ShareArenasDeep(left_keys, *keys);
  ShareArenasDeep(right_keys, *keys);
  ShareArenasDeep(left.list_child().child(1), *xs);
  ShareArenasDeep(right.list_child().child(1), *ys);
  std::vector<uint32_t> rows;
  std::vector<uint32_t> counts(num_rows, 0);
  std::string key;
  for (uint32_t row = 0; row < num_rows; ++row) {
    if (!live[row] || left.IsNull(row) || right.IsNull(row)) continue;
    std::unordered_map<std::string, uint32_t> in_right;  // key → entry of the right map
    for (uint32_t j = right.offsets()[row]; j < right.offsets()[row + 1]; ++j) {
      key.clear();
      AppendSortKey(right_keys, j, false, key);
      in_right.emplace(key, j);
    }
    for (uint32_t i = left.offsets()[row]; i < left.offsets()[row + 1]; ++i) {
      key.clear();
      AppendSortKey(left_keys, i, false, key);
      AppendRow(left_keys, i, *keys);
      AppendRow(left.list_child().child(1), i, *xs);
      auto match = in_right.find(key);
      if (match == in_right.end()) {
        ys->AppendNull();
      } else {
        AppendRow(right.list_child().child(1), match->second, *ys);
        in_right.erase(match);  // taken: not again among the right map's own keys
      }
      rows.push_back(row);
    }
    for (uint32_t j = right.offsets()[row]; j < right.offsets()[row + 1]; ++j) {
      key.clear();
      AppendSortKey(right_keys, j, false, key);
      if (!in_right.count(key)) continue;
      AppendRow(right_keys, j, *keys);
      xs->AppendNull();
      AppendRow(right.list_child().child(1), j, *ys);
      rows.push_back(row);
    }
    counts[row] = static_cast<uint32_t>(rows.size());
  }
  SLUICE_ASSIGN_OR_RETURN(VectorPtr result, Apply(lambdas_[0], input, rows, {keys, xs, ys}, context));
  auto out = std::make_shared<Vector>(type());
  Vector& entries = out->list_child();
  ShareArenasDeep(*keys, entries.child(0));
  ShareArenasDeep(*result, entries.child(1));
  size_t k = 0;
  for (uint32_t row = 0; row < num_rows; ++row) {
    if (!live[row] || left.IsNull(row) || right.IsNull(row)) {
      out->AppendNull();
      continue;
    }
    for (; k < counts[row]; ++k) {
      AppendRow(*keys, k, entries.child(0));
      AppendRow(*result, k, entries.child(1));
      entries.Resize(entries.child(0).size());
    }
    out->AppendListEnd();
  }
  return out;
}

}  // namespace sluice
