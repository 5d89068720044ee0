#include "server/http_server.h"

#include <httplib.h>

#include <fmt/format.h>

#include <cerrno>
#include <charconv>
#include <cstring>

#include "format/json_encoder.h"
#include "server/pipeline_json.h"
#include "server/prometheus_text.h"
#include "server/web_assets.h"

namespace sluice::server {
namespace {

std::string_view ContentTypeOf(std::string_view name) {
  if (name.ends_with(".html")) return "text/html; charset=utf-8";
  if (name.ends_with(".js")) return "text/javascript; charset=utf-8";
  if (name.ends_with(".css")) return "text/css; charset=utf-8";
  if (name.ends_with(".svg")) return "image/svg+xml";
  if (name.ends_with(".json")) return "application/json";
  return "application/octet-stream";
}

// A running pipeline whose loop has not published for this long is stuck (every wait in the
// loop is bounded well below it).
constexpr int64_t kStuckAfterMs = 60'000;

// Readiness: running, every partitioned source has partitions, and a checkpoint completed
// within three commit intervals plus 10 s (or the run is younger than that).
std::string NotReadyReason(const PipelineMetrics& m, int64_t now_ms) {
  if (m.state != "running") return "the pipeline is " + m.state;
  for (const auto& s : m.sources) {
    if (!s.origin.empty() && s.partitions.empty() && !s.finished) {
      return "source '" + s.table + "' has no partitions assigned yet";
    }
  }
  const int64_t recent_ms = 3 * m.commit_interval_ms + 10'000;
  const int64_t since = m.checkpoints.last_success_unix_ms > 0 ? m.checkpoints.last_success_unix_ms
                                                                : m.started_unix_ms;
  if (now_ms - since > recent_ms) {
    return m.checkpoints.last_success_unix_ms > 0
               ? fmt::format("the last checkpoint completed {} s ago", (now_ms - since) / 1000)
               : fmt::format("no checkpoint completed in {} s", (now_ms - since) / 1000);
  }
  return {};
}

std::string StatusJson(bool ok, const std::string& reason) {
  std::string out = ok ? "{\"status\":\"ok\"" : "{\"status\":\"unavailable\"";
  if (!reason.empty()) {
    out += ",\"reason\":";
    AppendJsonString(reason, out);
  }
  out += "}\n";
  return out;
}

}  // namespace

Result<std::pair<std::string, int>> ParseListenAddress(std::string_view address) {
  std::string host = "127.0.0.1";
  std::string_view port_text = address;
  if (auto colon = address.rfind(':'); colon != std::string_view::npos) {
    if (colon > 0) host = std::string(address.substr(0, colon));
    port_text = address.substr(colon + 1);
  }
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  int port = -1;
  auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc() || end != port_text.data() + port_text.size() || port < 0 || port > 65535) {
    return Status::Invalid(
        "'{}' is not an address to listen on: expected HOST:PORT, :PORT or PORT with a port from 0 "
        "(any free one) to 65535, e.g. 127.0.0.1:8080",
        address);
  }
  return std::pair{host, port};
}

Result<std::unique_ptr<HttpServer>> HttpServer::Start(std::string_view address, const MetricsHub* hub) {
  SLUICE_ASSIGN_OR_RETURN(auto host_port, ParseListenAddress(address));
  auto [host, port] = host_port;
  std::unique_ptr<HttpServer> server(new HttpServer());
  server->hub_ = hub;
  server->server_ = std::make_unique<httplib::Server>();
  // Two threads are plenty for a dashboard, a scraper and `sluice status`.
  server->server_->new_task_queue = [] { return new httplib::ThreadPool(2); };
  server->server_->set_read_timeout(5, 0);
  server->server_->set_write_timeout(5, 0);
  server->Route();
  if (port == 0) {
    port = server->server_->bind_to_any_port(host);
    if (port < 0) return Status::IOError("cannot listen on {} (any port): {}", host, std::strerror(errno));
  } else if (!server->server_->bind_to_port(host, port)) {
    return Status::IOError("cannot listen on {}:{} ({}): is another process using the port? Pick "
                           "another with --http HOST:PORT, or 0 for any free one",
                           host, port, std::strerror(errno));
  }
  const bool v6 = host.find(':') != std::string::npos;
  server->url_ = fmt::format("http://{}{}{}:{}/", v6 ? "[" : "", host, v6 ? "]" : "", port);
  server->thread_ = std::thread([s = server->server_.get()] { s->listen_after_bind(); });
  return server;
}

HttpServer::~HttpServer() {
  if (server_) server_->stop();
  if (thread_.joinable()) thread_.join();
}

void HttpServer::Route() {
  httplib::Server& s = *server_;
  s.Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
    res.set_content(RenderPrometheusText(*hub_->Latest()), "text/plain; version=0.0.4; charset=utf-8");
  });
  s.Get("/api/pipeline", [this](const httplib::Request&, httplib::Response& res) {
    res.set_header("Cache-Control", "no-store");
    res.set_content(RenderPipelineJson(*hub_->Latest(), hub_->CurrentRates()), "application/json");
  });
  s.Get("/api/history", [this](const httplib::Request&, httplib::Response& res) {
    res.set_header("Cache-Control", "no-store");
    res.set_content(RenderHistoryJson(hub_->History()), "application/json");
  });
  s.Get("/healthz", [this](const httplib::Request&, httplib::Response& res) {
    auto m = hub_->Latest();
    std::string reason;
    if (m->state == "failed") {
      reason = "the pipeline failed: " + m->last_error;
    } else if (m->state == "running" && UnixMillisNow() - m->updated_unix_ms > kStuckAfterMs) {
      reason = fmt::format("the pipeline has not turned for {} s", (UnixMillisNow() - m->updated_unix_ms) / 1000);
    }
    res.status = reason.empty() ? 200 : 503;
    res.set_content(StatusJson(reason.empty(), reason), "application/json");
  });
  s.Get("/readyz", [this](const httplib::Request&, httplib::Response& res) {
    std::string reason = NotReadyReason(*hub_->Latest(), UnixMillisNow());
    res.status = reason.empty() ? 200 : 503;
    res.set_content(StatusJson(reason.empty(), reason), "application/json");
  });
  for (const WebAsset& asset : WebAssets()) {
    // Routes are regular expressions: the dots of file names are escaped.
    std::string path = "/";
    if (asset.name != "index.html") {
      for (char c : asset.name) {
        if (c == '.') path += '\\';
        path += c;
      }
    }
    s.Get(path, [&asset](const httplib::Request&, httplib::Response& res) {
      res.set_content(asset.bytes.data(), asset.bytes.size(), std::string(ContentTypeOf(asset.name)).c_str());
    });
  }
}

}  // namespace sluice::server
