#pragma once

#include <bit>
#include <cstdint>
#include <cstring>
#include <string_view>

// Murmur3 x86_32 as Spark computes it (its hash() function, Count-Min sketches): 4-byte words
// little-endian, and Spark's own handling of trailing bytes.
namespace sluice {

struct SparkMurmur3 {
  using Hash = uint32_t;

  static Hash Int(uint32_t v, Hash seed) { return Finish(MixH1(seed, MixK1(v)), 4); }
  static Hash Long(uint64_t v, Hash seed) {
    const uint32_t h1 = MixH1(seed, MixK1(static_cast<uint32_t>(v)));
    return Finish(MixH1(h1, MixK1(static_cast<uint32_t>(v >> 32))), 8);
  }
  // Spark's (pre-2.3, still used by hash()) byte hashing: whole 4-byte words as Murmur3 does,
  // then each remaining byte, sign-extended, mixed in as a word of its own.
  static Hash Bytes(std::string_view b, Hash seed) {
    uint32_t h1 = seed;
    const size_t aligned = b.size() - b.size() % 4;
    for (size_t i = 0; i < aligned; i += 4) {
      uint32_t word;
      std::memcpy(&word, b.data() + i, 4);  // little-endian, as Spark reads it
      h1 = MixH1(h1, MixK1(word));
    }
    for (size_t i = aligned; i < b.size(); ++i) {
      h1 = MixH1(h1, MixK1(static_cast<uint32_t>(static_cast<int32_t>(static_cast<int8_t>(b[i])))));
    }
    return Finish(h1, static_cast<uint32_t>(b.size()));
  }

 private:
  static constexpr uint32_t kC1 = 0xcc9e2d51, kC2 = 0x1b873593;
  static uint32_t MixK1(uint32_t k1) { return std::rotl(k1 * kC1, 15) * kC2; }
  static uint32_t MixH1(uint32_t h1, uint32_t k1) { return std::rotl(h1 ^ k1, 13) * 5 + 0xe6546b64; }
  static uint32_t Finish(uint32_t h1, uint32_t length) {
    h1 ^= length;
    h1 ^= h1 >> 16;
    h1 *= 0x85ebca6b;
    h1 ^= h1 >> 13;
    h1 *= 0xc2b2ae35;
    return h1 ^ (h1 >> 16);
  }
};

}  // namespace sluice
