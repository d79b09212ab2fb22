#include "simorch/analysis/scaling.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>

#include "simorch/error.hpp"

namespace simorch::analysis {
namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();
// tasks/N may differ by rounding (e.g. 1000 samples per core, 3 cores → 3000 or 2999).
constexpr double weak_tolerance = 0.05;

std::string_view trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r");
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(" \t\r");
  return s.substr(first, last - first + 1);
}

// The canonical text (study/canonical_text.cpp) names the count monte_carlo.tasks; the
// study file names it monte_carlo.samples.
bool is_samples_key(std::string_view key) {
  constexpr std::string_view section = "monte_carlo.";
  if (key.starts_with(section)) key.remove_prefix(section.size());
  return key == "samples" || key == "num_samples" || key == "tasks";
}

double mean(const std::vector<double>& values) {
  double sum = 0.0;
  for (double v : values) sum += v;
  return values.empty() ? nan : sum / static_cast<double>(values.size());
}

}  // namespace

std::string study_without_samples(std::string_view canonical_text) {
  std::string out;
  out.reserve(canonical_text.size());
  while (!canonical_text.empty()) {
    const auto end = canonical_text.find('\n');
    const std::string_view line = canonical_text.substr(0, end);
    canonical_text =
        end == std::string_view::npos ? std::string_view{} : canonical_text.substr(end + 1);
    const auto separator = line.find_first_of(":=");
    if (separator != std::string_view::npos && is_samples_key(trim(line.substr(0, separator))))
      continue;
    out.append(line);
    out.push_back('\n');
  }
  return out;
}

std::string_view to_string(ScalingKind kind) noexcept {
  return kind == ScalingKind::strong ? "strong" : "weak";
}

ScalingKind classify_series(std::span<const ScalingRun> runs) {
  if (runs.empty()) throw ConfigError("scaling", "", "give at least one batch file");
  const ScalingRun& first = runs.front();
  const bool is_strong = std::all_of(runs.begin(), runs.end(), [&](const ScalingRun& r) {
    return r.study_hash == first.study_hash;
  });
  if (is_strong) return ScalingKind::strong;
  for (const ScalingRun& r : runs) {
    if (r.study_without_samples != first.study_without_samples)
      throw ConfigError(
          "scaling", r.label,
          fmt::format("is a different study from {} (study_hash {} vs {}, and they differ in "
                      "more than monte_carlo.samples); a series must be one study (strong "
                      "scaling) or one study with samples proportional to N (weak scaling)",
                      first.label, r.study_hash, first.study_hash));
  }
  const double first_per_core =
      static_cast<double>(first.tasks) / static_cast<double>(first.cores());
  for (const ScalingRun& r : runs) {
    const double per_core = static_cast<double>(r.tasks) / static_cast<double>(r.cores());
    if (std::abs(per_core - first_per_core) > weak_tolerance * first_per_core)
      throw ConfigError(
          "scaling", r.label,
          fmt::format("has {} tasks on N = {} ({:.4g} per core) but {} has {} on N = {} "
                      "({:.4g} per core); a weak-scaling series needs tasks proportional to N "
                      "(within 5 %), a strong one the same study",
                      r.tasks, r.cores(), per_core, first.label, first.tasks, first.cores(),
                      first_per_core));
  }
  return ScalingKind::weak;
}

double karp_flatt(double speedup, double cores) {
  if (!(cores > 1.0)) return nan;
  return (1.0 / speedup - 1.0 / cores) / (1.0 - 1.0 / cores);
}

namespace {

// Ordinary least squares y = a + b·x with intercept, and its R².
struct LineFit {
  bool is_valid = false;
  double intercept = 0;
  double slope = 0;
  double r_squared = 0;
};

LineFit fit_line(const std::vector<double>& x, const std::vector<double>& y) {
  LineFit fit;
  const double n = static_cast<double>(x.size());
  const double x_mean = mean(x);
  const double y_mean = mean(y);
  double sxx = 0.0;
  double sxy = 0.0;
  double syy = 0.0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    sxx += (x[i] - x_mean) * (x[i] - x_mean);
    sxy += (x[i] - x_mean) * (y[i] - y_mean);
    syy += (y[i] - y_mean) * (y[i] - y_mean);
  }
  // One distinct x (e.g. every run at the same N) determines no slope.
  if (!(n >= 2.0) || !(sxx > 0.0)) return fit;
  fit.is_valid = true;
  fit.slope = sxy / sxx;
  fit.intercept = y_mean - fit.slope * x_mean;
  fit.r_squared = syy > 0.0 ? sxy * sxy / (sxx * syy) : 1.0;
  return fit;
}

double rms_relative(const std::vector<double>& measured, const std::vector<double>& fitted) {
  double sum = 0.0;
  for (std::size_t i = 0; i < measured.size(); ++i) {
    const double r = (measured[i] - fitted[i]) / fitted[i];
    sum += r * r;
  }
  return std::sqrt(sum / static_cast<double>(measured.size()));
}

}  // namespace

AmdahlFit fit_amdahl(std::span<const std::int32_t> cores, std::span<const double> speedups) {
  // 1/S = (1 − P) + P/N is linear in x = 1/N. The intercept and slope are fitted freely
  // and normalised, P = b/(a + b), so that the one-core time the speedups were referred
  // to (extrapolated when the series has no one-core run) does not bias P.
  std::vector<double> x;
  std::vector<double> y;
  for (std::size_t i = 0; i < cores.size(); ++i) {
    x.push_back(1.0 / cores[i]);
    y.push_back(1.0 / speedups[i]);
  }
  const LineFit line = fit_line(x, y);
  AmdahlFit fit;
  if (!line.is_valid || !(line.intercept + line.slope > 0.0)) return fit;
  fit.is_valid = true;
  fit.intercept = line.intercept;
  fit.slope = line.slope;
  fit.parallel_fraction = line.slope / (line.intercept + line.slope);
  fit.r_squared = line.r_squared;
  std::vector<double> measured(speedups.begin(), speedups.end());
  std::vector<double> fitted;
  for (double xi : x) fitted.push_back(fit.speedup(1.0 / xi));
  fit.rms_relative_residual = rms_relative(measured, fitted);
  return fit;
}

GustafsonFit fit_gustafson(std::span<const std::int32_t> cores, std::span<const double> speedups) {
  // S = s + (1 − s)·N is linear in N; fitted freely as S = a + b·N and normalised to
  // S(1) = 1, s = a/(a + b), for the same reason as fit_amdahl.
  std::vector<double> x(cores.begin(), cores.end());
  std::vector<double> y(speedups.begin(), speedups.end());
  const LineFit line = fit_line(x, y);
  GustafsonFit fit;
  if (!line.is_valid || !(line.intercept + line.slope > 0.0)) return fit;
  fit.is_valid = true;
  fit.intercept = line.intercept;
  fit.slope = line.slope;
  fit.serial_fraction = line.intercept / (line.intercept + line.slope);
  fit.r_squared = line.r_squared;
  std::vector<double> fitted;
  for (double n : x) fitted.push_back(fit.speedup(n));
  fit.rms_relative_residual = rms_relative(y, fitted);
  return fit;
}

ScalingAnalysis analyse_scaling(std::vector<ScalingRun> runs) {
  ScalingAnalysis analysis;
  analysis.kind = classify_series(runs);
  for (const ScalingRun& r : runs)
    if (!(r.wall_s > 0.0) || r.cores() < 1)
      throw ConfigError("scaling", r.label,
                        fmt::format("has wall_s = {} on N = {}; a run needs a positive wall "
                                    "time and at least one core",
                                    r.wall_s, r.cores()));
  std::sort(runs.begin(), runs.end(), [](const ScalingRun& a, const ScalingRun& b) {
    return a.cores() != b.cores() ? a.cores() < b.cores() : a.label < b.label;
  });
  analysis.reference_cores = runs.front().cores();
  std::vector<double> reference_walls;
  std::vector<double> reference_tasks;
  for (const ScalingRun& r : runs) {
    if (r.cores() != analysis.reference_cores) break;
    reference_walls.push_back(r.wall_s);
    reference_tasks.push_back(static_cast<double>(r.tasks));
  }
  analysis.reference_wall_s = mean(reference_walls);
  analysis.one_core_s = analysis.reference_wall_s * analysis.reference_cores;
  const double tasks_ref = mean(reference_tasks);

  std::vector<std::int32_t> cores;
  std::vector<double> speedups;
  for (ScalingRun& r : runs) {
    ScalingRow row;
    row.cores = r.cores();
    const double n = row.cores;
    // Weak: one core would need T₁ scaled by the work ratio to do run N's tasks.
    const double work_ratio =
        analysis.kind == ScalingKind::weak ? static_cast<double>(r.tasks) / tasks_ref : 1.0;
    row.speedup = analysis.one_core_s * work_ratio / r.wall_s;
    row.efficiency = row.speedup / n;
    row.karp_flatt = analysis.kind == ScalingKind::strong ? karp_flatt(row.speedup, n) : nan;
    row.run = std::move(r);
    cores.push_back(row.cores);
    speedups.push_back(row.speedup);
    analysis.rows.push_back(std::move(row));
  }
  if (analysis.kind == ScalingKind::strong)
    analysis.amdahl = fit_amdahl(cores, speedups);
  else
    analysis.gustafson = fit_gustafson(cores, speedups);
  return analysis;
}

}  // namespace simorch::analysis
