#pragma once

// CRC-32C (Castagnoli) for journal records: the SSE4.2 `crc32` instruction where the CPU
// has it (about 8 bytes per 3 cycles, so checksumming a results record costs a few ns per
// task), slicing-by-8 tables otherwise; both give the same sums.

#include <cstddef>
#include <cstdint>

namespace simorch::io_detail {

/// Running CRC-32C: update() over the bytes in order, then value().
class Crc32 {
 public:
  void update(const void* data, std::size_t size) noexcept;
  std::uint32_t value() const noexcept { return ~state_; }

 private:
  std::uint32_t state_ = 0xFFFFFFFFu;
};

/// CRC-32C of one buffer.
std::uint32_t crc32(const void* data, std::size_t size) noexcept;

namespace crc_detail {
/// The table-driven sum alone (what CPUs without SSE4.2 use), for tests.
std::uint32_t update_portable(std::uint32_t state, const void* data, std::size_t size) noexcept;
}  // namespace crc_detail

}  // namespace simorch::io_detail
