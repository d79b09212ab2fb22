#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace simorch::analysis {

/// One finished run of a scaling series: what `simorch scaling` needs of a batch file.
struct ScalingRun {
  std::string label;  ///< how messages name the run (its file)
  std::int32_t ranks = 1;
  std::int32_t threads_per_rank = 1;
  std::uint64_t tasks = 0;
  double wall_s = 0;                  ///< Σ segment walls
  double utilisation = 0;             ///< Σ busy / Σ (N·wall), for the table only
  std::string study_hash;             ///< equal for the runs of a strong series
  std::string study_without_samples;  ///< equal for the runs of a weak series

  /// N = ranks × threads_per_rank.
  std::int32_t cores() const noexcept { return ranks * threads_per_rank; }
};

/// The canonical study text without its task-count line, so that two studies that
/// differ only in monte_carlo.samples compare equal (weak scaling): every line whose key
/// (the text before the first ':' or '=', trimmed, without a `monte_carlo.` prefix) is
/// `samples`, `num_samples` or `tasks` is dropped.
std::string study_without_samples(std::string_view canonical_text);

/// Strong: the same study (same tasks) on more cores. Weak: the work grows with N.
enum class ScalingKind { strong, weak };

/// "strong" or "weak".
std::string_view to_string(ScalingKind kind) noexcept;

/// The kind of a series: strong when every run has the same study_hash; weak when the
/// runs differ only in the sample count and tasks/N is the same within 5 %. Throws
/// ConfigError naming the first run that fits neither (the CLI exits 2).
ScalingKind classify_series(std::span<const ScalingRun> runs);

/// One row of the scaling table.
struct ScalingRow {
  ScalingRun run;
  std::int32_t cores = 0;
  double speedup = 0;     ///< strong: T₁/T_N; weak: Gustafson's scaled speedup
  double efficiency = 0;  ///< speedup / N
  double karp_flatt = 0;  ///< (1/S − 1/N)/(1 − 1/N); NaN at N = 1 and for weak series
};

/// Least-squares fit of Amdahl's law to measured speedups: 1/S = a + b/N fitted by
/// ordinary least squares, then P = b/(a + b) (docs/scaling.md).
struct AmdahlFit {
  bool is_valid = false;             ///< needs runs at two or more different N
  double parallel_fraction = 0;      ///< P
  double intercept = 0;              ///< a
  double slope = 0;                  ///< b
  double r_squared = 0;              ///< of the line 1/S against 1/N
  double rms_relative_residual = 0;  ///< √mean(((S − Ŝ)/Ŝ)²) of the speedups

  /// Ŝ(N) = 1/(a + b/N): the fitted curve through the measured speedups.
  double speedup(double cores) const noexcept { return 1.0 / (intercept + slope / cores); }
};

/// Least-squares fit of Gustafson's law to scaled speedups: S = a + b·N fitted by ordinary
/// least squares, then the serial fraction s = a/(a + b) (docs/scaling.md).
struct GustafsonFit {
  bool is_valid = false;             ///< needs runs at two or more different N
  double serial_fraction = 0;        ///< s; the scaled parallel fraction is 1 − s
  double intercept = 0;              ///< a
  double slope = 0;                  ///< b
  double r_squared = 0;              ///< of the line S against N
  double rms_relative_residual = 0;  ///< √mean(((S − Ŝ)/Ŝ)²)

  /// Ŝ(N) = a + b·N: the fitted line through the measured scaled speedups.
  double speedup(double cores) const noexcept { return intercept + slope * cores; }
};

/// The analysis of a series (docs/scaling.md has every formula).
struct ScalingAnalysis {
  ScalingKind kind = ScalingKind::strong;
  std::int32_t reference_cores = 1;  ///< N_min: the smallest N in the series
  double reference_wall_s = 0;       ///< mean wall time of the runs at N_min
  /// T₁: reference_wall_s · N_min, i.e. the reference runs are taken as perfectly
  /// efficient when the series has no one-core run.
  double one_core_s = 0;
  std::vector<ScalingRow> rows;  ///< sorted by N, then by label
  AmdahlFit amdahl;              ///< strong series
  GustafsonFit gustafson;        ///< weak series
};

/// Classifies and analyses a series of one or more runs (ConfigError as classify_series).
ScalingAnalysis analyse_scaling(std::vector<ScalingRun> runs);

/// Fits Amdahl's P to (N, S) points (closed form; invalid with fewer than two distinct N).
AmdahlFit fit_amdahl(std::span<const std::int32_t> cores, std::span<const double> speedups);

/// Fits Gustafson's serial fraction to (N, scaled S) points (closed form).
GustafsonFit fit_gustafson(std::span<const std::int32_t> cores, std::span<const double> speedups);

/// Karp–Flatt experimentally determined serial fraction (Karp & Flatt 1990).
double karp_flatt(double speedup, double cores);

}  // namespace simorch::analysis
