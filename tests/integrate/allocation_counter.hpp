#pragma once

#include <cstdint>

namespace simorch::test {

/// Number of global operator new calls so far in this process (this test binary replaces
/// operator new to count them). Used to show that a hot loop does not touch the heap.
std::int64_t allocation_count() noexcept;

}  // namespace simorch::test
