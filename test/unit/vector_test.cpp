#include <gtest/gtest.h>

#include <string>

#include "types/schema.h"
#include "vector/batch.h"
#include "vector/vector.h"

namespace sluice {
namespace {

TEST(DataType, SpellsNestedTypesInSql) {
  DataType item = DataType::Struct({{"item_id", DataType::String(), false},
                                    {"quantity", DataType::Int32(), true},
                                    {"unit_price", DataType::Decimal(10, 2), true}});
  DataType items = DataType::List(item);
  EXPECT_EQ(items.ToString(),
            "ARRAY<ROW<item_id STRING NOT NULL, quantity INT, unit_price DECIMAL(10,2)>>");
  EXPECT_EQ(item.FieldIndex("QUANTITY"), 1);
  EXPECT_EQ(item.FieldIndex("missing"), -1);
  EXPECT_EQ(items, DataType::List(item));
  EXPECT_NE(items, DataType::List(DataType::String()));
  EXPECT_NE(DataType::Decimal(10, 2), DataType::Decimal(10, 3));
}

TEST(Vector, FixedWidthValuesAndNulls) {
  Vector v(DataType::Int64());
  for (int64_t i = 0; i < 1000; ++i) {
    if (i % 7 == 0) {
      v.AppendNull();
    } else {
      v.Append<int64_t>(i * 3);
    }
  }
  ASSERT_EQ(v.size(), 1000u);
  EXPECT_TRUE(v.MayHaveNulls());
  EXPECT_EQ(v.validity().CountNulls(v.size()), 143u);  // ceil(1000 / 7)
  for (int64_t i = 0; i < 1000; ++i) {
    EXPECT_EQ(v.IsNull(i), i % 7 == 0) << i;
    if (i % 7) {
      EXPECT_EQ(v.Get<int64_t>(i), i * 3);
    }
  }
}

TEST(Vector, NoNullsMeansNoBitmap) {
  Vector v(DataType::Float64());
  for (int i = 0; i < 100; ++i) v.Append<double>(i + 0.5);
  EXPECT_FALSE(v.MayHaveNulls());
  EXPECT_DOUBLE_EQ(v.Get<double>(99), 99.5);
}

TEST(Vector, StringsLiveInTheArenaAndSurviveGrowth) {
  Vector v(DataType::String());
  std::string big(10 * 1024 * 1024, 'x');  // larger than an arena chunk
  v.AppendString("trans_1");
  v.AppendString(big);
  v.AppendString("");
  v.AppendNull();
  for (int i = 0; i < 10000; ++i) v.AppendString("cust_" + std::to_string(i));
  EXPECT_EQ(v.Get<std::string_view>(0), "trans_1");
  EXPECT_EQ(v.Get<std::string_view>(1).size(), big.size());
  EXPECT_EQ(v.Get<std::string_view>(2), "");
  EXPECT_TRUE(v.IsNull(3));
  EXPECT_EQ(v.Get<std::string_view>(4 + 9999), "cust_9999");
  EXPECT_GE(v.MemoryUsage(), big.size());
}

TEST(Vector, SharedArenaKeepsBorrowedStringsAlive) {
  auto out = std::make_shared<Vector>(DataType::String());
  {
    Vector in(DataType::String());
    in.AppendString("merch_3");
    out->ShareArenasOf(in);
    out->Append(in.Get<std::string_view>(0));
  }
  EXPECT_EQ(out->Get<std::string_view>(0), "merch_3");
}

TEST(Vector, ListOfStructs) {
  DataType item = DataType::Struct({{"name", DataType::String(), true},
                                    {"quantity", DataType::Int32(), true}});
  Vector list(DataType::List(item));
  // row 0: two items, row 1: null, row 2: empty list
  Vector& items = list.list_child();
  items.child(0).AppendString("Chair");
  items.child(1).Append<int32_t>(2);
  items.Resize(1);
  items.child(0).AppendString("Desk");
  items.child(1).AppendNull();
  items.Resize(2);
  list.AppendListEnd();
  list.AppendNull();
  list.AppendListEnd();
  ASSERT_EQ(list.size(), 3u);
  EXPECT_EQ(list.offsets()[0], 0u);
  EXPECT_EQ(list.offsets()[1], 2u);
  EXPECT_EQ(list.offsets()[2], 2u);
  EXPECT_EQ(list.offsets()[3], 2u);
  EXPECT_TRUE(list.IsNull(1));
  EXPECT_FALSE(list.IsNull(2));
  EXPECT_EQ(items.child(0).Get<std::string_view>(1), "Desk");
  EXPECT_TRUE(items.child(1).IsNull(1));
  EXPECT_EQ(items.child(1).Get<int32_t>(0), 2);
}

TEST(Batch, SelectionNarrowsWithoutCopying) {
  Schema schema({{"amount", DataType::Int32(), false}, {"merchant_id", DataType::String(), true}});
  Batch batch = Batch::Empty(schema);
  for (int i = 0; i < 10; ++i) {
    batch.column(0).Append<int32_t>(i * 100);
    batch.column(1).AppendString("merch_" + std::to_string(i % 3 + 1));
  }
  batch.set_num_rows(10);
  EXPECT_EQ(batch.num_live_rows(), 10u);
  batch.set_selection(SelectionVector::Of({6, 7, 9}));
  EXPECT_EQ(batch.num_live_rows(), 3u);
  EXPECT_EQ(batch.column(0).Get<int32_t>(batch.selection()[1]), 700);
  EXPECT_EQ(schema.IndexOf("MERCHANT_ID"), 1);
  EXPECT_EQ(schema.ToString(), "(amount INT NOT NULL, merchant_id STRING)");
}

}  // namespace
}  // namespace sluice
