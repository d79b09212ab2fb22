#include "tune_file.hpp"

#include <cstdint>
#include <limits>
#include <string>

#include "simorch/h5/h5.hpp"
#include "simorch/study/study.hpp"

namespace simorch::detail {
namespace {

void write_doubles(const h5::Group& group, std::string_view name,
                   const std::vector<std::uint64_t>& dims, const std::vector<double>& values) {
  auto dataset = group.create_dataset(name, h5::native_type<double>(), dims);
  dataset.write_rows<double>(0, values);
}

}  // namespace

void write_tune_file(const std::filesystem::path& path, const Study& study,
                     const TuningConfig& tuning, const std::vector<GenerationRecord>& history,
                     const std::vector<double>& wall_s, const TuneResult& result) {
  const std::filesystem::path temporary = path.string() + ".tmp";
  {
    auto file = h5::File::create(temporary, /*overwrite=*/true);
    h5::write_attribute(file, "format", std::string_view("simorch-tune"));
    h5::write_attribute(file, "format_version", std::int64_t{1});
    h5::write_attribute(file, "study", std::string_view(study.text));
    h5::write_attribute(file, "controller", to_string(study.controller.kind));
    const std::uint64_t g = history.size();
    const std::uint64_t p = static_cast<std::uint64_t>(tuning.n_particles);
    const std::uint64_t d = tuning.lower.size();
    auto group = file.create_group("tuning");
    h5::write_attribute(
        group, "algorithm",
        std::string_view("pagmo2 pso_gen, variant 1 (inertia weight), global best"));
    h5::write_attribute(group, "n_particles", static_cast<std::int64_t>(p));
    h5::write_attribute(group, "iters", tuning.iters);
    h5::write_attribute(group, "w", tuning.w);
    h5::write_attribute(group, "c1", tuning.c1);
    h5::write_attribute(group, "c2", tuning.c2);
    h5::write_attribute(group, "seed", static_cast<std::int64_t>(tuning.seed));
    h5::write_attribute(group, "samples", tuning.samples);
    std::vector<double> positions, costs, best_cost, best_gains, bounds;
    double best = std::numeric_limits<double>::infinity();
    std::vector<double> best_x(d, std::numeric_limits<double>::quiet_NaN());
    for (const GenerationRecord& r : history) {
      positions.insert(positions.end(), r.positions.begin(), r.positions.end());
      costs.insert(costs.end(), r.costs.begin(), r.costs.end());
      for (std::uint64_t i = 0; i < p; ++i) {
        if (r.costs[i] < best) {
          best = r.costs[i];
          best_x.assign(r.positions.begin() + static_cast<std::ptrdiff_t>(i * d),
                        r.positions.begin() + static_cast<std::ptrdiff_t>((i + 1) * d));
        }
      }
      best_cost.push_back(best);
      best_gains.insert(best_gains.end(), best_x.begin(), best_x.end());
    }
    bounds.insert(bounds.end(), tuning.lower.begin(), tuning.lower.end());
    bounds.insert(bounds.end(), tuning.upper.begin(), tuning.upper.end());
    write_doubles(group, "positions", {g, p, d}, positions);
    write_doubles(group, "costs", {g, p}, costs);
    write_doubles(group, "best_cost", {g}, best_cost);
    write_doubles(group, "best_gains", {g, d}, best_gains);
    write_doubles(group, "bounds", {2, d}, bounds);
    write_doubles(group, "wall_s", {g}, wall_s);
    auto validation = file.create_group("validation");
    h5::write_attribute(validation, "seed", static_cast<std::int64_t>(tuning.validation_seed));
    h5::write_attribute(validation, "trials", static_cast<std::int64_t>(result.validation_trials));
    h5::write_attribute(validation, "successes",
                        static_cast<std::int64_t>(result.validation_successes));
    h5::write_attribute(validation, "wilson_lower", result.validation_lower);
    h5::write_attribute(validation, "wilson_upper", result.validation_upper);
    write_doubles(validation, "gains", {d}, result.best_gains);
    file.close();
  }
  std::filesystem::rename(temporary, path);
}

}  // namespace simorch::detail
