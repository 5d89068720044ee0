// 'connector' = 'blackhole': a sink that takes every row and keeps none, as Flink's blackhole
// connector — for benchmarks that measure the pipeline, not a database.
#include "connector/connector_registry.h"
#include "connector/sink.h"

namespace sluice {
namespace {

class BlackholeSink final : public Sink {
 public:
  Status Open() override { return Status::OK(); }
  Status Write(const Batch& batch) override {
    rows_ += batch.num_live_rows();
    return Status::OK();
  }
  Status Commit() override { return Status::OK(); }
  Status Close() override { return Status::OK(); }
  std::string Describe() const override { return "blackhole (rows are counted, then dropped)"; }
  uint64_t rows_written() const override { return rows_; }
  bool accepts_updates() const override { return true; }

 private:
  uint64_t rows_ = 0;
};

}  // namespace

void RegisterBlackholeConnector(ConnectorRegistry& registry) {
  registry.RegisterSink("blackhole", [](const ConnectorOptions& options,
                                        const Schema&) -> Result<std::unique_ptr<Sink>> {
    SLUICE_RETURN_NOT_OK(options.CheckKnown("blackhole", {}));
    return std::unique_ptr<Sink>(new BlackholeSink());
  });
}

}  // namespace sluice
