#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <thread>

#include "common/result.h"
#include "exec/metrics_hub.h"

namespace httplib {
class Server;
}

namespace sluice::server {

// The HTTP endpoint of a running pipeline (off unless asked: `sluice run --http`, or SET
// 'rest.port'), on threads of its own that only read the MetricsHub's snapshots:
//   /metrics       Prometheus text format
//   /api/pipeline  the plan graph with live counters (JSON)
//   /api/history   totals once a second over the last ten minutes (JSON)
//   /healthz       liveness: 200 unless the pipeline failed or its loop stopped turning
//   /readyz        readiness: 200 once running, sources assigned and the last checkpoint recent
//   /              the web UI (files compiled into the binary)
class HttpServer {
 public:
  // `address`: "HOST:PORT", ":PORT" or "PORT" (host 127.0.0.1); port 0 picks a free one.
  static Result<std::unique_ptr<HttpServer>> Start(std::string_view address, const MetricsHub* hub);
  ~HttpServer();

  // "http://127.0.0.1:8080/"
  const std::string& url() const { return url_; }

 private:
  HttpServer() = default;
  void Route();

  const MetricsHub* hub_ = nullptr;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  std::string url_;
};

// Parses "HOST:PORT", ":PORT" or "PORT" (host 127.0.0.1) for --http and 'rest.port'.
Result<std::pair<std::string, int>> ParseListenAddress(std::string_view address);

}  // namespace sluice::server
