// Base64 (RFC 4648, standard alphabet, '=' padding, no line breaks) through OpenSSL: how JSON
// carries BYTES values (Spark's to_json/from_json and Flink's JSON format) and what base64()
// and base64() computes.
#pragma once

#include <string>
#include <string_view>

namespace sluice {

void AppendBase64(std::string_view bytes, std::string& out);
// Replaces `out` with the bytes `text` stands for; false (out unspecified) when `text` is not
// padded base64. Trailing CR/LF are ignored, as Spark's unbase64 does.
bool DecodeBase64(std::string_view text, std::string& out);
// Spark's unbase64 (Java's MIME decoder): bytes outside the alphabet are skipped, the '='
// padding is optional, nothing but skipped bytes may follow it. False for text no decoder
// could read (one dangling character, '=' where no padding can be).
bool DecodeBase64Lenient(std::string_view text, std::string& out);

}  // namespace sluice
