#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "common/result.h"
#include "connector/source_offsets.h"

namespace sluice {

// The commit log of an exactly-once file sink, in `<folder>/_sluice_log/` (readers skip folders
// starting with '_', as they do Spark's _spark_metadata): one `<epoch>.json` per committed
// epoch, naming the epoch's files and the source positions they cover.
//
// An epoch commits in three steps: its hidden files are complete and fsynced; its log entry is
// written (a temporary file, fsynced, renamed, folder fsynced) — the commit point; then its
// files are renamed to their visible names. A crash before the entry leaves hidden files that
// no entry names: they are deleted at the next start and their rows read again. A crash after
// it leaves some files hidden: Recover renames them, so the epoch is whole. A visible file is
// never partial, and no row is in two visible files.
class FileCommitLog {
 public:
  struct Entry {
    int64_t epoch = 0;
    std::vector<std::string> files;  // visible names, in the sink's folder
    SourceOffsets positions;         // every position the folder covers after this epoch
  };

  explicit FileCommitLog(std::filesystem::path folder);

  // The hidden name a file is written under until its epoch commits: 'part-3-0.parquet' is
  // written as '.part-3-0.inprogress', 'dt=x/part-3-0.parquet' as 'dt=x/.part-3-0.inprogress'.
  static std::string HiddenName(const std::string& visible) {
    const size_t slash = visible.rfind('/');
    const size_t start = slash == std::string::npos ? 0 : slash + 1;
    return visible.substr(0, start) + "." + visible.substr(start, visible.rfind('.') - start) +
           ".inprogress";
  }

  // Reads the log, finishes the renames of the newest epoch, deletes hidden files no entry
  // names. Call once, before the first Append.
  Status Recover();
  // Records `entry` durably: from now on its files belong to the folder.
  Status Append(const Entry& entry);
  // Renames the entry's hidden files to their visible names (those not renamed yet), then
  // fsyncs the folder.
  Status Publish(const Entry& entry);

  int64_t last_epoch() const { return last_epoch_; }
  const SourceOffsets& positions() const { return positions_; }

 private:
  std::filesystem::path folder_;
  std::filesystem::path log_;
  int64_t last_epoch_ = -1;
  SourceOffsets positions_;
  std::vector<int64_t> epochs_;  // in the log, rising
};

}  // namespace sluice
