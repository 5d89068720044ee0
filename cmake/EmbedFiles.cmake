# Writes OUTPUT, a C++ file that holds the bytes of every file in FILES (the web UI), as
#   sluice::server::kWebAssets: {name, bytes} per file, name relative to BASE.
# Run as `cmake -DOUTPUT=... -DBASE=... -DFILES="a;b" -P EmbedFiles.cmake` at build time, so an
# edit of a file rebuilds the binary without a reconfigure.
set(out "// Generated from ${BASE} by cmake/EmbedFiles.cmake: do not edit.\n")
string(APPEND out "#include \"server/web_assets.h\"\n\nnamespace sluice::server {\nnamespace {\n")
set(index 0)
set(table "")
foreach(file IN LISTS FILES)
  file(READ "${file}" hex HEX)
  string(LENGTH "${hex}" hex_length)
  math(EXPR size "${hex_length} / 2")
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "'\\\\x\\1'," bytes "${hex}")
  file(RELATIVE_PATH name "${BASE}" "${file}")
  string(APPEND out "constexpr char kFile${index}[] = {${bytes} 0};\n")
  string(APPEND table "    {\"${name}\", std::string_view(kFile${index}, ${size})},\n")
  math(EXPR index "${index} + 1")
endforeach()
string(APPEND out "}  // namespace\n\nconst std::vector<WebAsset>& WebAssets() {\n")
string(APPEND out "  static const std::vector<WebAsset> assets = {\n${table}  };\n  return assets;\n}\n\n")
string(APPEND out "}  // namespace sluice::server\n")
file(WRITE "${OUTPUT}.tmp" "${out}")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.tmp")
