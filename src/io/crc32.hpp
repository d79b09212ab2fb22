#pragma once

// CRC-32 (IEEE 802.3, the zlib/gzip polynomial) for journal records.

#include <cstddef>
#include <cstdint>

namespace simorch::io_detail {

/// Running CRC-32: update() over the bytes in order, then value().
class Crc32 {
 public:
  void update(const void* data, std::size_t size) noexcept;
  std::uint32_t value() const noexcept { return ~state_; }

 private:
  std::uint32_t state_ = 0xFFFFFFFFu;
};

/// CRC-32 of one buffer.
std::uint32_t crc32(const void* data, std::size_t size) noexcept;

}  // namespace simorch::io_detail
