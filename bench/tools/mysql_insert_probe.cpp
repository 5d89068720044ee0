// Loads a tab-separated file (as `mariadb --batch` writes it: \N for NULL, backslash escapes)
// into an existing MariaDB/MySQL table with multi-row prepared INSERTs, the alternative to
// LOAD DATA that bench/mysql_load.sh measures the sink's LOAD DATA against.
//
//   mysql_insert_probe HOST PORT USER PASSWORD DATABASE TABLE FILE [ROWS_PER_STATEMENT=500]
//                      [ROWS_PER_TRANSACTION=5000]
//
// Values are bound as text (the server converts them to the column types), as a sink that
// encodes rows once for any table would. Prints the rows and rows/s.
#include <mysql.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

namespace {

struct Cell {
  std::string text;
  bool null = false;
};

std::vector<Cell> SplitLine(const std::string& line) {
  std::vector<Cell> cells(1);
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (c == '\t') {
      cells.emplace_back();
    } else if (c == '\\' && i + 1 < line.size()) {
      char e = line[++i];
      cells.back().text += e == 'n' ? '\n' : e == 't' ? '\t' : e == '0' ? '\0' : e;
      if (e == 'N' && cells.back().text == "N") {
        cells.back().text.clear();
        cells.back().null = true;
      }
    } else {
      cells.back().text += c;
    }
  }
  return cells;
}

[[noreturn]] void Fail(MYSQL* db, const char* what) {
  std::fprintf(stderr, "%s: %s\n", what, mysql_error(db));
  std::exit(1);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 8) {
    std::fprintf(stderr, "usage: %s HOST PORT USER PASSWORD DATABASE TABLE FILE "
                         "[ROWS_PER_STATEMENT] [ROWS_PER_TRANSACTION]\n", argv[0]);
    return 2;
  }
  const size_t per_statement = argc > 8 ? std::stoul(argv[8]) : 500;
  const size_t per_transaction = argc > 9 ? std::stoul(argv[9]) : 5000;
  std::vector<std::vector<Cell>> rows;
  std::ifstream in(argv[7]);
  for (std::string line; std::getline(in, line);) rows.push_back(SplitLine(line));
  if (rows.empty()) return 0;
  const size_t columns = rows[0].size();

  MYSQL* db = mysql_init(nullptr);
  if (!mysql_real_connect(db, argv[1], argv[3], argv[4], argv[5],
                          static_cast<unsigned>(std::stoul(argv[2])), nullptr, 0)) {
    Fail(db, "connect");
  }
  mysql_set_character_set(db, "utf8mb4");
  auto prepare = [&](size_t n) {
    std::string sql = std::string("INSERT INTO `") + argv[6] + "` VALUES ";
    std::string one = "(";
    for (size_t c = 0; c < columns; ++c) one += c ? ",?" : "?";
    one += ")";
    for (size_t r = 0; r < n; ++r) sql += (r ? "," : "") + one;
    MYSQL_STMT* stmt = mysql_stmt_init(db);
    if (mysql_stmt_prepare(stmt, sql.data(), sql.size()) != 0) Fail(db, "prepare");
    return stmt;
  };
  MYSQL_STMT* full = prepare(per_statement);
  std::vector<MYSQL_BIND> binds(per_statement * columns);
  std::vector<unsigned long> lengths(binds.size());
  std::vector<my_bool> nulls(binds.size());

  const auto start = std::chrono::steady_clock::now();
  if (mysql_query(db, "START TRANSACTION") != 0) Fail(db, "begin");
  size_t in_transaction = 0;
  for (size_t first = 0; first < rows.size(); first += per_statement) {
    const size_t n = std::min(per_statement, rows.size() - first);
    MYSQL_STMT* stmt = n == per_statement ? full : prepare(n);
    for (size_t r = 0; r < n; ++r) {
      for (size_t c = 0; c < columns; ++c) {
        const size_t b = r * columns + c;
        Cell& cell = rows[first + r][c];
        binds[b] = MYSQL_BIND{};
        binds[b].buffer_type = MYSQL_TYPE_STRING;
        binds[b].buffer = cell.text.data();
        lengths[b] = cell.text.size();
        binds[b].length = &lengths[b];
        nulls[b] = cell.null;
        binds[b].is_null = &nulls[b];
      }
    }
    if (mysql_stmt_bind_param(stmt, binds.data()) != 0) Fail(db, "bind");
    if (mysql_stmt_execute(stmt) != 0) Fail(db, "insert");
    if (stmt != full) mysql_stmt_close(stmt);
    in_transaction += n;
    if (in_transaction >= per_transaction) {
      if (mysql_query(db, "COMMIT") != 0 || mysql_query(db, "START TRANSACTION") != 0) {
        Fail(db, "commit");
      }
      in_transaction = 0;
    }
  }
  if (mysql_query(db, "COMMIT") != 0) Fail(db, "commit");
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("%zu rows in %.2f s: %.0f rows/s\n", rows.size(), seconds, rows.size() / seconds);
  mysql_stmt_close(full);
  mysql_close(db);
  return 0;
}
