#include "simorch/tune/tune_report.hpp"

#include <fmt/core.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include "simorch/error.hpp"
#include "simorch/h5/h5.hpp"

namespace simorch {
namespace {

std::string list(const double* values, std::size_t count, const char* format) {
  std::string text = "[";
  for (std::size_t i = 0; i < count; ++i) {
    text += (i ? ", " : "") + fmt::format(fmt::runtime(format), values[i]);
  }
  return text + "]";
}

}  // namespace

bool is_tune_file(const std::filesystem::path& path) {
  if (!h5::is_hdf5(path)) return false;
  try {
    const auto file = h5::File::open(path, h5::FileAccess::read_only);
    return h5::has_attribute(file, "format") &&
           h5::read_string_attribute(file, "format") == "simorch-tune";
  } catch (const Error&) {
    return false;
  }
}

std::string format_tune_report(const std::filesystem::path& path, bool is_json) {
  if (!is_tune_file(path)) {
    throw IoError(path.string(), "read tuning file", "not a file written by simorch tune", true);
  }
  const auto file = h5::File::open(path, h5::FileAccess::read_only);
  const auto group = file.open_group("tuning");
  const std::string controller = h5::read_string_attribute(file, "controller");
  const auto best_cost = group.open_dataset("best_cost").read<double>();
  const auto best_gains = group.open_dataset("best_gains").read<double>();
  const auto wall = group.open_dataset("wall_s").read<double>();
  const std::size_t generations = best_cost.size();
  const std::size_t dims = generations ? best_gains.size() / generations : 0;
  const auto validation = file.open_group("validation");
  const auto trials = h5::read_attribute<std::int64_t>(validation, "trials");
  const auto successes = h5::read_attribute<std::int64_t>(validation, "successes");
  const double lower = h5::read_attribute<double>(validation, "wilson_lower");
  const double upper = h5::read_attribute<double>(validation, "wilson_upper");
  const auto particles = h5::read_attribute<std::int64_t>(group, "n_particles");
  const auto samples = h5::read_attribute<std::int64_t>(group, "samples");
  std::string out;
  if (is_json) {
    out += fmt::format("{{\"controller\": \"{}\", \"n_particles\": {}, \"samples\": {}, ",
                       controller, particles, samples);
    out += "\"best_cost\": " + list(best_cost.data(), generations, "{}") + ", \"best_gains\": [";
    for (std::size_t g = 0; g < generations; ++g) {
      out += (g ? ", " : "") + list(best_gains.data() + g * dims, dims, "{}");
    }
    out += fmt::format(
        "], \"validation\": {{\"trials\": {}, \"successes\": {}, \"wilson_lower\": {}, "
        "\"wilson_upper\": {}}}}}\n",
        trials, successes, lower, upper);
    return out;
  }
  out += fmt::format("simorch report: {} (tuning file)\n", path.string());
  out += fmt::format("  controller  {}, {} particles x {} samples, {} generations\n", controller,
                     particles, samples, generations);
  out += "\nConvergence (best cost so far and its gains)\n";
  out += "  generation        best cost   wall_s  gains\n";
  for (std::size_t g = 0; g < generations; ++g) {
    out += fmt::format("  {:>10} {:>16.6g} {:>8.2f}  {}\n", g, best_cost[g], wall[g],
                       list(best_gains.data() + g * dims, dims, "{:.4g}"));
  }
  const double rate = trials > 0 ? static_cast<double>(successes) / static_cast<double>(trials) : 0;
  out += fmt::format(
      "\nValidation of the final gains on {} fresh tasks: success {} = {:.4f} (95 % Wilson "
      "interval {:.4f} to {:.4f})\n",
      trials, successes, rate, lower, upper);
  return out;
}

}  // namespace simorch
