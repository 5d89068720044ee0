#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace sluice::parquet {

// Bits needed to store values up to `max_value` (0 for 0).
int BitWidth(uint32_t max_value);

// Parquet's RLE / bit-packing hybrid (definition and repetition levels, dictionary indices):
// runs of 8 or more equal values as (count, value), everything else bit-packed in groups of 8,
// least significant bit first. Appends to `out` without a length prefix.
void EncodeRleHybrid(const uint32_t* values, size_t count, int bit_width, std::string& out);
void EncodeRleHybrid(const uint16_t* values, size_t count, int bit_width, std::string& out);

// Decodes exactly `count` values of the hybrid encoding from `bytes` into `out` (bit widths up
// to 32). Input that ends early or claims more than it holds is an error, never a read past it.
Status DecodeRleHybrid(std::string_view bytes, int bit_width, size_t count, uint32_t* out);
Status DecodeRleHybrid(std::string_view bytes, int bit_width, size_t count, uint16_t* out);

}  // namespace sluice::parquet
