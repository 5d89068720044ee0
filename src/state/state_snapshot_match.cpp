#include "state/state_snapshot_match.h"

#include <map>
#include <set>
#include <string_view>

#include <spdlog/spdlog.h>

namespace sluice {
namespace {

std::string Quoted(const std::vector<std::string_view>& ids) {
  std::string text;
  for (auto id : ids) text += (text.empty() ? "'" : ", '") + std::string(id) + "'";
  return text;
}

}  // namespace

Result<std::vector<size_t>> MatchOperatorStates(const StateSnapshot& snapshot,
                                                const std::vector<std::string>& ids,
                                                const std::vector<std::string>& legacy_paths,
                                                const std::string& dir) {
  std::map<std::string_view, size_t> by_id;
  for (size_t i = 0; i < snapshot.operators.size(); ++i) by_id[snapshot.operators[i].id] = i;
  std::vector<size_t> match;
  for (const auto& id : ids) {
    auto it = by_id.find(id);
    if (it == by_id.end()) break;
    match.push_back(it->second);
  }
  if (match.size() == ids.size() && by_id.size() == ids.size() &&
      snapshot.operators.size() == ids.size()) {
    return match;
  }
  match.clear();
  if (snapshot.operators.size() == legacy_paths.size()) {
    for (size_t i = 0; i < legacy_paths.size(); ++i) {
      if (!snapshot.operators[i].id.starts_with(legacy_paths[i] + ": ")) break;
      match.push_back(i);
    }
    if (match.size() == legacy_paths.size()) {
      spdlog::info("reading the state in {} by position: it was checkpointed before state ids "
                   "were stable; the next checkpoint writes them",
                   dir);
      return match;
    }
  }
  std::vector<std::string_view> missing, unclaimed;
  const std::set<std::string_view> ours(ids.begin(), ids.end());
  for (const auto& id : ids) {
    if (!by_id.count(id)) missing.push_back(id);
  }
  for (const auto& op : snapshot.operators) {
    if (!ours.count(op.id)) unclaimed.push_back(op.id);
  }
  std::string detail;
  if (!unclaimed.empty()) detail += "it holds state for " + Quoted(unclaimed) + ", which this plan lacks";
  if (!missing.empty()) {
    detail += (detail.empty() ? "" : "; ") + std::string("it has no state for ") + Quoted(missing);
  }
  if (detail.empty()) detail = "it holds an operator's state twice";
  return Status::Invalid(
      "the state checkpointed in {} was written by a different plan ({}): delete that folder to "
      "start this pipeline over, or give it another 'pipeline.name'",
      dir, detail);
}

}  // namespace sluice
