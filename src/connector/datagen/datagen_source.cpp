#include "connector/datagen/datagen_source.h"

#include <algorithm>
#include <cmath>
#include <thread>

#include <fmt/format.h>

#include "types/timestamp.h"

namespace sluice {
namespace {

// Event-time spacing when no rate is set: 1000 records per second of event time.
constexpr int64_t kDefaultIntervalUs = 1000;
// With a very low rate, event times still advance at most a day per record.
constexpr int64_t kMaxIntervalUs = 86'400LL * 1'000'000;

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

Result<std::unique_ptr<Source>> DatagenSource::Make(const ConnectorOptions& options) {
  SLUICE_RETURN_NOT_OK(options.CheckKnown("datagen",
                                          {"scenario", "number-of-rows", "rows-per-second", "seed",
                                           "bad-fraction", "start-time", "format", "encoding"},
                                          {"json."}));
  std::unique_ptr<DatagenSource> s(new DatagenSource());
  s->table_ = options.table_name();
  const std::string& table = s->table_;
  const std::vector<std::string_view> scenarios = ScenarioGenerator::Scenarios();

  if (!options.Has("scenario")) {
    return Status::Invalid(
        "table '{}': option 'scenario' is required for connector 'datagen'; one of '{}'", table,
        fmt::join(scenarios, "', '"));
  }
  SLUICE_ASSIGN_OR_RETURN(std::string scenario, options.GetEnum("scenario", "", scenarios));
  Result<std::string> encoding = options.GetEnum("encoding", "json", {"json", "none"});
  if (!encoding.ok()) return encoding.status();
  s->encode_json_ = encoding.value() != "none";

  if (options.Has("number-of-rows")) {
    SLUICE_ASSIGN_OR_RETURN(int64_t rows, options.GetInt("number-of-rows", 0));
    if (rows < 0) {
      return Status::Invalid("table '{}': option 'number-of-rows' must be 0 or more, found {}",
                             table, rows);
    }
    s->number_of_rows_ = rows;
  }

  SLUICE_ASSIGN_OR_RETURN(s->rows_per_second_, options.GetDouble("rows-per-second", 0));
  if (!(s->rows_per_second_ >= 0) || std::isinf(s->rows_per_second_)) {
    return Status::Invalid(
        "table '{}': option 'rows-per-second' must be a finite number >= 0 (0: as fast as "
        "possible), found '{}'",
        table, options.GetString("rows-per-second", ""));
  }

  SLUICE_ASSIGN_OR_RETURN(int64_t seed, options.GetInt("seed", 0));
  s->config_.seed = static_cast<uint64_t>(seed);

  SLUICE_ASSIGN_OR_RETURN(s->config_.bad_fraction, options.GetDouble("bad-fraction", 0));
  if (!(s->config_.bad_fraction >= 0 && s->config_.bad_fraction <= 1)) {
    return Status::Invalid("table '{}': option 'bad-fraction' must be between 0 and 1, found '{}'",
                           table, options.GetString("bad-fraction", ""));
  }

  if (options.Has("start-time")) {
    std::string text = options.GetString("start-time", "");
    std::optional<int64_t> micros = ParseTimestamp(text);
    if (!micros) {
      return Status::Invalid(
          "table '{}': option 'start-time' expects a timestamp 'YYYY-MM-DD HH:MM:SS' (UTC), "
          "found '{}'",
          table, text);
    }
    s->config_.base_time_ms = FloorDiv(*micros, 1000);
    s->start_time_text_ = std::move(text);
  } else {
    s->config_.base_time_ms = NowMs();
  }

  if (s->rows_per_second_ > 0) {
    double interval = std::round(1e6 / s->rows_per_second_);
    s->config_.event_interval_us =
        static_cast<int64_t>(std::clamp(interval, 1.0, static_cast<double>(kMaxIntervalUs)));
    s->bucket_capacity_ = std::max(1.0, s->rows_per_second_ / 10);
  } else {
    s->config_.event_interval_us = kDefaultIntervalUs;
  }

  Result<std::unique_ptr<ScenarioGenerator>> generator =
      ScenarioGenerator::Make(scenario, s->config_);
  if (!generator.ok()) return generator.status().WithContext(fmt::format("table '{}'", table));
  s->generator_ = std::move(generator).value();
  s->origin_ = fmt::format("datagen:{}", scenario);
  return std::unique_ptr<Source>(std::move(s));
}

Result<bool> DatagenSource::FillColumns(const Schema& physical) {
  if (encode_json_) return false;
  if (!generator_->BindColumns(physical)) {
    return Status::Invalid(
        "table '{}': 'encoding' = 'none' fills the columns directly, which the {} scenario {}; "
        "use 'encoding' = 'json'",
        table_, generator_->scenario(),
        generator_->scenario() != "nexmark" ? "cannot (only nexmark can)"
        : config_.bad_fraction > 0
            ? "cannot do with malformed records ('bad-fraction')"
            : "cannot do for these columns (each must be a field of the nexmark event, with "
              "the type of Flink's Nexmark table)");
  }
  filled_schema_ = physical;
  return true;
}

Status DatagenSource::Open() {
  opened_ = true;
  last_refill_ = Clock::now();
  tokens_ = 1;  // the first record goes out at once
  return Status::OK();
}

void DatagenSource::Refill(Clock::time_point now) {
  const double elapsed = std::chrono::duration<double>(now - last_refill_).count();
  tokens_ = std::min(bucket_capacity_, tokens_ + elapsed * rows_per_second_);
  last_refill_ = now;
}

Result<bool> DatagenSource::Poll(RawBatch& out, size_t max_records,
                                 std::chrono::milliseconds timeout) {
  if (!opened_) return Status::Internal("table '{}': datagen source polled before Open", table_);
  if (out.origin() != origin_) out.set_origin(origin_);

  uint64_t n = max_records;
  if (number_of_rows_) {
    n = std::min<uint64_t>(n, static_cast<uint64_t>(*number_of_rows_ - delivered_));
  }

  if (rows_per_second_ > 0 && n > 0) {
    Refill(Clock::now());
    if (tokens_ < 1) {
      // Sleep until the next record is due, or for the whole timeout if that comes first.
      const std::chrono::duration<double> due((1 - tokens_) / rows_per_second_);
      const auto sleep = std::chrono::ceil<std::chrono::microseconds>(
          std::min<std::chrono::duration<double>>(due, timeout));
      if (sleep.count() > 0) std::this_thread::sleep_for(sleep);
      Refill(Clock::now());
    }
    n = std::min<uint64_t>(n, static_cast<uint64_t>(std::floor(tokens_)));
    tokens_ -= static_cast<double>(n);
  }

  if (filled_schema_) {
    Batch rows = Batch::Empty(*filled_schema_);
    std::vector<VectorPtr>& columns = rows.columns();
    for (auto& column : columns) column->Reserve(n);
    for (uint64_t i = 0; i < n; ++i) {
      const int64_t offset = static_cast<int64_t>(generator_->sequence());
      generator_->NextColumns(columns, record_);
      out.AddWithKey(record_.key, {}, record_.event_time_ms, 0, offset);
    }
    rows.set_num_rows(n);
    out.SetFilled(std::move(rows));
    delivered_ += static_cast<int64_t>(n);
    return !(number_of_rows_ && delivered_ >= *number_of_rows_);
  }
  for (uint64_t i = 0; i < n; ++i) {
    const int64_t offset = static_cast<int64_t>(generator_->sequence());
    generator_->Next(record_);
    if (record_.has_key) {
      out.AddWithKey(record_.key, record_.value, record_.event_time_ms, 0, offset);
    } else {
      out.Add(record_.value, record_.event_time_ms, 0, offset);
    }
  }
  delivered_ += static_cast<int64_t>(n);
  return !(number_of_rows_ && delivered_ >= *number_of_rows_);
}

Status DatagenSource::Close() {
  opened_ = false;
  return Status::OK();
}

std::string DatagenSource::Describe() const {
  std::string out = fmt::format("datagen(scenario={}", generator_->scenario());
  if (number_of_rows_) {
    fmt::format_to(std::back_inserter(out), ", number-of-rows={}", *number_of_rows_);
  } else {
    out += ", unbounded";
  }
  if (rows_per_second_ > 0) {
    fmt::format_to(std::back_inserter(out), ", rows-per-second={}", rows_per_second_);
  }
  fmt::format_to(std::back_inserter(out), ", seed={}, bad-fraction={}",
                 static_cast<int64_t>(config_.seed), config_.bad_fraction);
  if (!encode_json_) out += ", encoding=none";
  if (start_time_text_) {
    fmt::format_to(std::back_inserter(out), ", start-time={}", *start_time_text_);
  }
  out += ')';
  return out;
}

}  // namespace sluice
