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
  // A file that stays open across epochs (the sink rolls by size and time, not at every
  // checkpoint): its rows up to `bytes` are committed, but it stays hidden until an entry lists
  // it in `files`. After a crash it is cut back to these lengths and written on.
  struct OpenFile {
    std::string file;           // its visible name, in the sink's folder
    int64_t bytes = 0;          // committed length
    int64_t footer_bytes = 0;   // Parquet: committed length of FooterName(file)
    uint64_t rows = 0;          // Parquet: rows in the committed row groups
    uint64_t row_groups = 0;    // Parquet
    int64_t opened_ms = 0;      // when it was started (Unix ms): its age survives restarts
  };

  struct Entry {
    int64_t epoch = 0;
    std::vector<std::string> files;  // visible names, in the sink's folder
    std::vector<OpenFile> open;      // files still being written, with their committed part
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

  // Beside an open Parquet file: the footer's row-group metadata of its committed row groups,
  // appended at each epoch, so the file can be finished after a restart.
  static std::string FooterName(const std::string& visible) { return HiddenName(visible) + ".footer"; }

  // Reads the log, finishes the renames of the newest epoch, cuts its open files back to their
  // committed lengths, deletes hidden files no entry names. Call once, before the first Append.
  Status Recover();
  // Records `entry` durably: from now on its files belong to the folder.
  Status Append(const Entry& entry);
  // Renames the entry's hidden files to their visible names (those not renamed yet), then
  // fsyncs the folder.
  Status Publish(const Entry& entry);

  int64_t last_epoch() const { return last_epoch_; }
  const SourceOffsets& positions() const { return positions_; }
  // The newest entry's open files (after Recover: cut back to their committed lengths).
  const std::vector<OpenFile>& open_files() const { return open_; }

 private:
  std::filesystem::path folder_;
  std::filesystem::path log_;
  int64_t last_epoch_ = -1;
  SourceOffsets positions_;
  std::vector<OpenFile> open_;
  std::vector<int64_t> epochs_;  // in the log, rising
};

}  // namespace sluice
