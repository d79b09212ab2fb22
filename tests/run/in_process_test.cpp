// run_study_in_process: the one-process runner without MPI gives the same file for every
// thread count and chunk size, stops on request with a resumable file whose resume equals
// an uninterrupted run bit for bit, follows create/--force/--resume, and records timing.
#include "simorch/run/in_process.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <bit>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "simorch/error.hpp"
#include "simorch/io/batch_reader.hpp"
#include "simorch/io/batch_schema.hpp"
#include "simorch/run/cores.hpp"
#include "support/run_cli.hpp"  // ScopedTempDir

namespace simorch {
namespace {

namespace fs = std::filesystem;

constexpr const char* study_text = R"(
simulation: {model: full, integrator: rk4, dt: 0.01, duration: 1.0}
controllers: {lqr: {q: [10, 100, 100, 1, 1, 1], r: 0.1}}
monte_carlo:
  samples: SAMPLES
  seed: 11
  controller: lqr
  initial_state: {distribution: uniform, spread: [0.0, 0.3, 0.3, 0.0, 1.0, 1.0]}
output: {path: unused.h5, save_every: 20}
)";

Study make_study(int samples) {
  std::string text = study_text;
  text.replace(text.find("SAMPLES"), 7, std::to_string(samples));
  return parse_study(text, ".");
}

class InProcess : public testing::Test {
 protected:
  RunOptions options(const char* name, int threads) const {
    RunOptions o;
    o.output = dir_ / name;
    o.threads = threads;
    return o;
  }
  test::ScopedTempDir dir_{"run"};
  Study study_ = make_study(400);
};

// Every result column and the trajectories' status agree bit for bit (rank, thread and
// wall time describe the layout and may differ).
void expect_same_results(const fs::path& a, const fs::path& b) {
  const BatchReader left(a);
  const BatchReader right(b);
  ASSERT_TRUE(left.info().is_complete()) << a;
  ASSERT_TRUE(right.info().is_complete()) << b;
  EXPECT_EQ(left.status(), right.status());
  for (const ColumnSpec& spec : batch_columns()) {
    if (spec.report != ReportRole::metric) continue;
    const std::string_view name = spec.name();
    const auto x = left.column(name);
    const auto y = right.column(name);
    ASSERT_EQ(x.size(), y.size()) << name;
    for (std::size_t i = 0; i < x.size(); ++i) {
      ASSERT_EQ(std::bit_cast<std::uint64_t>(x[i]), std::bit_cast<std::uint64_t>(y[i]))
          << name << " of task " << i;
    }
  }
}

TEST_F(InProcess, results_do_not_depend_on_threads_or_chunks) {
  RunOptions one = options("one.h5", 1);
  one.min_chunk = one.max_chunk = 1;
  RunOptions three = options("three.h5", 3);
  three.min_chunk = 7;
  three.max_chunk = 50;
  ASSERT_EQ(run_study_in_process(study_, one).exit_code, 0);
  const RunReport report = run_study_in_process(study_, three);
  ASSERT_EQ(report.exit_code, 0);
  EXPECT_EQ(report.dispatch.tasks_done, study_.num_tasks());
  EXPECT_EQ(report.dispatch.ranks, 1);
  EXPECT_EQ(report.threads, 3);
  expect_same_results(one.output, three.output);
}

TEST_F(InProcess, should_stop_leaves_a_resumable_file_that_resumes_to_the_same_results) {
  study_ = make_study(20000);  // about 0.4 s on one thread: a stop polled at 50 ms lands mid-run
  ASSERT_EQ(run_study_in_process(study_, options("whole.h5", 2)).exit_code, 0);
  RunOptions stopped = options("stopped.h5", 1);
  stopped.is_catching_signals = false;
  std::atomic<int> polls{0};
  stopped.should_stop = [&polls] { return ++polls >= 1; };
  const RunReport first = run_study_in_process(study_, stopped);
  ASSERT_EQ(first.exit_code, exit_code::interrupted);
  EXPECT_GE(polls.load(), 1);
  EXPECT_LT(first.dispatch.tasks_done, study_.num_tasks());
  EXPECT_EQ(BatchReader(stopped.output).info().run_state, "interrupted");

  RunOptions resume = options("stopped.h5", 2);
  resume.mode = OpenMode::resume;
  const RunReport second = run_study_in_process(study_, resume);
  ASSERT_EQ(second.exit_code, 0);
  EXPECT_EQ(second.done_before, first.dispatch.tasks_done);
  EXPECT_EQ(second.done_before + second.dispatch.tasks_done, study_.num_tasks());
  expect_same_results(dir_ / "whole.h5", stopped.output);
  EXPECT_EQ(BatchReader(stopped.output).timing().size(), 2u);
}

TEST_F(InProcess, refuses_an_existing_file_and_force_overwrites_it) {
  const RunOptions create = options("out.h5", 2);
  ASSERT_EQ(run_study_in_process(study_, create).exit_code, 0);
  try {
    (void)run_study_in_process(study_, create);
    ADD_FAILURE() << "an existing file was overwritten without --force";
  } catch (const IoError& e) {
    EXPECT_TRUE(e.is_bad_input());
    EXPECT_NE(std::string(e.what()).find("--force"), std::string::npos) << e.what();
  }
  RunOptions force = create;
  force.mode = OpenMode::create_overwrite;
  EXPECT_EQ(run_study_in_process(study_, force).exit_code, 0);
  RunOptions resume = create;
  resume.mode = OpenMode::resume;
  const RunReport nothing_left = run_study_in_process(study_, resume);
  EXPECT_EQ(nothing_left.exit_code, 0);
  EXPECT_EQ(nothing_left.done_before, study_.num_tasks());
  EXPECT_EQ(nothing_left.dispatch.tasks_done, 0u);
  // --resume of a study never started starts it (the writer's rule, docs/resume.md).
  RunOptions missing = options("missing.h5", 1);
  missing.mode = OpenMode::resume;
  EXPECT_EQ(run_study_in_process(study_, missing).exit_code, 0);
  EXPECT_TRUE(fs::exists(missing.output));
}

TEST_F(InProcess, records_one_rank_with_its_host_and_threads) {
  const RunOptions o = options("timed.h5", 2);
  ASSERT_EQ(run_study_in_process(study_, o).exit_code, 0);
  const auto segments = BatchReader(o.output).timing();
  ASSERT_EQ(segments.size(), 1u);
  const SegmentTiming& t = segments[0];
  EXPECT_EQ(t.ranks, 1);
  EXPECT_EQ(t.threads_per_rank, 2);
  EXPECT_EQ(t.outcome, RunOutcome::complete);
  EXPECT_GT(t.setup_s, 0);
  EXPECT_GE(t.wall_s, t.setup_s);
  ASSERT_EQ(t.rank_timing.size(), 1u);
  EXPECT_EQ(t.rank_timing[0].host, host_name());
  EXPECT_EQ(t.rank_timing[0].tasks, study_.num_tasks());
  EXPECT_EQ(t.rank_timing[0].simulated, study_.num_tasks());  // no stop: nothing skipped
  EXPECT_EQ(t.rank_timing[0].comm_s, 0);
  ASSERT_EQ(t.thread_timing.size(), 2u);
  EXPECT_EQ(t.thread_timing[0].tasks + t.thread_timing[1].tasks, study_.num_tasks());
}

TEST(MpiLauncher, is_seen_by_its_own_variables_and_not_by_slurm_procid) {
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "OMPI_COMM_WORLD_RANK", "PMIX_RANK", "PMI_RANK",
                           "PMI_SIZE", "PMI_FD", "MPI_LOCALRANKID", "HYDI_CONTROL_FD"}) {
    unsetenv(name);
  }
  setenv("SLURM_PROCID", "0", 1);
  EXPECT_FALSE(is_started_by_mpi_launcher());
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK"}) {
    setenv(name, "0", 1);
    EXPECT_TRUE(is_started_by_mpi_launcher()) << name;
    unsetenv(name);
  }
  unsetenv("SLURM_PROCID");
}

}  // namespace
}  // namespace simorch
