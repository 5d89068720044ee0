#pragma once

#include <string>
#include <string_view>

#include "common/result.h"

namespace sluice {

// Secrets kept out of SQL files: an option value may say where its text comes from instead of
// holding it.
//   '${env:NAME}'   the environment variable NAME (an error when it is not set)
//   '${file:PATH}'  the content of the file PATH, without a trailing newline
//   '$${'           a literal '${'
// The references may be part of a longer value ('user:${env:PG_PASSWORD}'). With `is_secret`
// (the option names a password or secret), the text read is remembered (RememberSecret) and
// scrubbed from everything sluice writes to stderr and from `sluice explain`.
Result<std::string> ResolveReferences(std::string_view value, bool is_secret);

// The content of a secret file (a trailing "\n" or "\r\n" removed), remembered as a secret.
Result<std::string> ReadSecretFile(const std::string& path);

// Whether an option names a secret, so that `<option>.file` may give it from a file:
// its last dot-separated part holds "password" or "secret" ('password', 'sasl.password').
bool IsSecretOptionName(std::string_view key);

// Text that must never be shown: ScrubSecrets replaces each occurrence with "***".
void RememberSecret(std::string_view secret);
std::string ScrubSecrets(std::string text);

}  // namespace sluice
