#include "cql/cql_segment.h"

#include <zlib.h>

#include <algorithm>

namespace sluice::cql {
namespace {

constexpr uint32_t kCrc24Init = 0x875060;
constexpr uint32_t kCrc24Polynomial = 0x1974F0B;  // with its x^24 term, which clears bit 24
constexpr unsigned char kCrc32Seed[] = {0xFA, 0x2D, 0x55, 0xCA};
constexpr uint32_t kSelfContained = uint32_t{1} << 17;
// A buffer that held a split envelope this large is given back once it has been read.
constexpr size_t kKeepCapacity = 4 * kMaxSegmentPayload;

uint32_t ReadLittle(std::string_view bytes, size_t n) {
  uint32_t v = 0;
  for (size_t i = 0; i < n; ++i) v |= uint32_t{static_cast<uint8_t>(bytes[i])} << (8 * i);
  return v;
}

void WriteLittle(uint32_t v, size_t n, char* out) {
  for (size_t i = 0; i < n; ++i) out[i] = static_cast<char>((v >> (8 * i)) & 0xFF);
}

// The body length in an envelope header (its last 4 bytes, big-endian).
uint32_t EnvelopeBodyLength(std::string_view envelope) {
  uint32_t v = 0;
  for (size_t i = 5; i < kHeaderSize; ++i) v = (v << 8) | static_cast<uint8_t>(envelope[i]);
  return v;
}

}  // namespace

uint32_t SegmentHeaderCrc(std::string_view three_bytes) {
  uint32_t crc = kCrc24Init;
  for (char c : three_bytes.substr(0, 3)) {
    crc ^= uint32_t{static_cast<uint8_t>(c)} << 16;
    for (int bit = 0; bit < 8; ++bit) {
      crc <<= 1;
      if (crc & 0x1000000) crc ^= kCrc24Polynomial;
    }
  }
  return crc & 0xFFFFFF;
}

uint32_t SegmentPayloadCrc(std::string_view payload) {
  uLong crc = crc32(0L, kCrc32Seed, sizeof kCrc32Seed);
  crc = crc32(crc, reinterpret_cast<const Bytef*>(payload.data()), static_cast<uInt>(payload.size()));
  return static_cast<uint32_t>(crc);
}

Result<SegmentHeader> ParseSegmentHeader(std::string_view six_bytes) {
  if (six_bytes.size() < kSegmentHeaderSize) return Status::IOError("a segment header is 6 bytes");
  const uint32_t word = ReadLittle(six_bytes, 3);
  const uint32_t crc = ReadLittle(six_bytes.substr(3), 3);
  if (crc != SegmentHeaderCrc(six_bytes)) {
    return Status::IOError("a damaged segment header (CRC24 0x{:06x}, computed 0x{:06x})", crc,
                           SegmentHeaderCrc(six_bytes));
  }
  // The 6 bits above the flag are padding, covered by the CRC and otherwise ignored.
  return SegmentHeader{word & 0x1FFFF, (word & kSelfContained) != 0};
}

Status CheckSegmentPayload(std::string_view payload, std::string_view trailer) {
  if (trailer.size() < kSegmentTrailerSize) return Status::IOError("a segment trailer is 4 bytes");
  const uint32_t crc = ReadLittle(trailer, 4);
  const uint32_t computed = SegmentPayloadCrc(payload);
  if (crc != computed) {
    return Status::IOError("a damaged {}-byte segment (CRC32 0x{:08x}, computed 0x{:08x})",
                           payload.size(), crc, computed);
  }
  return Status::OK();
}

void SegmentWriter::Open() {
  open_ = out_.size();
  out_.append(kSegmentHeaderSize, '\0');
}

void SegmentWriter::Close(bool self_contained) {
  const size_t length = out_.size() - open_ - kSegmentHeaderSize;
  const uint32_t word = static_cast<uint32_t>(length) | (self_contained ? kSelfContained : 0);
  char* header = out_.data() + open_;
  WriteLittle(word, 3, header);
  WriteLittle(SegmentHeaderCrc(std::string_view(header, 3)), 3, header + 3);
  const uint32_t crc = SegmentPayloadCrc(std::string_view(out_).substr(open_ + kSegmentHeaderSize));
  char trailer[kSegmentTrailerSize];
  WriteLittle(crc, kSegmentTrailerSize, trailer);
  out_.append(trailer, kSegmentTrailerSize);
  open_ = std::string::npos;
}

void SegmentWriter::Add(const FrameHeader& header, std::string_view body) {
  const size_t size = kHeaderSize + body.size();
  if (open_ != std::string::npos && out_.size() - open_ - kSegmentHeaderSize + size > kMaxSegmentPayload) {
    Close(true);
  }
  if (size <= kMaxSegmentPayload) {
    if (open_ == std::string::npos) Open();
    AppendHeader(header, out_);
    out_.append(body);
    return;
  }
  std::string head;
  AppendHeader(header, head);
  size_t done = 0;  // of head then body
  while (done < size) {
    Open();
    size_t room = kMaxSegmentPayload;
    if (done < kHeaderSize) {
      const size_t take = std::min(room, kHeaderSize - done);
      out_.append(head, done, take);
      done += take;
      room -= take;
    }
    const size_t take = std::min(room, size - done);
    out_.append(body.substr(done - kHeaderSize, take));
    done += take;
    Close(false);
  }
}

void SegmentWriter::Finish() {
  if (open_ != std::string::npos) Close(true);
}

Status EnvelopeAssembler::Feed(std::string_view payload, bool self_contained) {
  whole_.erase(0, position_);
  position_ = 0;
  if (whole_.empty() && whole_.capacity() > kKeepCapacity) std::string().swap(whole_);
  if (self_contained) {
    if (!split_.empty()) {
      return Status::IOError("a self-contained segment inside an envelope split over segments");
    }
    // Envelopes never cross a self-contained segment's end.
    for (size_t at = 0; at < payload.size();) {
      const std::string_view rest = payload.substr(at);
      if (rest.size() < kHeaderSize || EnvelopeBodyLength(rest) > rest.size() - kHeaderSize) {
        return Status::IOError("a self-contained segment ends inside an envelope");
      }
      at += kHeaderSize + EnvelopeBodyLength(rest);
    }
    whole_.append(payload);
    return Status::OK();
  }
  split_.append(payload);
  if (split_.size() < kHeaderSize) return Status::OK();
  const uint32_t length = EnvelopeBodyLength(split_);
  if (length > kMaxBodySize) {
    return Status::IOError("the server announced a {}-byte envelope, above the {}-byte limit", length,
                           kMaxBodySize);
  }
  const size_t total = kHeaderSize + length;
  if (split_.size() > total) {
    return Status::IOError("segments that are not self-contained carry more than one envelope");
  }
  if (split_.size() == total) {  // whole: read through whole_
    if (whole_.empty()) {
      whole_.swap(split_);
    } else {
      whole_.append(split_);
    }
    split_.clear();
    if (split_.capacity() > kKeepCapacity) std::string().swap(split_);
  }
  return Status::OK();
}

bool EnvelopeAssembler::Next(std::string_view& envelope) {
  if (position_ >= whole_.size()) return false;
  // Feed checked that each envelope in whole_ is complete.
  const std::string_view rest = std::string_view(whole_).substr(position_);
  envelope = rest.substr(0, kHeaderSize + EnvelopeBodyLength(rest));
  position_ += envelope.size();
  return true;
}

}  // namespace sluice::cql
