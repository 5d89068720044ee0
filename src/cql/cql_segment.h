#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"
#include "cql/cql_protocol.h"

// Native protocol v5's outer framing (native_protocol_v5.spec, section 2.1, uncompressed): after
// the STARTUP exchange every envelope (the 9-byte-header frame of v4) travels inside segments.
// A segment is a 6-byte header — a 3-byte little-endian word holding the payload length (17 bits)
// and the self-contained flag (bit 17), then the CRC24 of those 3 bytes — the payload, and the
// payload's CRC32, little-endian. A self-contained segment holds whole envelopes; a larger
// envelope is cut over a run of segments that are not.
namespace sluice::cql {

constexpr size_t kSegmentHeaderSize = 6;
constexpr size_t kSegmentTrailerSize = 4;
constexpr size_t kMaxSegmentPayload = (size_t{1} << 17) - 1;

// CRC24 of a segment header's first 3 bytes as they go on the wire: initial value 0x875060,
// polynomial 0x1974F0B, each byte fed most significant bit first.
uint32_t SegmentHeaderCrc(std::string_view three_bytes);
// CRC-32 (the zlib/IEEE one) of the payload, seeded as Cassandra does by first feeding the bytes
// FA 2D 55 CA (org.apache.cassandra.net.Crc; the spec does not say).
uint32_t SegmentPayloadCrc(std::string_view payload);

struct SegmentHeader {
  uint32_t payload_length = 0;
  bool self_contained = false;
};

// Parses and checks 6 header bytes: an IOError when the CRC24 does not match.
Result<SegmentHeader> ParseSegmentHeader(std::string_view six_bytes);
// Checks a payload against its 4 trailer bytes.
Status CheckSegmentPayload(std::string_view payload, std::string_view trailer);

// Packs envelopes into segments appended to `out`: small envelopes share a self-contained segment
// of up to kMaxSegmentPayload bytes; one larger than that gets its own run of segments.
class SegmentWriter {
 public:
  explicit SegmentWriter(std::string& out) : out_(out) {}
  // The envelope is `header` then `body`.
  void Add(const FrameHeader& header, std::string_view body);
  // Closes the open self-contained segment, if any; call before writing `out`.
  void Finish();

 private:
  void Open();
  void Close(bool self_contained);
  std::string& out_;
  size_t open_ = std::string::npos;  // where the open segment's header starts in out_
};

// Reassembles envelopes from the payloads of segments whose CRCs were checked, in arrival order.
// Every envelope is bounded by kMaxBodySize; anything not fitting the format is an IOError.
class EnvelopeAssembler {
 public:
  Status Feed(std::string_view payload, bool self_contained);
  // The next whole envelope (header and body), valid until the next Feed; false when none.
  bool Next(std::string_view& envelope);

 private:
  std::string whole_;   // a self-contained payload: envelopes back to back
  size_t position_ = 0; // the next envelope in whole_
  std::string split_;   // a split envelope, as far as it has arrived
};

}  // namespace sluice::cql
