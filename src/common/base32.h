// Base32 (RFC 4648, alphabet A-Z 2-7, '=' padding): Spark's to_base32 and from_base32.
#pragma once

#include <string>
#include <string_view>

namespace sluice {

void AppendBase32(std::string_view bytes, std::string& out);
// Replaces `out` with the bytes `text` stands for, read as leniently as Spark's from_base32:
// lower-case letters count, bytes outside the alphabet are skipped, the first '=' ends the text,
// and a last incomplete group gives the whole bytes it holds (one lone character, five bits,
// gives one byte of its top three, as Spark's decoder does).
void DecodeBase32Lenient(std::string_view text, std::string& out);

}  // namespace sluice
