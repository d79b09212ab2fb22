#include "simorch/run/stop_signal.hpp"

#include <gtest/gtest.h>

#include <csignal>

namespace simorch::mpi {
namespace {

TEST(StopSignal, the_first_signal_only_asks_for_a_stop) {
  for (int signal_number : {SIGTERM, SIGINT, SIGUSR1}) {
    StopSignalScope scope;
    EXPECT_EQ(stop_signal_count(), 0);
    std::raise(signal_number);
    EXPECT_EQ(stop_signal_count(), 1);
    EXPECT_EQ(last_stop_signal(), signal_number);
  }
}

TEST(StopSignal, nested_scopes_share_the_outer_count) {
  StopSignalScope outer;
  std::raise(SIGUSR1);
  {
    StopSignalScope inner;  // run_dispatch inside simorch run's scope
    EXPECT_EQ(stop_signal_count(), 1);
  }
  EXPECT_EQ(stop_signal_count(), 1);
}

TEST(StopSignalDeathTest, a_second_signal_ends_the_process_with_75) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        StopSignalScope scope;
        std::raise(SIGTERM);
        std::raise(SIGTERM);
        std::exit(0);  // not reached
      },
      testing::ExitedWithCode(75), "");
}

TEST(StopSignalDeathTest, outside_a_scope_the_default_action_applies) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  { StopSignalScope scope; }
  EXPECT_EXIT(std::raise(SIGUSR1), testing::KilledBySignal(SIGUSR1), "");
}

}  // namespace
}  // namespace simorch::mpi
