#pragma once

#include <string>
#include <vector>

#include "common/result.h"
#include "state/state_snapshot.h"

namespace sluice {

// Which of `snapshot`'s operator states each of a plan's stateful operators restores: for
// operator i (state id `ids[i]`), the index into snapshot.operators. Ids are the planner's
// stable ones ("<sink table>/<kind>"), matched whatever their order. A snapshot written before
// stable ids ("<place in the tree>: <explain line>", in tree order) is matched by position
// against `legacy_paths`. Anything else — an operator the snapshot lacks, a state no operator
// claims — is a snapshot of another plan: an error naming the ids on both sides, and `dir`.
Result<std::vector<size_t>> MatchOperatorStates(const StateSnapshot& snapshot,
                                                const std::vector<std::string>& ids,
                                                const std::vector<std::string>& legacy_paths,
                                                const std::string& dir);

}  // namespace sluice
