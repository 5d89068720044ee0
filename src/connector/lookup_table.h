#pragma once

#include <string>
#include <vector>

#include "common/result.h"
#include "vector/vector.h"

namespace sluice {

// A table a stream looks rows up in (a lookup join): given key values, the rows whose key
// column equals them. Rows come back as text, one string per column (`null` for NULL), and the
// join casts them to the declared column types.
class LookupTable {
 public:
  virtual ~LookupTable() = default;

  virtual Status Open() = 0;
  struct Row {
    std::string key;  // the key value as text
    std::vector<std::string> values;
    std::vector<bool> nulls;
  };
  // The rows for `keys` (key values as text, distinct); a key with no row is simply absent.
  // A failure that retrying may fix (the server is down) is Unavailable.
  virtual Result<std::vector<Row>> Lookup(const std::vector<std::string>& keys) = 0;
  virtual std::string Describe() const = 0;
};

}  // namespace sluice
