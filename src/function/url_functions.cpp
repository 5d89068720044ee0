// url_encode, url_decode, try_url_decode and parse_url, as Spark computes them with Java's
// URLEncoder, URLDecoder and java.net.URI.
#include <cctype>
#include <optional>
#include <string>
#include <string_view>

#include "common/utf8.h"
#include "function/function_registry.h"
#include "function/function_util.h"
#include "function/kernel_loops.h"

#include <fmt/format.h>

namespace sluice {
namespace {

using fnutil::StrAt;

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// application/x-www-form-urlencoded (Java's URLEncoder with UTF-8): letters, digits and ".-*_"
// stay, a space is '+', every other byte %XX.
void AppendUrlEncoded(std::string_view s, std::string& out) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (char c : s) {
    const auto b = static_cast<unsigned char>(c);
    if ((b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9') || b == '.' ||
        b == '-' || b == '*' || b == '_') {
      out.push_back(c);
    } else if (b == ' ') {
      out.push_back('+');
    } else {
      out.push_back('%');
      out.push_back(kHex[b >> 4]);
      out.push_back(kHex[b & 0xF]);
    }
  }
}

// Java's URLDecoder: '+' is a space, %XX a byte; false for a '%' without two hex digits.
bool AppendUrlDecoded(std::string_view s, std::string& out) {
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out.push_back(' ');
    } else if (s[i] == '%') {
      if (i + 2 >= s.size()) return false;
      const int high = HexDigit(s[i + 1]), low = HexDigit(s[i + 2]);
      if (high < 0 || low < 0) return false;
      out.push_back(static_cast<char>(high * 16 + low));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return true;
}

ScalarFunction UrlCodec(const char* name, bool encode) {
  return {name, fmt::format("{}(str)", name), [name, encode](const BindArguments& args) -> Result<BoundFunction> {
            SLUICE_RETURN_NOT_OK(fnutil::CheckArity(fmt::format("{}(str)", name), args.types.size(), 1, 1));
            SLUICE_RETURN_NOT_OK(fnutil::ExpectText(name, "str", args.types[0]));
            BoundFunction f{DataType::String(), {DataType::String()}, nullptr};
            f.kernel = fnutil::StringKernel([encode](const std::vector<VectorPtr>& a, size_t row,
                                                     std::string& buf) -> std::optional<std::string_view> {
              buf.clear();
              if (encode) {
                AppendUrlEncoded(StrAt(*a[0], row), buf);
                return std::string_view(buf);
              }
              if (!AppendUrlDecoded(StrAt(*a[0], row), buf)) return std::nullopt;
              // Decoded bytes that are not UTF-8 become U+FFFD, as Java's decoder gives them.
              if (!IsValidUtf8(buf)) {
                std::string valid;
                AppendValidUtf8(buf, valid);
                buf.swap(valid);
              }
              return std::string_view(buf);
            });
            return f;
          }};
}

// A URI split as java.net.URI splits it; nullopt where java.net.URI refuses the text (a space,
// a character URIs never hold, a '%' without two hex digits).
struct UrlParts {
  std::optional<std::string_view> scheme, authority, user_info, host, path, query, fragment;
};

std::optional<UrlParts> SplitUrl(std::string_view url) {
  for (size_t i = 0; i < url.size(); ++i) {
    const auto c = static_cast<unsigned char>(url[i]);
    if (c <= 0x20 || c == 0x7F || std::string_view("\"<>\\^`{|}").find(static_cast<char>(c)) != std::string_view::npos) {
      return std::nullopt;
    }
    if (c == '%' && (i + 2 >= url.size() || HexDigit(url[i + 1]) < 0 || HexDigit(url[i + 2]) < 0)) {
      return std::nullopt;
    }
  }
  UrlParts p;
  std::string_view rest = url;
  if (const size_t hash = rest.find('#'); hash != std::string_view::npos) {
    p.fragment = rest.substr(hash + 1);
    rest = rest.substr(0, hash);
  }
  // A scheme: a letter, then letters, digits, '+', '-' or '.', up to the first ':'.
  const size_t colon = rest.find(':');
  if (colon != std::string_view::npos && colon > 0 &&
      std::isalpha(static_cast<unsigned char>(rest[0])) &&
      rest.substr(0, colon).find_first_not_of(
          "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-.") == std::string_view::npos) {
    p.scheme = rest.substr(0, colon);
    rest = rest.substr(colon + 1);
    if (rest.empty()) return std::nullopt;  // "http:" has no scheme-specific part
    if (rest[0] != '/') return p;           // opaque ("mailto:a@b"): nothing else is parsed
  }
  if (const size_t question = rest.find('?'); question != std::string_view::npos) {
    p.query = rest.substr(question + 1);
    rest = rest.substr(0, question);
  }
  if (rest.starts_with("//")) {
    rest = rest.substr(2);
    const size_t end = rest.find('/');
    const std::string_view authority = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end);
    if (!authority.empty()) {
      p.authority = authority;
      std::string_view host = authority;
      if (const size_t at = host.rfind('@'); at != std::string_view::npos) {
        p.user_info = host.substr(0, at);
        host = host.substr(at + 1);
      }
      // The port: digits after the last ':' outside an IPv6 literal's brackets.
      const size_t port = host.rfind(':');
      if (port != std::string_view::npos && host.find(']', port) == std::string_view::npos) {
        host = host.substr(0, port);
      }
      if (!host.empty()) p.host = host;
    }
  }
  p.path = rest;
  return p;
}

// parse_url(url, part[, key]): HOST, PATH, QUERY (or one of its parameters by key), REF,
// PROTOCOL, FILE (path and query), AUTHORITY or USERINFO; NULL for another part, a part the URL
// lacks or a URL java.net.URI refuses.
Result<BoundFunction> BindParseUrl(const BindArguments& args) {
  SLUICE_RETURN_NOT_OK(fnutil::CheckArity("parse_url(url, part[, key])", args.types.size(), 2, 3));
  for (size_t i = 0; i < args.types.size(); ++i) {
    SLUICE_RETURN_NOT_OK(fnutil::ExpectText("parse_url", i == 0 ? "url" : i == 1 ? "part" : "key", args.types[i]));
  }
  BoundFunction f{DataType::String(), std::vector<DataType>(args.types.size(), DataType::String()), nullptr};
  f.kernel = fnutil::StringKernel([](const std::vector<VectorPtr>& a, size_t row,
                                     std::string& buf) -> std::optional<std::string_view> {
    const std::optional<UrlParts> url = SplitUrl(StrAt(*a[0], row));
    if (!url) return std::nullopt;
    const std::string_view part = StrAt(*a[1], row);
    if (a.size() == 3) {
      // A query parameter: the first "key=value" whose key matches, as Spark's regex finds it.
      if (part != "QUERY" || !url->query) return std::nullopt;
      const std::string_view key = StrAt(*a[2], row);
      std::string_view query = *url->query;
      while (true) {
        const size_t amp = query.find('&');
        const std::string_view pair = query.substr(0, amp);
        if (pair.size() > key.size() && pair.starts_with(key) && pair[key.size()] == '=') {
          return pair.substr(key.size() + 1);
        }
        if (amp == std::string_view::npos) return std::nullopt;
        query = query.substr(amp + 1);
      }
    }
    if (part == "HOST") return url->host;
    if (part == "PATH") return url->path;
    if (part == "QUERY") return url->query;
    if (part == "REF") return url->fragment;
    if (part == "PROTOCOL") return url->scheme;
    if (part == "AUTHORITY") return url->authority;
    if (part == "USERINFO") return url->user_info;
    if (part == "FILE") {
      if (!url->path) return std::nullopt;
      buf.assign(*url->path);
      if (url->query) {
        buf += '?';
        buf += *url->query;
      }
      return std::string_view(buf);
    }
    return std::nullopt;
  });
  return f;
}

}  // namespace

void RegisterUrlFunctions(FunctionRegistry& registry) {
  registry.Register(UrlCodec("url_encode", true));
  registry.Register(UrlCodec("url_decode", false));
  registry.Alias("try_url_decode", "url_decode");
  registry.Register({"parse_url", "parse_url(url, part[, key])", BindParseUrl});
}

}  // namespace sluice
