#include "connector/database/refused_lines.h"

#include "common/stop_request.h"

namespace sluice {

Result<std::vector<std::pair<size_t, std::string>>> FindRefusedLines(std::string_view rows,
                                                                     const ProbeSteps& steps) {
  std::vector<std::string_view> lines;
  for (size_t start = 0; start < rows.size();) {
    size_t end = rows.find('\n', start);
    end = end == std::string_view::npos ? rows.size() : end + 1;
    lines.push_back(rows.substr(start, end - start));
    start = end;
  }
  constexpr int kMaxProbes = 4000;
  int probes = 0;
  std::vector<std::pair<size_t, std::string>> refused;
  std::string chunk;
  std::function<Status(size_t, size_t)> probe = [&](size_t lo, size_t hi) -> Status {
    if (++probes > kMaxProbes) return Status::DataError("too many refused rows to name");
    if (StopRequested()) return Status::Unavailable("stopped while looking for refused rows");
    SLUICE_RETURN_NOT_OK(steps.savepoint());
    chunk.clear();
    for (size_t i = lo; i < hi; ++i) chunk += lines[i];
    Status s = steps.load(chunk);
    if (s.ok()) return steps.release_savepoint();
    if (s.code() != StatusCode::kDataError) return s;
    SLUICE_RETURN_NOT_OK(steps.rollback_to_savepoint());
    if (hi - lo == 1) {
      refused.emplace_back(lo, s.message());
      return Status::OK();
    }
    const size_t mid = lo + (hi - lo) / 2;
    SLUICE_RETURN_NOT_OK(probe(lo, mid));
    return probe(mid, hi);
  };
  SLUICE_RETURN_NOT_OK(probe(0, lines.size()));
  return refused;
}

}  // namespace sluice
