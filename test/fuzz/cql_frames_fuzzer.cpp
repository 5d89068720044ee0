// What a Cassandra node (or anything answering on its port) sends sluice's CQL client: RESULT
// bodies (Rows, Prepared), ERROR bodies, and v5 segments reassembled into envelopes. The first
// byte picks the reader and the protocol version. Properties: every reader refuses bad bytes
// with a Status; segments sluice writes (SegmentWriter) pass their CRC checks and reassemble
// into exactly the envelopes that went in.
#include <string>
#include <vector>

#include "cql/cql_connection.h"
#include "cql/cql_protocol.h"
#include "cql/cql_segment.h"
#include "fuzz_target.h"

namespace sluice::cql {
namespace {

// Reads back a stream of segments into envelopes; false when a check fails.
bool ReadSegments(std::string_view stream, std::vector<std::string>& envelopes) {
  EnvelopeAssembler assembler;
  while (!stream.empty()) {
    if (stream.size() < kSegmentHeaderSize) return false;
    auto header = ParseSegmentHeader(stream.substr(0, kSegmentHeaderSize));
    if (!header.ok()) return false;
    stream.remove_prefix(kSegmentHeaderSize);
    if (stream.size() < header->payload_length + kSegmentTrailerSize) return false;
    const std::string_view payload = stream.substr(0, header->payload_length);
    const std::string_view trailer = stream.substr(header->payload_length, kSegmentTrailerSize);
    if (!CheckSegmentPayload(payload, trailer).ok()) return false;
    stream.remove_prefix(header->payload_length + kSegmentTrailerSize);
    if (!assembler.Feed(payload, header->self_contained).ok()) return false;
    std::string_view envelope;
    while (assembler.Next(envelope)) envelopes.emplace_back(envelope);
  }
  return true;
}

}  // namespace
}  // namespace sluice::cql

SLUICE_FUZZ_TARGET(cql_frames) {
  using namespace sluice;
  using namespace sluice::cql;
  if (size < 1) return 0;
  const int version = (data[0] & 0x80) ? kProtocolV5 : kProtocolV4;
  std::string_view body = fuzz::AsText(data + 1, size - 1);
  switch (data[0] & 0x7F) {
    case 0: {
      Rows rows;
      (void)ParseRows(body, rows, version);
      break;
    }
    case 1: {
      Prepared prepared;
      Status s = ParsePrepared(body, prepared, version);
      if (s.ok()) {
        for (uint16_t index : prepared.partition_key) {
          if (index >= prepared.bind.size()) fuzz::Fail("a partition key index past the markers");
        }
      }
      break;
    }
    case 2:
      if (ErrorResponseStatus(body, version).ok()) fuzz::Fail("an ERROR body read as success");
      break;
    case 3: {
      // Untrusted segment bytes, CRCs and all.
      std::vector<std::string> envelopes;
      if (ReadSegments(body, envelopes)) {
        for (const std::string& envelope : envelopes) (void)ParseResponseHeader(envelope.substr(0, kHeaderSize), kProtocolV5);
      }
      break;
    }
    case 4: {
      // Untrusted segment payloads behind correct CRCs, so the reassembly itself is fuzzed: each
      // chunk is a 2-byte length, a self-contained flag byte and the payload.
      std::string stream;
      while (body.size() >= 3) {
        const size_t length = (static_cast<uint8_t>(body[0]) << 8 | static_cast<uint8_t>(body[1]));
        const bool self_contained = body[2] & 1;
        body.remove_prefix(3);
        const std::string_view payload = body.substr(0, length);
        body.remove_prefix(payload.size());
        const uint32_t word = static_cast<uint32_t>(payload.size()) | (self_contained ? 1u << 17 : 0u);
        char header[kSegmentHeaderSize];
        for (int i = 0; i < 3; ++i) header[i] = static_cast<char>(word >> (8 * i));
        const uint32_t header_crc = SegmentHeaderCrc(std::string_view(header, 3));
        for (int i = 0; i < 3; ++i) header[3 + i] = static_cast<char>(header_crc >> (8 * i));
        const uint32_t payload_crc = SegmentPayloadCrc(payload);
        char trailer[kSegmentTrailerSize];
        for (int i = 0; i < 4; ++i) trailer[i] = static_cast<char>(payload_crc >> (8 * i));
        stream.append(header, sizeof header).append(payload).append(trailer, sizeof trailer);
      }
      std::vector<std::string> envelopes;
      (void)ReadSegments(stream, envelopes);
      for (const std::string& envelope : envelopes) {
        if (envelope.size() < kHeaderSize) fuzz::Fail("an envelope shorter than its header");
      }
      break;
    }
    default: {
      // Envelopes out of the input (a 3-byte length, then the body) through SegmentWriter and back;
      // at most 1 MiB of them, so one can span several segments but an input stays cheap.
      std::vector<std::string> sent;
      std::string stream;
      SegmentWriter writer(stream);
      size_t total = 0;
      while (body.size() >= 3 && total < (size_t{1} << 20)) {
        size_t length = (static_cast<uint8_t>(body[0]) << 16 | static_cast<uint8_t>(body[1]) << 8 |
                         static_cast<uint8_t>(body[2])) % 300000;
        body.remove_prefix(3);
        std::string payload(body.substr(0, length));
        payload.resize(length, 'p');
        total += length;
        body.remove_prefix(std::min(length, body.size()));
        FrameHeader header;
        header.version = kProtocolV5 | 0x80;
        header.opcode = Opcode::kResult;
        header.stream = static_cast<int16_t>(sent.size());
        header.length = static_cast<uint32_t>(payload.size());
        writer.Add(header, payload);
        std::string envelope;
        AppendHeader(header, envelope);
        sent.push_back(envelope + payload);
      }
      writer.Finish();
      std::vector<std::string> received;
      if (!ReadSegments(stream, received)) fuzz::Fail("segments sluice wrote do not read back");
      if (received != sent) fuzz::Fail("segments reassemble into other envelopes");
      break;
    }
  }
  return 0;
}
