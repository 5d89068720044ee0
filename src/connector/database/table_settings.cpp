#include "connector/database/table_writer.h"

namespace sluice {

const std::set<std::string>& TableSettings::OptionNames() {
  static const std::set<std::string> kOptions = {"url",        "username",          "password",
                                                 "connect-timeout", "table-name", "sink.create-table",
                                                 "sink.progress-table"};
  return kOptions;
}

Result<TableSettings> TableSettings::FromOptions(const ConnectorOptions& options) {
  TableSettings s;
  s.table = options.table_name();
  s.pipeline = options.pipeline_name().empty() ? "sluice" : options.pipeline_name();
  s.table_name = options.GetString("table-name", s.table);
  s.progress_table = options.GetString("sink.progress-table", "sluice_progress");
  SLUICE_ASSIGN_OR_RETURN(s.create_table, options.GetBool("sink.create-table", true));
  return s;
}

}  // namespace sluice
