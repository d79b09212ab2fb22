// Studies with cases, a grid, a sampling design and a stopping rule, run in process: the
// file holds each task's sample, case and grid coordinates and the /cases and /grid tables;
// results are bitwise the same for every thread count and chunk size and after a resume,
// for each sampling design; the stopping rule stops every case and grid point at the same
// sample on every layout, with the promised precision, and records the rest as not_run.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "simorch/error.hpp"
#include "simorch/h5/attribute.hpp"
#include "simorch/h5/file.hpp"
#include "simorch/io/batch_reader.hpp"
#include "simorch/run/in_process.hpp"
#include "simorch/run/run_options.hpp"
#include "simorch/run/study_setup.hpp"
#include "simorch/study/stopping_rule.hpp"
#include "simorch/study/study_plan.hpp"

namespace simorch {
namespace {

namespace fs = std::filesystem;

const fs::path data_dir = fs::path(SIMORCH_SOURCE_DIR) / "tests" / "mpi" / "data";

std::string plan_text(const std::string& sampling) {
  std::ifstream in(data_dir / "plan_study.yaml");
  std::stringstream text;
  text << in.rdbuf();
  std::string yaml = text.str();
  const std::string from = "sampling: random";
  yaml.replace(yaml.find(from), from.size(), "sampling: " + sampling);
  return yaml;
}

// The plan study with a stopping rule: up to 1024 samples per case and grid point, looked at
// every 64 from 64 on, to ±0.08 at 95 % (about 150 samples at p = 0.5, fewer near 0 or 1);
// tasks of 3 s, so that an interrupted run stops half way.
std::string stop_text(const std::string& sampling) {
  std::string yaml = plan_text(sampling);
  yaml.replace(yaml.find("duration: 1.0"), 13, "duration: 3.0");
  const std::string from = "  samples: 12";
  yaml.replace(yaml.find(from), from.size(),
               "  samples: 1024\n  stop: {success_ci_half_width: 0.08, confidence: 0.95, "
               "min_samples: 64, check_every: 64}");
  return yaml;
}

class PlanRun : public testing::Test {
 protected:
  void SetUp() override {
    dir_ =
        fs::temp_directory_path() / ("simorch-plan-" + std::to_string(getpid()) + "-" +
                                     testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  RunOptions options(const std::string& name, int threads, std::uint64_t min_chunk = 0,
                     std::uint64_t max_chunk = 0) const {
    RunOptions o;
    o.output = dir_ / name;
    o.threads = threads;
    o.min_chunk = min_chunk;
    o.max_chunk = max_chunk;
    o.is_catching_signals = false;
    return o;
  }
  // Every dataset under /tasks, /results, /trajectories, /grid and /cases bit for bit,
  // as a user reads them (h5py), but the layout columns.
  void expect_same_files(const fs::path& a, const fs::path& b) const {
    const std::string command =
        "/usr/bin/python3 " SIMORCH_SOURCE_DIR "/tests/mpi/compare_batches.py " + a.string() + " " +
        b.string() + " > " + (dir_ / "compare.txt").string() + " 2>&1";
    const int status = std::system(command.c_str());
    std::ifstream in(dir_ / "compare.txt");
    std::stringstream out;
    out << in.rdbuf();
    EXPECT_EQ(status, 0) << out.str();
  }
  fs::path dir_;
};

TEST_F(PlanRun, file_holds_cases_grid_and_each_tasks_coordinates) {
  const StudyPlan plan = StudyPlan::parse(plan_text("random"), data_dir);
  const RunOptions o = options("plan.h5", 2);
  ASSERT_EQ(run_study_in_process(plan, o).exit_code, 0);
  const auto file = h5::File::open(o.output, h5::FileAccess::read_only);
  const auto sample = file.open_dataset("/tasks/sample").read<std::uint64_t>();
  const auto case_index = file.open_dataset("/tasks/case").read<std::int32_t>();
  const auto point = file.open_dataset("/tasks/grid_point").read<std::uint64_t>();
  const auto grid = file.open_dataset("/tasks/grid").read<double>();
  ASSERT_EQ(sample.size(), plan.num_tasks());
  ASSERT_EQ(grid.size(), 2 * plan.num_tasks());
  std::vector<double> values(2);
  for (std::uint64_t id = 0; id < plan.num_tasks(); ++id) {
    const TaskCoordinates at = plan.coordinates(id);
    ASSERT_EQ(sample[id], at.sample);
    ASSERT_EQ(case_index[id], static_cast<std::int32_t>(at.case_index));
    ASSERT_EQ(point[id], at.point);
    plan.point_values(at.point, values);
    ASSERT_EQ(grid[2 * id], values[0]);
    ASSERT_EQ(grid[2 * id + 1], values[1]);
  }
  // Sample-major: id = (sample · cases + case) · points + point.
  EXPECT_EQ(case_index[6], 1);
  EXPECT_EQ(sample[12], 1u);
  const auto names = h5::read_string_array_attribute(file.open_dataset("/tasks/grid"), "columns");
  EXPECT_EQ(names, (std::vector<std::string>{"monte_carlo.initial_state.nominal[1]",
                                             "physics.pendulum1_mass"}));
  const auto cases = file.open_dataset("/cases");
  EXPECT_EQ(cases.read_string_field("name"), (std::vector<std::string>{"lqr", "smc"}));
  EXPECT_EQ(cases.read_string_field("hash")[1], study_hash(plan.variant(1, 0)));
  EXPECT_EQ(h5::read_string_array_attribute(cases, "canonical")[0],
            canonical_text(plan.variant(0, 0)));
  const auto axis = file.open_dataset("/grid/axis1");
  EXPECT_EQ(h5::read_string_attribute(axis, "path"), "physics.pendulum1_mass");
  EXPECT_EQ(axis.read<double>(), (std::vector<double>{0.2, 0.25}));
}

TEST_F(PlanRun, a_kernel_per_case_and_plant_not_per_start_angle) {
  const StudyPlan plan = StudyPlan::parse(plan_text("random"), data_dir);
  // 2 cases × 2 masses; the three start angles share their kernel.
  EXPECT_EQ(detail::make_study_tasks(plan, KernelIsa::sse2).num_kernels, 4u);
}

class PlanDesign : public PlanRun, public testing::WithParamInterface<const char*> {};

TEST_P(PlanDesign, results_do_not_depend_on_threads_or_chunks) {
  const StudyPlan plan = StudyPlan::parse(plan_text(GetParam()), data_dir);
  ASSERT_EQ(run_study_in_process(plan, options("one.h5", 1, 1, 1)).exit_code, 0);
  ASSERT_EQ(run_study_in_process(plan, options("three.h5", 3, 7, 50)).exit_code, 0);
  expect_same_files(dir_ / "one.h5", dir_ / "three.h5");
}

// Per case and grid point: samples 0 … n−1 ran and n − 1 … are not_run, n is a look (or all
// samples), and the Wilson interval over the n run has the promised half-width.
void expect_stopped_at_a_look(const StudyPlan& plan, const fs::path& path) {
  const BatchReader reader(path);
  const auto status = reader.status();
  const auto success = reader.success();
  const auto file = h5::File::open(path, h5::FileAccess::read_only);
  const auto sample = file.open_dataset("/tasks/sample").read<std::uint64_t>();
  const StopRule& rule = plan.base().monte_carlo.stop;
  std::vector<std::uint64_t> run(plan.num_groups()), successes(plan.num_groups());
  std::vector<std::uint64_t> first_not_run(plan.num_groups(), plan.num_samples());
  for (std::uint64_t id = 0; id < plan.num_tasks(); ++id) {
    const TaskCoordinates at = plan.coordinates(id);
    const std::uint64_t g = at.case_index * plan.num_points() + at.point;
    ASSERT_EQ(sample[id], at.sample);
    ASSERT_NE(status[id], TaskStatus::pending) << "task " << id;
    if (status[id] == TaskStatus::not_run) {
      first_not_run[g] = std::min(first_not_run[g], at.sample);
      ASSERT_EQ(success[id], 0);
    } else {
      ASSERT_LT(at.sample, first_not_run[g]) << "a task ran past its group's stop: " << id;
      ++run[g];
      successes[g] += success[id];
    }
  }
  std::uint64_t stopped_early = 0;
  for (std::uint64_t g = 0; g < plan.num_groups(); ++g) {
    SCOPED_TRACE("group " + std::to_string(g));
    EXPECT_EQ(run[g], first_not_run[g]);
    if (run[g] == plan.num_samples()) continue;
    ++stopped_early;
    EXPECT_TRUE(rule.is_look(run[g])) << run[g];
    const RateInterval interval =
        wilson_score_interval(successes[g], run[g], two_sided_z(rule.confidence));
    EXPECT_LE(interval.half_width(), rule.half_width);
  }
  EXPECT_GT(stopped_early, 0u);
}

TEST_F(PlanRun, stop_is_the_same_on_every_layout_and_after_a_resume) {
  const StudyPlan plan = StudyPlan::parse(stop_text("sobol"), data_dir);
  ASSERT_EQ(run_study_in_process(plan, options("one.h5", 1, 1, 1)).exit_code, 0);
  ASSERT_EQ(run_study_in_process(plan, options("three.h5", 3, 1, 1)).exit_code, 0);
  ASSERT_EQ(run_study_in_process(plan, options("big.h5", 2)).exit_code, 0);
  RunOptions stopped = options("resumed.h5", 1, 1, 1);
  stopped.should_stop = [] { return true; };  // at the first poll, ~50 ms in
  const RunReport first = run_study_in_process(plan, stopped);
  ASSERT_EQ(first.exit_code, exit_code::interrupted);
  RunOptions resume = options("resumed.h5", 3, 2, 40);
  resume.mode = OpenMode::resume;
  const RunReport second = run_study_in_process(plan, resume);
  ASSERT_EQ(second.exit_code, 0);
  EXPECT_GT(second.done_before, 0u);
  EXPECT_EQ(second.done_before + second.dispatch.tasks_done, plan.num_tasks());
  expect_stopped_at_a_look(plan, dir_ / "one.h5");
  expect_same_files(dir_ / "one.h5", dir_ / "three.h5");
  expect_same_files(dir_ / "one.h5", dir_ / "big.h5");
  expect_same_files(dir_ / "one.h5", dir_ / "resumed.h5");
}

INSTANTIATE_TEST_SUITE_P(Designs, PlanDesign, testing::Values("random", "lhs", "sobol"));

}  // namespace
}  // namespace simorch
