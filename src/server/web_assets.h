#pragma once

#include <string_view>
#include <vector>

namespace sluice::server {

// A file of the web UI (src/server/web/), compiled into the binary (cmake/EmbedFiles.cmake).
struct WebAsset {
  std::string_view name;  // "index.html", "app.js"
  std::string_view bytes;
};

const std::vector<WebAsset>& WebAssets();

}  // namespace sluice::server
