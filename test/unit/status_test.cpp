#include <gtest/gtest.h>

#include "common/result.h"
#include "common/status.h"

namespace sluice {
namespace {

Result<int> ParsePositive(int v) {
  if (v <= 0) return Status::Invalid("expected a positive number, found {}", v);
  return v;
}

Result<int> Doubled(int v) {
  SLUICE_ASSIGN_OR_RETURN(int parsed, ParsePositive(v));
  return parsed * 2;
}

Status CheckBoth(int a, int b) {
  SLUICE_RETURN_NOT_OK(ParsePositive(a).status());
  SLUICE_RETURN_NOT_OK(ParsePositive(b).status());
  return Status::OK();
}

TEST(Status, OkCarriesNoMessage) {
  Status s;
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kOk);
  EXPECT_EQ(s.message(), "");
  EXPECT_EQ(s.ToString(), "OK");
}

TEST(Status, ErrorKeepsCodeAndMessageThroughCopies) {
  Status s = Status::Unavailable("postgres at {}:{} refused", "127.0.0.1", 5432);
  Status copy = s;
  EXPECT_FALSE(copy.ok());
  EXPECT_EQ(copy.code(), StatusCode::kUnavailable);
  EXPECT_EQ(copy.ToString(), "Unavailable: postgres at 127.0.0.1:5432 refused");
  EXPECT_TRUE(copy.IsRetryable());
  EXPECT_FALSE(Status::Invalid("x").IsRetryable());
  EXPECT_EQ(s.WithContext("sink pg").message(), "sink pg: postgres at 127.0.0.1:5432 refused");
}

TEST(Result, PropagatesValuesAndErrors) {
  EXPECT_EQ(*Doubled(21), 42);
  Result<int> bad = Doubled(-1);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(), "expected a positive number, found -1");
  EXPECT_TRUE(CheckBoth(1, 2).ok());
  EXPECT_EQ(CheckBoth(1, 0).message(), "expected a positive number, found 0");
}

}  // namespace
}  // namespace sluice
