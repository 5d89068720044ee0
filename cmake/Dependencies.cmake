# Every dependency is a Debian package, found through pkg-config (or its CMake config where
# Debian ships no .pc file). scripts/setup installs them.
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)

pkg_check_modules(RDKAFKA REQUIRED IMPORTED_TARGET rdkafka)
pkg_check_modules(SIMDJSON REQUIRED IMPORTED_TARGET simdjson)
pkg_check_modules(LIBPQ REQUIRED IMPORTED_TARGET libpq)
pkg_check_modules(MARIADB REQUIRED IMPORTED_TARGET libmariadb)
pkg_check_modules(SQLITE3 REQUIRED IMPORTED_TARGET sqlite3)
pkg_check_modules(RE2 REQUIRED IMPORTED_TARGET re2)
pkg_check_modules(XXHASH REQUIRED IMPORTED_TARGET libxxhash)
pkg_check_modules(FMT REQUIRED IMPORTED_TARGET fmt)
pkg_check_modules(SPDLOG REQUIRED IMPORTED_TARGET spdlog)
pkg_check_modules(ZSTD REQUIRED IMPORTED_TARGET libzstd)
pkg_check_modules(SNAPPY REQUIRED IMPORTED_TARGET snappy)  # Parquet pages
pkg_check_modules(ZLIB REQUIRED IMPORTED_TARGET zlib)  # GZIP Parquet pages (reading)
pkg_check_modules(ROCKSDB REQUIRED IMPORTED_TARGET rocksdb)
pkg_check_modules(OPENSSL REQUIRED IMPORTED_TARGET openssl)
pkg_check_modules(HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)  # /metrics, the web UI, sluice status
pkg_check_modules(ICU REQUIRED IMPORTED_TARGET icu-uc)  # Unicode case mapping (upper, lower)
find_package(absl REQUIRED)  # hash containers for keyed state
find_package(GTest REQUIRED)
if(SLUICE_BUILD_BENCH)
  find_package(benchmark REQUIRED)
endif()

# Header-only libraries.
find_path(CLI11_INCLUDE_DIR CLI/CLI.hpp REQUIRED)
