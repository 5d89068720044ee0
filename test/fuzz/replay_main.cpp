// sluice_fuzz_replay TARGET PATH...: runs the fuzz target on every file under each PATH (the
// target's corpus), the way a libFuzzer binary replays a corpus with -runs=0. A crash or a
// sanitizer report ends the process; otherwise it prints how many inputs passed.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <map>
#include <string>
#include <vector>

#include "fuzz_target.h"

namespace sluice::fuzz {
namespace {
std::map<std::string, TargetFunction>& Targets() {
  static std::map<std::string, TargetFunction> targets;
  return targets;
}
}  // namespace

bool RegisterTarget(const char* name, TargetFunction function) {
  Targets()[name] = function;
  return true;
}
}  // namespace sluice::fuzz

int main(int argc, char** argv) {
  namespace fs = std::filesystem;
  auto& targets = sluice::fuzz::Targets();
  if (argc < 3 || !targets.count(argv[1])) {
    std::cerr << "usage: sluice_fuzz_replay TARGET PATH...\ntargets:";
    for (const auto& [name, _] : targets) std::cerr << ' ' << name;
    std::cerr << '\n';
    return 2;
  }
  auto target = targets.at(argv[1]);
  std::vector<fs::path> inputs;
  for (int i = 2; i < argc; ++i) {
    std::error_code ec;
    if (fs::is_directory(argv[i], ec)) {
      for (const auto& entry : fs::recursive_directory_iterator(argv[i])) {
        if (entry.is_regular_file()) inputs.push_back(entry.path());
      }
    } else if (fs::is_regular_file(argv[i], ec)) {
      inputs.emplace_back(argv[i]);
    } else {
      std::cerr << "sluice_fuzz_replay: " << argv[i] << " is neither a file nor a folder\n";
      return 2;
    }
  }
  if (inputs.empty()) {
    std::cerr << "sluice_fuzz_replay: no inputs for " << argv[1] << '\n';
    return 2;
  }
  std::sort(inputs.begin(), inputs.end());
  for (const auto& path : inputs) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream contents;
    contents << in.rdbuf();  // an istreambuf_iterator trips GCC 12's -Wnull-dereference at -O3
    const std::string bytes = std::move(contents).str();
    std::cerr << "running " << path.string() << " (" << bytes.size() << " bytes)\n";
    target(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
  }
  std::cout << argv[1] << ": " << inputs.size() << " inputs ran cleanly\n";
  return 0;
}
