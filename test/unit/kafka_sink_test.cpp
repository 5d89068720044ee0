// KafkaSink::Make checks its options without connecting (the producer is created by Open, which
// nothing here calls).
#include <gtest/gtest.h>

#include "connector/kafka/kafka_sink.h"

namespace sluice {
namespace {

// A port nothing listens on: Make must not need a broker.
const char* kBootstrap = "127.0.0.1:1";

Result<std::unique_ptr<Sink>> Make(std::map<std::string, std::string> options,
                                   const Schema& schema) {
  return KafkaSink::Make(ConnectorOptions("alert_sink", std::move(options)), schema);
}

Schema AlertSchema() {
  return Schema({{"customer_id", DataType::String(), false},
                 {"region", DataType::String(), true},
                 {"amount", DataType::Int32(), true}});
}

std::map<std::string, std::string> Base() {
  return {{"topic", "alerts"}, {"properties.bootstrap.servers", kBootstrap}};
}

void ExpectInvalid(const Result<std::unique_ptr<Sink>>& r, const std::vector<std::string>& parts) {
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  for (const auto& part : parts) {
    EXPECT_NE(r.status().message().find(part), std::string::npos)
        << "'" << part << "' not in: " << r.status().message();
  }
}

TEST(KafkaSinkTest, MakeAcceptsValidOptionsWithoutConnecting) {
  auto options = Base();
  options["key.fields"] = "customer_id; region";
  options["sink.delivery-guarantee"] = "exactly-once";
  options["json.timestamp-format.standard"] = "SQL";
  options["properties.linger.ms"] = "5";
  auto r = Make(options, AlertSchema());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE((*r)->exactly_once());

  auto plain = Make(Base(), AlertSchema());
  ASSERT_TRUE(plain.ok()) << plain.status().ToString();
  EXPECT_FALSE((*plain)->exactly_once());  // at-least-once by default
}

TEST(KafkaSinkTest, MissingBootstrapServers) {
  ExpectInvalid(Make({{"topic", "alerts"}}, AlertSchema()),
                {"alert_sink", "properties.bootstrap.servers", "required"});
}

TEST(KafkaSinkTest, MissingTopic) {
  ExpectInvalid(Make({{"properties.bootstrap.servers", kBootstrap}}, AlertSchema()),
                {"alert_sink", "'topic'", "required"});
}

TEST(KafkaSinkTest, RawFormatNeedsOneStringOrBytesColumn) {
  auto options = Base();
  options["format"] = "raw";
  Schema two({{"a", DataType::String(), true}, {"b", DataType::String(), true}});
  ExpectInvalid(Make(options, two), {"alert_sink", "'raw'", "2 column"});
  ExpectInvalid(Make(options, Schema({{"n", DataType::Int32(), true}})), {"alert_sink", "'raw'"});
  EXPECT_TRUE(Make(options, Schema({{"s", DataType::String(), true}})).ok());
  EXPECT_TRUE(Make(options, Schema({{"b", DataType::Bytes(), true}})).ok());
}

TEST(KafkaSinkTest, UnknownFormat) {
  auto options = Base();
  options["format"] = "avro";
  ExpectInvalid(Make(options, AlertSchema()), {"alert_sink", "'format'", "'avro'", "json", "raw"});
}

TEST(KafkaSinkTest, KeyFieldsMustNameColumns) {
  auto options = Base();
  options["key.fields"] = "customer_id;branch";
  ExpectInvalid(Make(options, AlertSchema()),
                {"alert_sink", "key.fields", "'branch'", "not a column"});
}

TEST(KafkaSinkTest, BadDeliveryGuarantee) {
  auto options = Base();
  options["sink.delivery-guarantee"] = "at-most-once";
  ExpectInvalid(Make(options, AlertSchema()),
                {"alert_sink", "sink.delivery-guarantee", "'at-most-once'", "at-least-once",
                 "exactly-once", "none"});
}

TEST(KafkaSinkTest, UnknownOptionAndBadKafkaProperty) {
  auto options = Base();
  options["key.field"] = "customer_id";
  ExpectInvalid(Make(options, AlertSchema()),
                {"alert_sink", "'key.field'", "kafka", "key.fields", "properties.*"});

  options = Base();
  options["properties.no.such.setting"] = "1";
  ExpectInvalid(Make(options, AlertSchema()), {"alert_sink", "properties.no.such.setting"});
}

}  // namespace
}  // namespace sluice
