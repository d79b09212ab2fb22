#include "simorch/mpi/progress.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace simorch::mpi {
namespace {
std::string duration_text(double s) {
  if (!std::isfinite(s)) return "?";
  if (s < 60) return fmt::format("{:.1f} s", s);
  const auto total = static_cast<long long>(s + 0.5);
  if (total < 3600) return fmt::format("{}:{:02d} min", total / 60, total % 60);
  return fmt::format("{}:{:02d}:{:02d} h", total / 3600, (total / 60) % 60, total % 60);
}
}  // namespace

ProgressPrinter::ProgressPrinter(std::FILE* out, bool is_terminal, std::uint64_t num_tasks,
                                 std::uint64_t done_before, double line_interval_s)
    : out_(out),
      is_terminal_(is_terminal),
      num_tasks_(num_tasks),
      done_before_(done_before),
      line_interval_s_(line_interval_s) {}

std::string ProgressPrinter::format_line(const DispatchProgress& p, std::uint64_t num_tasks,
                                         std::uint64_t done_before) {
  const std::uint64_t done = done_before + p.done;
  const double fraction =
      num_tasks > 0 ? static_cast<double>(done) / static_cast<double>(num_tasks) : 1.0;
  const double rate = p.elapsed_s > 0 ? static_cast<double>(p.done) / p.elapsed_s : 0;
  const double eta_s = rate > 0 ? static_cast<double>(p.total - std::min(p.done, p.total)) / rate
                                : std::numeric_limits<double>::infinity();
  std::string line =
      fmt::format("{}/{} tasks ({:.1f} %), {:.0f} tasks/s", done, num_tasks, 100 * fraction, rate);
  if (p.is_stopping) {
    line += ", stopping";
  } else if (!p.is_final) {
    line += ", ETA " + duration_text(eta_s);
  } else {
    line += ", " + duration_text(p.elapsed_s);
  }
  return line;
}

void ProgressPrinter::update(const DispatchProgress& p) {
  if (is_terminal_) {
    if (!p.is_final && last_print_s_ >= 0 && p.elapsed_s - last_print_s_ < 0.1) return;
    const std::uint64_t done = done_before_ + p.done;
    const double fraction =
        num_tasks_ > 0 ? static_cast<double>(done) / static_cast<double>(num_tasks_) : 1.0;
    constexpr int width = 30;
    const int filled = std::clamp(static_cast<int>(fraction * width), 0, width);
    // \r + erase line: one line redrawn in place.
    fmt::print(out_, "\r\x1b[2K[{}{}] {}", std::string(static_cast<std::size_t>(filled), '#'),
               std::string(static_cast<std::size_t>(width - filled), '.'),
               format_line(p, num_tasks_, done_before_));
    if (p.is_final) fmt::print(out_, "\n");
    std::fflush(out_);
    last_print_s_ = p.elapsed_s;
    return;
  }
  if (p.is_final) return;  // the summary follows; no need for a last line
  if (last_print_s_ < 0) last_print_s_ = 0;
  if (p.elapsed_s - last_print_s_ < line_interval_s_) return;
  fmt::print(out_, "simorch: {}\n", format_line(p, num_tasks_, done_before_));
  std::fflush(out_);
  last_print_s_ = p.elapsed_s;
}

}  // namespace simorch::mpi
