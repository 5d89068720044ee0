#include "common/secrets.h"

#include <cstdlib>
#include <fstream>
#include <mutex>
#include <sstream>
#include <vector>

namespace sluice {
namespace {

std::mutex& SecretsMutex() {
  static std::mutex mutex;
  return mutex;
}

std::vector<std::string>& Secrets() {
  static std::vector<std::string> secrets;
  return secrets;
}

}  // namespace

void RememberSecret(std::string_view secret) {
  // A secret of one or two characters would scrub ordinary text everywhere; such a secret
  // protects nothing anyway.
  if (secret.size() < 3) return;
  std::lock_guard lock(SecretsMutex());
  for (const auto& s : Secrets()) {
    if (s == secret) return;
  }
  Secrets().emplace_back(secret);
}

std::string ScrubSecrets(std::string text) {
  std::lock_guard lock(SecretsMutex());
  for (const auto& secret : Secrets()) {
    for (size_t at = text.find(secret); at != std::string::npos; at = text.find(secret, at + 3)) {
      text.replace(at, secret.size(), "***");
    }
  }
  return text;
}

bool IsSecretOptionName(std::string_view key) {
  const size_t dot = key.rfind('.');
  const std::string_view last = dot == std::string_view::npos ? key : key.substr(dot + 1);
  return last.find("password") != std::string_view::npos ||
         last.find("secret") != std::string_view::npos;
}

namespace {

// A file's text without its trailing newline.
Result<std::string> ReadTextFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IOError("cannot read the file '{}'", path);
  std::stringstream content;
  content << in.rdbuf();
  std::string text = content.str();
  if (!text.empty() && text.back() == '\n') text.pop_back();
  if (!text.empty() && text.back() == '\r') text.pop_back();
  return text;
}

}  // namespace

Result<std::string> ReadSecretFile(const std::string& path) {
  SLUICE_ASSIGN_OR_RETURN(std::string text, ReadTextFile(path));
  RememberSecret(text);
  return text;
}



Result<std::string> ResolveReferences(std::string_view value, bool is_secret) {
  if (value.find('$') == std::string_view::npos) return std::string(value);
  std::string out;
  size_t i = 0;
  while (i < value.size()) {
    if (value.compare(i, 3, "$${") == 0) {
      out += "${";
      i += 3;
      continue;
    }
    if (value.compare(i, 2, "${") != 0) {
      out.push_back(value[i++]);
      continue;
    }
    const size_t close = value.find('}', i);
    if (close == std::string_view::npos) {
      return Status::Invalid("'${{' opens a reference without a closing '}}': write '${{env:NAME}}', "
                             "'${{file:PATH}}', or '$${{' for a literal '${{'");
    }
    const std::string_view reference = value.substr(i + 2, close - i - 2);
    if (reference.starts_with("env:")) {
      const std::string name(reference.substr(4));
      const char* text = name.empty() ? nullptr : std::getenv(name.c_str());
      if (text == nullptr) {
        return Status::Invalid("the environment variable '{}' is not set ('${{env:{}}}')", name, name);
      }
      if (is_secret) RememberSecret(text);
      out += text;
    } else if (reference.starts_with("file:")) {
      SLUICE_ASSIGN_OR_RETURN(std::string text, ReadTextFile(std::string(reference.substr(5))));
      if (is_secret) RememberSecret(text);
      out += text;
    } else {
      return Status::Invalid("'${{{}}}' is no reference sluice knows: write '${{env:NAME}}' or "
                             "'${{file:PATH}}' ('$${{' for a literal '${{')",
                             reference);
    }
    i = close + 1;
  }
  return out;
}

}  // namespace sluice
