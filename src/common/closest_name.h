#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace sluice {

// Edit distance between two names (insertions, deletions, substitutions and swaps of
// neighbouring characters).
size_t EditDistance(std::string_view a, std::string_view b);

// The candidate closest to `name` within a third of its length (at least one edit), for "did
// you mean"; empty when none is that close.
std::string ClosestName(std::string_view name, const std::vector<std::string_view>& candidates);

// Every candidate at the closest such distance (at most `limit`, in order), when several tie:
// 'rond' is one edit from both 'rand' and 'round'.
std::vector<std::string> ClosestNames(std::string_view name,
                                      const std::vector<std::string_view>& candidates,
                                      size_t limit = 3);

}  // namespace sluice
