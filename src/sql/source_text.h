#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "common/status.h"

namespace sluice::sql {

// A position in a SQL text: 1-based line and column (in bytes), and the byte offset.
struct SourceLocation {
  int line = 1;
  int column = 1;
  size_t offset = 0;
};

// The text of one SQL script and the name it is reported under (a file path, or "<input>").
// Every error about the script goes through here, so all of them look alike:
//
//   cashback.sql:12:18: error: expected ')' but found 'FROM'
//      12 |   SELECT round(amount FROM t
//         |                       ^
class SourceText {
 public:
  SourceText(std::string name, std::string text) : name_(std::move(name)), text_(std::move(text)) {}

  const std::string& name() const { return name_; }
  const std::string& text() const { return text_; }

  // "name:line:col: error: message", then the line and a caret under the column.
  std::string FormatError(SourceLocation location, std::string_view message) const;
  Status Error(SourceLocation location, std::string_view message) const {
    return Status::Invalid("{}", FormatError(location, message));
  }

 private:
  std::string name_;
  std::string text_;
};

}  // namespace sluice::sql
