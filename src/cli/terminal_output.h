#pragma once

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

namespace sluice {
class MetricsHub;
}

namespace sluice::cli {

enum class LogFormat { kText, kJson };

// Where the log, the run summary and the live status line meet on stderr. On a terminal, `sluice
// run` keeps one status line at the bottom (records/s in and out, lag, dead letters, the last
// checkpoint; a bounded run's progress and ETA) that log lines never scroll away: each is written
// above it. Off when stderr is no terminal or with --quiet.
class TerminalOutput {
 public:
  static TerminalOutput& Get();

  // Replaces the default logger: text lines as before, or JSON lines for log shippers
  // ({"time": "...Z", "level": "info", "logger": "sluice", "message": "..."}).
  void ConfigureLogging(LogFormat format);
  LogFormat log_format() const { return format_; }

  // Starts the status line from `hub`, redrawn twice a second, if stderr is a terminal.
  void StartStatusLine(const MetricsHub* hub);
  // Clears and stops it (before the final summary).
  void StopStatusLine();

  // Writes text (whole lines) to stderr above the status line. In JSON mode each line becomes a
  // log record at level info.
  void Print(std::string_view text);
  // A log record, formatted; for the logger's sink.
  void WriteLogLine(std::string_view text);

  // The status line's text for one snapshot (without terminal codes), cut to `width` columns.
  static std::string StatusText(const MetricsHub& hub, size_t width);

 private:
  void Loop();
  void ClearLocked();
  void DrawLocked();

  std::mutex mutex_;
  std::condition_variable wake_;
  std::thread thread_;
  const MetricsHub* hub_ = nullptr;
  bool running_ = false;
  std::string line_;  // what is drawn now (empty: nothing)
  LogFormat format_ = LogFormat::kText;
};

}  // namespace sluice::cli
