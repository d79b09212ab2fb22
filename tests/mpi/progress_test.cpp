#include "simorch/mpi/progress.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <string>

namespace simorch::mpi {
namespace {

std::string read_all(std::FILE* file) {
  std::rewind(file);
  std::string text;
  char buffer[256];
  while (std::fgets(buffer, sizeof buffer, file) != nullptr) text += buffer;
  return text;
}

TEST(ProgressLine, counts_earlier_segments_and_estimates_the_rest) {
  // 500 of 1000 pending tasks in 2 s, 1000 done before: 250 tasks/s, 2 s left.
  const DispatchProgress p{500, 1000, 2.0, false, false};
  EXPECT_EQ(ProgressPrinter::format_line(p, 2000, 1000),
            "1500/2000 tasks (75.0 %), 250 tasks/s, ETA 2.0 s");
}

TEST(ProgressLine, says_when_stopping_and_the_total_time_at_the_end) {
  EXPECT_EQ(ProgressPrinter::format_line({10, 100, 1.0, true, false}, 100, 0),
            "10/100 tasks (10.0 %), 10 tasks/s, stopping");
  EXPECT_EQ(ProgressPrinter::format_line({100, 100, 125.0, false, true}, 100, 0),
            "100/100 tasks (100.0 %), 1 tasks/s, 2:05 min");
}

TEST(ProgressPrinter, a_log_gets_a_line_every_interval_not_every_update) {
  std::FILE* out = std::tmpfile();
  ASSERT_NE(out, nullptr);
  ProgressPrinter printer(out, /*is_terminal=*/false, 100, 0, /*line_interval_s=*/5.0);
  for (int i = 1; i <= 120; ++i)
    printer.update({static_cast<std::uint64_t>(i / 2), 100, i * 0.1, false, false});
  printer.update({100, 100, 12.5, false, true});
  const std::string text = read_all(out);
  std::fclose(out);
  // Updates span 12 s: lines at 5 s and 10 s, none for the final update (the summary follows).
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 2) << text;
  EXPECT_NE(text.find("simorch: 25/100 tasks"), std::string::npos) << text;
}

TEST(ProgressPrinter, a_terminal_gets_one_redrawn_line) {
  std::FILE* out = std::tmpfile();
  ASSERT_NE(out, nullptr);
  ProgressPrinter printer(out, /*is_terminal=*/true, 10, 0);
  printer.update({5, 10, 0.5, false, false});
  printer.update({6, 10, 0.55, false, false});  // within 0.1 s: not redrawn
  printer.update({10, 10, 1.0, false, true});
  const std::string text = read_all(out);
  std::fclose(out);
  EXPECT_EQ(std::count(text.begin(), text.end(), '\r'), 2) << text;
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 1) << text;
  EXPECT_NE(text.find("[###############...............] 5/10"), std::string::npos) << text;
}

}  // namespace
}  // namespace simorch::mpi
