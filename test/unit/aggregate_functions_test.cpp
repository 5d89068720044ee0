// Aggregate states driven directly: HyperLogLog accuracy, and checkpoint round trips of every
// aggregate's state.
#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <string>

#include "aggregate/aggregate_function.h"

namespace sluice {
namespace {

// A STRING vector of `n` distinct values ("v0", "v1", ...), each repeated `copies` times.
std::unique_ptr<Vector> DistinctStrings(int n, int copies) {
  auto v = std::make_unique<Vector>(DataType::String());
  for (int c = 0; c < copies; ++c) {
    for (int i = 0; i < n; ++i) v->AppendString("v" + std::to_string(i));
  }
  return v;
}

int64_t RunSingleGroup(const AggregateFunction& f, const Vector& input) {
  auto states = f.make_states();
  states->Resize(1);
  std::vector<uint32_t> rows, groups;
  for (uint32_t r = 0; r < input.size(); ++r) {
    rows.push_back(r);
    groups.push_back(0);
  }
  states->Update({&input}, rows.data(), groups.data(), rows.size());
  Vector out(f.result_type);
  uint32_t group = 0;
  states->Finalize(&group, 1, out);
  return out.data<int64_t>()[0];
}

TEST(ApproxCountDistinct, EstimatesWithinItsRelativeError) {
  for (double rsd : {0.05, 0.01}) {
    Value rsd_value = Value::Float64(rsd);
    auto f = ResolveAggregate("approx_count_distinct", false, {DataType::String(), DataType::Float64()},
                              {nullptr, &rsd_value});
    ASSERT_TRUE(f.ok()) << f.status().message();
    for (int n : {10, 1000, 100000}) {
      int64_t estimate = RunSingleGroup(*f, *DistinctStrings(n, 2));  // duplicates do not count
      double error = std::abs(static_cast<double>(estimate - n)) / n;
      EXPECT_LT(error, 3 * rsd) << "rsd " << rsd << ", " << n << " distinct values: " << estimate;
    }
  }
}

TEST(AggregateStates, SurviveASnapshotRoundTrip) {
  Vector ints(DataType::Int64());
  for (int64_t i = 0; i < 100; ++i) {
    if (i % 10 == 0) {
      ints.AppendNull();
    } else {
      ints.Append(i * 7 % 31);
    }
  }
  for (const std::string name : {"count", "sum", "avg", "min", "max", "first", "last", "collect_list",
                                 "collect_set", "approx_count_distinct", "stddev", "var_pop"}) {
    auto f = ResolveAggregate(name, false, {DataType::Int64()}, {nullptr});
    ASSERT_TRUE(f.ok()) << name << ": " << f.status().message();
    auto original = f->make_states();
    original->Resize(2);
    std::vector<uint32_t> rows, groups;
    for (uint32_t r = 0; r < ints.size(); ++r) {
      rows.push_back(r);
      groups.push_back(r % 2);
    }
    original->Update({&ints}, rows.data(), groups.data(), rows.size());
    auto restored = f->make_states();
    restored->Resize(2);
    for (uint32_t g = 0; g < 2; ++g) {
      std::string bytes;
      original->Serialize(g, bytes);
      std::string_view in = bytes;
      ASSERT_TRUE(restored->Deserialize(g, in)) << name;
      EXPECT_TRUE(in.empty()) << name << ": bytes left over";
      std::string truncated = bytes.substr(0, bytes.size() / 2);
      std::string_view short_in = truncated;
      auto scratch = f->make_states();
      scratch->Resize(1);
      if (!bytes.empty() && truncated.size() < bytes.size()) {
        // A truncated snapshot is rejected or reads less than the whole; never read past its end.
        (void)scratch->Deserialize(0, short_in);
      }
    }
    Vector a(f->result_type), b(f->result_type);
    std::vector<uint32_t> both = {0, 1};
    original->Finalize(both.data(), 2, a);
    restored->Finalize(both.data(), 2, b);
    for (size_t r = 0; r < 2; ++r) {
      ASSERT_EQ(a.IsNull(r), b.IsNull(r)) << name;
      if (a.type().id() == TypeId::kList) {
        EXPECT_EQ(a.offsets()[r + 1] - a.offsets()[r], b.offsets()[r + 1] - b.offsets()[r]) << name;
      } else if (a.type().id() == TypeId::kFloat64) {
        EXPECT_DOUBLE_EQ(a.data<double>()[r], b.data<double>()[r]) << name;
      } else {
        EXPECT_EQ(a.data<int64_t>()[r], b.data<int64_t>()[r]) << name;
      }
    }
  }
}

// Feeds one group the rows of `values` in two parts, once straight through into `running` and
// once with a checkpoint (Serialize, Deserialize into fresh states) after the first `split`
// rows into `restored`, and finalizes both.
void FinalizeAcrossACheckpoint(const AggregateFunction& f, const Vector& values, uint32_t split,
                               Vector& running_result, Vector& restored_result) {
  std::vector<uint32_t> first_rows, later_rows, zeros(values.size(), 0);
  for (uint32_t r = 0; r < values.size(); ++r) (r < split ? first_rows : later_rows).push_back(r);
  auto running = f.make_states();
  running->Resize(1);
  running->Update({&values}, first_rows.data(), zeros.data(), first_rows.size());
  std::string bytes;
  running->Serialize(0, bytes);
  auto restored = f.make_states();
  restored->Resize(1);
  std::string_view in = bytes;
  ASSERT_TRUE(restored->Deserialize(0, in));
  EXPECT_TRUE(in.empty());
  running->Update({&values}, later_rows.data(), zeros.data(), later_rows.size());
  restored->Update({&values}, later_rows.data(), zeros.data(), later_rows.size());
  const uint32_t group = 0;
  running->Finalize(&group, 1, running_result);
  restored->Finalize(&group, 1, restored_result);
}

// histogram_numeric's checkpoint keeps the bins and the tie-breaking generator: a restored state
// fed the same later rows ends with the same bins as one that never stopped. Equal gaps (the
// values 0, 10, 20, ...) make the generator decide every merge.
TEST(ResolveAggregate, HistogramStateSurvivesACheckpoint) {
  const Value bins = Value::Int32(3);
  auto f = ResolveAggregate("histogram_numeric", false, {DataType::Int64(), DataType::Int32()},
                            {nullptr, &bins});
  ASSERT_TRUE(f.ok()) << f.status().message();
  Vector values(DataType::Int64());
  for (int64_t i = 0; i < 40; ++i) values.Append(i % 20 * 10);
  Vector a(f->result_type), b(f->result_type);
  FinalizeAcrossACheckpoint(*f, values, 20, a, b);
  ASSERT_EQ(a.offsets()[1], 3u);  // nb bins
  ASSERT_EQ(b.offsets()[1], 3u);
  double total = 0;
  for (uint32_t i = 0; i < 3; ++i) {
    EXPECT_EQ(a.list_child().child(0).data<int64_t>()[i], b.list_child().child(0).data<int64_t>()[i]);
    EXPECT_EQ(a.list_child().child(1).data<double>()[i], b.list_child().child(1).data<double>()[i]);
    total += a.list_child().child(1).data<double>()[i];
  }
  EXPECT_EQ(total, 40.0);  // every value counted once
}

TEST(ResolveAggregate, ExplainsWhatIsWrong) {
  // DISTINCT resolves the aggregate itself first, so its errors are the aggregate's.
  EXPECT_EQ(ResolveAggregate("sum", true, {DataType::Boolean()}, {nullptr}).status().message(),
            "sum() expects a number or an interval, not BOOLEAN");
  EXPECT_EQ(ResolveAggregate("avg", false, {DataType::Boolean()}, {nullptr}).status().message(),
            "avg() expects a number or an interval, not BOOLEAN");
  EXPECT_EQ(ResolveAggregate("min", false, {}, {}).status().message(),
            "min() takes one argument; 0 arguments were given");
}

// bitmap_construct_agg's state is its bitmap: a restored state fed the same later positions ends
// with the same 4096 bytes as one that never stopped; positions outside the bitmap are refused
// before any state sees them.
TEST(ResolveAggregate, BitmapStateSurvivesACheckpointAndRefusesOutsidePositions) {
  auto f = ResolveAggregate("bitmap_construct_agg", false, {DataType::Int64()}, {nullptr});
  ASSERT_TRUE(f.ok()) << f.status().message();
  ASSERT_TRUE(f->refuse);
  Vector positions(DataType::Int64());
  for (int64_t p : {0, 7, 8, 32767, 100, 4095, -1, 32768}) positions.Append(p);
  for (uint32_t r = 0; r < 6; ++r) EXPECT_EQ(f->refuse(positions, r), "") << r;
  EXPECT_NE(f->refuse(positions, 6).find("position -1 is out of bounds"), std::string::npos);
  EXPECT_NE(f->refuse(positions, 7).find("position 32768 is out of bounds"), std::string::npos);
  Vector in_bitmap(DataType::Int64());  // the positions inside it
  for (uint32_t r = 0; r < 6; ++r) in_bitmap.Append(positions.data<int64_t>()[r]);
  Vector a(f->result_type), b(f->result_type);
  FinalizeAcrossACheckpoint(*f, in_bitmap, 3, a, b);
  const std::string_view got = a.data<std::string_view>()[0];
  ASSERT_EQ(got.size(), 4096u);
  EXPECT_EQ(got, b.data<std::string_view>()[0]);
  // Bits 0, 7, 8, 32767, 100, 4095: byte 0 = 0x81, byte 1 = 0x01, byte 12 = 0x10 (bit 100 = 12 * 8
  // + 4), byte 511 = 0x80 (4095 = 511 * 8 + 7), byte 4095 = 0x80.
  std::string want(4096, '\0');
  want[0] = '\x81';
  want[1] = '\x01';
  want[12] = '\x10';
  want[511] = '\x80';
  want[4095] = '\x80';
  EXPECT_EQ(got, want);
}

}  // namespace
}  // namespace sluice
