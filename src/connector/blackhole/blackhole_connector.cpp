// 'connector' = 'blackhole': a sink that takes every row and keeps none, as Flink's blackhole
// connector — for benchmarks that measure the pipeline, not a database.
#include "connector/connector_registry.h"
#include "connector/sink.h"

namespace sluice {
namespace {

class BlackholeSink final : public Sink {
 public:
  BlackholeSink() { capabilities_.accepts_updates = true; }
  Status Open() override { return Status::OK(); }
  using Sink::Write;
  Status Write(const Batch& batch, const RecordPositions*) override {
    CountWritten(batch.num_live_rows());
    return Status::OK();
  }
  Status Close() override { return Status::OK(); }
  std::string Describe() const override { return "blackhole (rows are counted, then dropped)"; }

 protected:
  Status CommitEpoch(uint64_t, const SourceOffsets&) override { return Status::OK(); }
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
