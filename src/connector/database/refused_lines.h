#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"

namespace sluice {

// What a database offers for finding refused lines: a savepoint, going back to it, letting it go,
// and loading some lines (DataError when the database refuses them). Called inside a transaction
// the caller rolls back afterwards.
struct ProbeSteps {
  std::function<Status()> savepoint;
  std::function<Status()> rollback_to_savepoint;
  std::function<Status()> release_savepoint;
  std::function<Status(std::string_view lines)> load;
};

// Each line of `rows` (lines end with '\n') the database refuses, with its reason, found by
// bisection: a refused range is split in halves until single lines remain, so a commit with a few
// bad rows costs a few dozen statements. Bounded (a refusal of most rows points to a schema
// problem, which the first message explains better) and ended by a stop request.
Result<std::vector<std::pair<size_t, std::string>>> FindRefusedLines(std::string_view rows,
                                                                     const ProbeSteps& steps);

}  // namespace sluice
