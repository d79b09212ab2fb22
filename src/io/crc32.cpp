#include "crc32.hpp"

#include <array>
#include <cstring>

namespace simorch::io_detail {
namespace {

// Slicing-by-8 tables of the reflected Castagnoli polynomial: the fallback for CPUs
// without SSE4.2.
using Tables = std::array<std::array<std::uint32_t, 256>, 8>;

constexpr Tables make_tables() {
  Tables t{};
  for (std::uint32_t i = 0; i < 256; ++i) {
    std::uint32_t c = i;
    for (int k = 0; k < 8; ++k) {
      c = (c & 1u) != 0 ? 0x82F63B78u ^ (c >> 1) : c >> 1;
    }
    t[0][i] = c;
  }
  for (std::size_t i = 0; i < 256; ++i) {
    for (std::size_t s = 1; s < 8; ++s) {
      t[s][i] = (t[s - 1][i] >> 8) ^ t[0][t[s - 1][i] & 0xFFu];
    }
  }
  return t;
}

constexpr Tables tables = make_tables();

#if defined(__x86_64__)
[[gnu::target("sse4.2")]] std::uint32_t update_sse42(std::uint32_t c, const unsigned char* p,
                                                     std::size_t size) noexcept {
  std::uint64_t c64 = c;
  for (; size >= 8; p += 8, size -= 8) {
    std::uint64_t word = 0;
    std::memcpy(&word, p, 8);
    c64 = __builtin_ia32_crc32di(c64, word);
  }
  auto c32 = static_cast<std::uint32_t>(c64);
  for (; size > 0; ++p, --size) c32 = __builtin_ia32_crc32qi(c32, *p);
  return c32;
}

// __builtin_cpu_init first: this runs among static constructors.
const bool has_sse42 = [] {
  __builtin_cpu_init();
  return __builtin_cpu_supports("sse4.2") != 0;
}();
#endif

}  // namespace

std::uint32_t crc_detail::update_portable(std::uint32_t c, const void* data,
                                          std::size_t size) noexcept {
  const auto* p = static_cast<const unsigned char*>(data);
  while (size >= 8) {
    std::uint32_t lo = 0;
    std::uint32_t hi = 0;
    std::memcpy(&lo, p, 4);
    std::memcpy(&hi, p + 4, 4);
    lo ^= c;  // little-endian hosts only (x86-64, aarch64), like the journal itself
    c = tables[7][lo & 0xFFu] ^ tables[6][(lo >> 8) & 0xFFu] ^ tables[5][(lo >> 16) & 0xFFu] ^
        tables[4][lo >> 24] ^ tables[3][hi & 0xFFu] ^ tables[2][(hi >> 8) & 0xFFu] ^
        tables[1][(hi >> 16) & 0xFFu] ^ tables[0][hi >> 24];
    p += 8;
    size -= 8;
  }
  while (size-- > 0) {
    c = tables[0][(c ^ *p++) & 0xFFu] ^ (c >> 8);
  }
  return c;
}

void Crc32::update(const void* data, std::size_t size) noexcept {
#if defined(__x86_64__)
  if (has_sse42) {
    state_ = update_sse42(state_, static_cast<const unsigned char*>(data), size);
    return;
  }
#endif
  state_ = crc_detail::update_portable(state_, data, size);
}

std::uint32_t crc32(const void* data, std::size_t size) noexcept {
  Crc32 crc;
  crc.update(data, size);
  return crc.value();
}

}  // namespace simorch::io_detail
