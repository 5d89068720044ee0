// JavaRandom draws what java.util.Random draws: the expected values were printed by a JVM
// (java.util.Random through PySpark's gateway), and the seed-1 factors are the ones Spark wrote
// into a count_min_sketch(x, 0.5D, 0.9D, 1).
#include <gtest/gtest.h>

#include <vector>

#include "common/java_random.h"

namespace sluice {
namespace {

TEST(JavaRandom, NextIntDrawsAsJava) {
  JavaRandom seed42(42);
  std::vector<int32_t> got;
  for (int i = 0; i < 3; ++i) got.push_back(seed42.NextInt(16));  // a power of two
  for (int i = 0; i < 3; ++i) got.push_back(seed42.NextInt(10));
  for (int i = 0; i < 2; ++i) got.push_back(seed42.NextInt(1000000007));  // rejects a tail
  EXPECT_EQ(got, (std::vector<int32_t>{11, 0, 10, 4, 0, 5, 595021505, 519796911}));

  JavaRandom negative_seed(static_cast<uint64_t>(int64_t{-3}));
  got.clear();
  for (int i = 0; i < 3; ++i) got.push_back(negative_seed.NextInt(INT32_MAX));
  EXPECT_EQ(got, (std::vector<int32_t>{577165164, 2099436801, 754537216}));

  JavaRandom spark_sketch(1);
  got.clear();
  for (int i = 0; i < 4; ++i) got.push_back(spark_sketch.NextInt(INT32_MAX));
  EXPECT_EQ(got, (std::vector<int32_t>{0x5D8D6AB9, 0x0CDC4E6C, 0x347D8737, 0x3426FCC9}));
}

TEST(JavaRandom, NextDoubleDrawsAsJava) {
  JavaRandom histogram(31183);
  EXPECT_EQ(histogram.NextDouble(), 0.10748527202486546);
  EXPECT_EQ(histogram.NextDouble(), 0.893630159548549);
}

}  // namespace
}  // namespace sluice
