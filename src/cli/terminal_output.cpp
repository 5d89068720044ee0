#include "cli/terminal_output.h"

#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>

#include <fmt/chrono.h>
#include <fmt/format.h>

#include "common/secrets.h"
#include "exec/metrics_hub.h"
#include "format/json_encoder.h"

namespace sluice::cli {
namespace {

// The logger's sink: formats a record and hands it to TerminalOutput, which writes it above the
// status line.
class TerminalSink final : public spdlog::sinks::base_sink<spdlog::details::null_mutex> {
 public:
  explicit TerminalSink(LogFormat format) : format_(format) {}

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    std::string line;
    if (format_ == LogFormat::kJson) {
      const auto since_epoch = msg.time.time_since_epoch();
      const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(since_epoch).count();
      const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
      std::tm utc{};
      gmtime_r(&seconds, &utc);
      line = fmt::format("{{\"time\":\"{:%Y-%m-%dT%H:%M:%S}.{:03d}Z\",\"level\":", utc,
                         static_cast<int>(ms % 1000));
      const auto level = spdlog::level::to_string_view(msg.level);
      AppendJsonString(std::string_view(level.data(), level.size()), line);
      line += ",\"logger\":";
      AppendJsonString(std::string_view(msg.logger_name.data(), msg.logger_name.size()), line);
      line += ",\"message\":";
      AppendJsonString(std::string_view(msg.payload.data(), msg.payload.size()), line);
      line += "}\n";
    } else {
      spdlog::memory_buf_t buf;
      formatter_->format(msg, buf);
      line.assign(buf.data(), buf.size());
    }
    TerminalOutput::Get().WriteLogLine(line);
  }
  void flush_() override { std::fflush(stderr); }

 private:
  LogFormat format_;
};

std::string Count(double n) {
  if (n >= 1e9) return fmt::format("{:.1f}G", n / 1e9);
  if (n >= 1e6) return fmt::format("{:.1f}M", n / 1e6);
  if (n >= 1e4) return fmt::format("{:.1f}k", n / 1e3);
  return fmt::format("{:.0f}", n);
}

std::string Duration(double seconds) {
  if (seconds < 0) seconds = 0;
  if (seconds < 90) return fmt::format("{:.0f} s", seconds);
  if (seconds < 5400) return fmt::format("{:.0f} min", seconds / 60);
  return fmt::format("{:.1f} h", seconds / 3600);
}

size_t TerminalWidth() {
  winsize size{};
  if (ioctl(STDERR_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) return size.ws_col;
  return 100;
}

}  // namespace

TerminalOutput& TerminalOutput::Get() {
  static TerminalOutput output;
  return output;
}

void TerminalOutput::ConfigureLogging(LogFormat format) {
  format_ = format;
  auto logger = std::make_shared<spdlog::logger>("sluice", std::make_shared<TerminalSink>(format));
  logger->set_pattern("%Y-%m-%d %H:%M:%S.%e %l %v");
  if (const char* level = std::getenv("SLUICE_LOG_LEVEL")) {
    logger->set_level(spdlog::level::from_str(level));
  }
  // Every record is written at once: nothing is lost when the process is killed.
  logger->flush_on(spdlog::level::trace);
  spdlog::set_default_logger(std::move(logger));
}

void TerminalOutput::WriteLogLine(std::string_view text) {
  // A password read from the environment or a file never reaches the log.
  const std::string line = ScrubSecrets(std::string(text));
  std::lock_guard lock(mutex_);
  ClearLocked();
  std::fwrite(line.data(), 1, line.size(), stderr);
  DrawLocked();
  std::fflush(stderr);
}

void TerminalOutput::Print(std::string_view text) {
  if (format_ == LogFormat::kJson) {
    // Each line of the summary as one record.
    size_t start = 0;
    while (start < text.size()) {
      size_t end = text.find('\n', start);
      if (end == std::string_view::npos) end = text.size();
      if (end > start) spdlog::info("{}", text.substr(start, end - start));
      start = end + 1;
    }
    return;
  }
  WriteLogLine(text);
}

void TerminalOutput::StartStatusLine(const MetricsHub* hub) {
  if (!isatty(STDERR_FILENO) || format_ == LogFormat::kJson) return;
  std::lock_guard lock(mutex_);
  if (running_) return;
  hub_ = hub;
  running_ = true;
  thread_ = std::thread([this] { Loop(); });
}

void TerminalOutput::StopStatusLine() {
  {
    std::lock_guard lock(mutex_);
    if (!running_) return;
    running_ = false;
  }
  wake_.notify_all();
  thread_.join();
  std::lock_guard lock(mutex_);
  ClearLocked();
  line_.clear();
  std::fflush(stderr);
}

void TerminalOutput::Loop() {
  std::unique_lock lock(mutex_);
  while (running_) {
    // Built without the lock: the hub has its own.
    lock.unlock();
    std::string text = StatusText(*hub_, TerminalWidth() - 1);
    lock.lock();
    if (!running_) break;
    ClearLocked();
    line_ = std::move(text);
    DrawLocked();
    std::fflush(stderr);
    wake_.wait_for(lock, std::chrono::milliseconds(500), [this] { return !running_; });
  }
}

void TerminalOutput::ClearLocked() {
  if (!line_.empty()) std::fputs("\r\033[K", stderr);
}

void TerminalOutput::DrawLocked() {
  if (line_.empty()) return;
  std::fputs("\033[7m", stderr);  // reverse video sets it apart from the log
  std::fwrite(line_.data(), 1, line_.size(), stderr);
  std::fputs("\033[0m", stderr);
}

std::string TerminalOutput::StatusText(const MetricsHub& hub, size_t width) {
  auto m = hub.Latest();
  const MetricsHub::Rates rates = hub.CurrentRates();
  std::string text = fmt::format(" {} ", m->pipeline);
  if (m->state != "running") text += fmt::format("[{}] ", m->state);
  text += fmt::format("| in {}/s | out {}/s ", Count(rates.records_in), Count(rates.rows_out));
  int64_t lag = -1, remaining = -1;
  double lag_seconds = -1;
  uint64_t read = 0, dead_letters = 0;
  for (const auto& s : m->sources) {
    read += s.read;
    for (uint64_t n : s.dead_letters) dead_letters += n;
    for (const auto& p : s.partitions) {
      if (p.lag >= 0) lag = std::max<int64_t>(lag, 0) + p.lag;
      lag_seconds = std::max(lag_seconds, p.lag_seconds);
      if (p.stop_at >= 0) {
        remaining = std::max<int64_t>(remaining, 0) + std::max<int64_t>(0, p.stop_at - std::max<int64_t>(p.position, 0));
      }
    }
  }
  if (remaining >= 0) {  // a bounded run (--bounded or 'scan.bounded.mode')
    const double total = static_cast<double>(read) + static_cast<double>(remaining);
    text += fmt::format("| {:.0f}% of {} ", total > 0 ? 100.0 * static_cast<double>(read) / total : 100.0,
                        Count(total));
    if (remaining > 0 && rates.records_in > 0) {
      text += fmt::format("ETA {} ", Duration(static_cast<double>(remaining) / rates.records_in));
    }
  } else if (lag >= 0) {
    text += fmt::format("| lag {}", Count(static_cast<double>(lag)));
    if (lag > 0 && lag_seconds > 0) text += fmt::format(" ({})", Duration(lag_seconds));
    text += ' ';
  }
  text += fmt::format("| dead letters {} ", Count(static_cast<double>(dead_letters)));
  const auto& c = m->checkpoints;
  if (c.last_success_unix_ms > 0) {
    text += fmt::format("| checkpoint #{} {} ago ", c.completed,
                        Duration((UnixMillisNow() - c.last_success_unix_ms) / 1000.0));
  } else {
    text += "| no checkpoint yet ";
  }
  if (m->restarts > 0) text += fmt::format("| {} restarts ", m->restarts);
  if (text.size() > width) text.resize(width);
  return text;
}

}  // namespace sluice::cli
