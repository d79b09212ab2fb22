#pragma once

// The one way tests here catch the error a call must throw, to look at what it says.

#include <gtest/gtest.h>

#include <optional>
#include <string_view>

namespace simorch::test {

/// Runs `call` and returns the `E` it threw; fails the test (naming `what_it_did`) and returns
/// nothing when it threw none. Other exceptions pass through.
template <class E, class Call>
std::optional<E> thrown_by(Call&& call, std::string_view what_it_did = "the call succeeded") {
  try {
    call();
  } catch (const E& error) {
    return error;
  }
  ADD_FAILURE() << "no error thrown: " << what_it_did;
  return std::nullopt;
}

}  // namespace simorch::test
