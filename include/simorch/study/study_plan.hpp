#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "simorch/sim/task.hpp"
#include "simorch/study/study.hpp"

namespace simorch {

/// One axis of a study's `grid:` section: a scalar of the study addressed by its dotted
/// path (list elements as `[k]`) and the values it takes.
struct GridAxis {
  std::string path;  ///< e.g. "monte_carlo.initial_state.nominal[1]"
  std::vector<double> values;
};

/// Where a task sits in a plan: sample k of case c at grid point p.
struct TaskCoordinates {
  std::uint64_t sample = 0;
  std::size_t case_index = 0;
  std::uint64_t point = 0;
};

/// A study with its `cases:` and `grid:` sections (docs/study-file.md, "Cases and grids"):
/// every case at every grid point is a complete, validated Study (its *variant*), and each
/// runs `monte_carlo.samples` tasks.
///
/// Task ids are laid out sample-major, task = (sample · cases + case) · points + point, so
/// a prefix of task ids covers every case and point evenly. Task `id` draws its plant and
/// initial state from the streams of its *sample* index (common random numbers): sample k
/// of every case and point sees the same draws, so differences between cases are paired.
/// Immutable after parse(); thread-safe.
class StudyPlan {
 public:
  /// Parses and validates the study and every variant; throws ConfigError naming the key
  /// (`cases[1].controllers…`, `grid.<path>`) and what is allowed.
  static StudyPlan parse(std::string_view yaml_text, const std::filesystem::path& base_dir);
  /// Reads `path` and parses it with its folder as base_dir (IoError when unreadable).
  static StudyPlan load(const std::filesystem::path& path);
  /// The plan of a study without cases and grid: one case "base", one point.
  static StudyPlan single(const Study& study);

  /// The study without its cases and grid; its text is the whole plan's YAML.
  const Study& base() const noexcept { return base_; }
  /// Case names in file order; one case named "base" when the study has no `cases:`.
  std::span<const std::string> case_names() const noexcept { return case_names_; }
  std::span<const GridAxis> axes() const noexcept { return axes_; }
  std::size_t num_cases() const noexcept { return case_names_.size(); }
  /// Grid points: the product of the axis sizes, 1 without a grid.
  std::uint64_t num_points() const noexcept { return num_points_; }
  std::uint64_t num_samples() const noexcept { return base_.num_tasks(); }
  std::uint64_t num_tasks() const noexcept { return num_samples() * num_cases() * num_points_; }

  TaskCoordinates coordinates(std::uint64_t task_id) const noexcept;
  /// The axis values of grid point `point` (row-major: the last axis varies fastest).
  void point_values(std::uint64_t point, std::span<double> out) const noexcept;
  /// The complete study of one case at one grid point (its `text` is empty).
  const Study& variant(std::size_t case_index, std::uint64_t point) const noexcept {
    return variants_[case_index * num_points_ + point];
  }
  /// Task `task_id`: its variant's draws for its sample index, with the plan's task id.
  /// Precondition: task_id < num_tasks().
  TaskSpec make_task(std::uint64_t task_id) const;

  /// The base study's canonical text followed by each case's and each axis's: what
  /// determines the results of the whole plan.
  std::string canonical_text() const;
  /// 16 hex digits of canonical_text(): a plain study's study_hash.
  std::string hash() const;
  /// Groups a stopping rule follows: one per case and grid point, group = case·points + point.
  std::uint64_t num_groups() const noexcept { return num_cases() * num_points_; }

 private:
  Study base_;
  std::vector<std::string> case_names_;
  std::vector<GridAxis> axes_;
  std::uint64_t num_points_ = 1;
  std::vector<Study> variants_;  ///< [case][point]
};

}  // namespace simorch
