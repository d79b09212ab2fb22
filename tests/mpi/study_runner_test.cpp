// `simorch run`'s engine over 1-4 ranks on real studies: the batch file read back as a
// user would equals the tasks run one by one on one core, bit for bit, for every layout;
// setup failures end every rank alike; the segment timing lands in the file.
#include "simorch/mpi/study_runner.hpp"

#include <gtest/gtest.h>
#include <mpi.h>
#include <unistd.h>

#include <bit>
#include <boost/mpi/collectives/broadcast.hpp>
#include <boost/mpi/communicator.hpp>
#include <boost/serialization/string.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>

#include "simorch/io/batch_reader.hpp"
#include "simorch/mpi/collective_failure.hpp"
#include "simorch/mpi/mpi_error.hpp"
#include "simorch/mpi/study_broadcast.hpp"
#include "simorch/sim/batch_kernel.hpp"
#include "simorch/study/make_task.hpp"
#include "support/run_cli.hpp"  // ScopedTempDir
#include "support/thrown_by.hpp"

namespace simorch::mpi {
namespace {

namespace fs = std::filesystem;

fs::path data_file(const char* name) {
  return fs::path(SIMORCH_SOURCE_DIR) / "tests/mpi/data" / name;
}

// A folder every rank agrees on, unique per test job: rank 0's temp folder, removed by
// rank 0 once every rank is done with it.
class ScratchDir {
 public:
  ScratchDir() {
    boost::mpi::communicator world;
    std::string path;
    if (world.rank() == 0) {
      dir_.emplace("mpi");
      path = dir_->path().string();
    }
    boost::mpi::broadcast(world, path, 0);
    path_ = path;
  }
  ~ScratchDir() { boost::mpi::communicator().barrier(); }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const fs::path& path() const { return path_; }

 private:
  std::optional<test::ScopedTempDir> dir_;
  fs::path path_;
};

/// One study of tests/mpi/data run into a scratch folder (file out.h5) with `threads`
/// threads per rank: what most tests here start from.
struct StudyCase {
  StudyCase(const char* study_file, int threads) : study(broadcast_study(data_file(study_file))) {
    options.output = dir.path() / "out.h5";
    options.threads = threads;
  }
  ScratchDir dir;
  Study study;
  RunOptions options;
};

/// The message of the bad-input CollectiveFailure that `call` must end with on every rank
/// (fails the test, saying `what_it_did`, when it succeeds).
template <class Call>
std::string bad_input_failure(Call&& call, std::string_view what_it_did) {
  const auto failure = test::thrown_by<CollectiveFailure>(call, what_it_did);
  if (!failure) return "";
  EXPECT_EQ(failure->exit_code(), exit_code::bad_input);
  return failure->what();
}

/// The same for a run of `study` with `options`.
std::string bad_input_failure(const Study& study, const RunOptions& options,
                              std::string_view what_it_did) {
  return bad_input_failure([&] { (void)run_study(study, options); }, what_it_did);
}

bool same_bits(double a, double b) {
  return std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b);
}

// Rank 0: every result column of the file equals each task run alone through the batch
// kernel (in lane 0 of an otherwise padded batch), whatever batch it shared in the run.
void expect_file_matches_sequential(const fs::path& file, const Study& study) {
  const BatchReader reader(file);
  ASSERT_TRUE(reader.info().is_complete());
  const BatchKernel sim(study.sim, study.controller, study.nominal);
  const auto n = static_cast<std::size_t>(study.num_tasks());
  std::vector<TaskSummary> expected(n);
  for (std::size_t i = 0; i < n; ++i) {
    const TaskSpec task = make_task(study, i);
    sim.run({&task, 1}, {&expected[i], 1});
  }

  const auto status = reader.status();
  ASSERT_EQ(status.size(), n);
  for (std::size_t i = 0; i < n; ++i) EXPECT_EQ(status[i], expected[i].status) << "task " << i;
  const auto check = [&](std::string_view name, auto field) {
    const auto column = reader.column(name);
    ASSERT_EQ(column.size(), n) << name;
    int mismatches = 0;
    for (std::size_t i = 0; i < n; ++i) {
      if (!same_bits(column[i], static_cast<double>(field(expected[i]))) && ++mismatches <= 3) {
        ADD_FAILURE() << name << " of task " << i << ": file " << column[i] << ", sequential "
                      << static_cast<double>(field(expected[i]));
      }
    }
  };
  check("ise", [](const TaskSummary& s) { return s.ise; });
  check("itae", [](const TaskSummary& s) { return s.itae; });
  check("max_abs_theta1", [](const TaskSummary& s) { return s.max_abs_theta1; });
  check("max_abs_u", [](const TaskSummary& s) { return s.max_abs_u; });
  check("control_energy", [](const TaskSummary& s) { return s.control_energy; });
  check("settling_time", [](const TaskSummary& s) { return s.settling_time; });
  check("steps", [](const TaskSummary& s) { return s.steps; });
  check("integrator_steps", [](const TaskSummary& s) { return s.integrator_steps; });
  check("rejected_steps", [](const TaskSummary& s) { return s.rejected_steps; });
}

struct Layout {
  int threads;
  std::uint64_t min_chunk;
  std::uint64_t max_chunk;
};

class StudyLayouts : public testing::TestWithParam<Layout> {
 protected:
  /// Runs `study` into `output` with this test's layout.
  RunReport run_in_layout(const Study& study, const fs::path& output) const {
    RunOptions options;
    options.output = output;
    options.threads = GetParam().threads;
    options.min_chunk = GetParam().min_chunk;
    options.max_chunk = GetParam().max_chunk;
    return run_study(study, options);
  }
};

TEST_P(StudyLayouts, batch_file_equals_the_sequential_run_bit_for_bit) {
  boost::mpi::communicator world;
  ScratchDir dir;
  const Study study = broadcast_study(data_file("mixed_outcomes.yaml"));
  const fs::path output = dir.path() / "mixed.h5";
  const RunReport report = run_in_layout(study, output);
  EXPECT_EQ(report.exit_code, 0);
  if (world.rank() != 0) return;
  const auto& by = report.dispatch.by_status;
  EXPECT_EQ(report.dispatch.tasks_done, study.num_tasks());
  // The study is built to produce three outcomes; the counts prove the statuses arrive.
  EXPECT_GT(by[static_cast<std::size_t>(TaskStatus::completed)], 0u);
  EXPECT_GT(by[static_cast<std::size_t>(TaskStatus::out_of_bounds)], 0u);
  EXPECT_GT(by[static_cast<std::size_t>(TaskStatus::error)], 0u);
  expect_file_matches_sequential(output, study);
  const BatchReader reader(output);
  const auto ranks = reader.column("rank");
  for (double r : ranks) {
    EXPECT_GE(r, 0);
    EXPECT_LT(r, world.size());
  }
  std::size_t error_rows = 0;
  for (const auto& e : reader.errors()) {
    if (e.status == TaskStatus::error) {
      ++error_rows;
      EXPECT_FALSE(e.message.empty()) << "task " << e.task_id;
    }
  }
  EXPECT_EQ(error_rows, by[static_cast<std::size_t>(TaskStatus::error)]);
}

// diverging.yaml runs on the batch kernel (euler, lqr): its file must not depend on the
// layout either, however the chunks cut the kernel's batches.
TEST_P(StudyLayouts, kernel_study_file_equals_each_task_alone_bit_for_bit) {
  ScratchDir dir;
  const Study study = broadcast_study(data_file("diverging.yaml"));
  const fs::path output = dir.path() / "kernel.h5";
  const RunReport report = run_in_layout(study, output);
  EXPECT_EQ(report.exit_code, 0);
  if (boost::mpi::communicator().rank() != 0) return;
  EXPECT_EQ(report.dispatch.tasks_done, study.num_tasks());
  expect_file_matches_sequential(output, study);
  // Threads count tasks, not the kernel groups they ran them in.
  const auto segments = BatchReader(output).timing();
  std::uint64_t thread_tasks = 0;
  for (const auto& t : segments.at(0).thread_timing) thread_tasks += t.tasks;
  EXPECT_EQ(thread_tasks, study.num_tasks());
}

INSTANTIATE_TEST_SUITE_P(StudyRun, StudyLayouts,
                         testing::Values(Layout{1, 0, 0}, Layout{2, 0, 0}, Layout{1, 1, 1},
                                         Layout{2, 5, 17}, Layout{2, 1, 1}, Layout{2, 97, 97}));

TEST(StudyRun, diverging_tasks_are_recorded_and_the_batch_completes) {
  const StudyCase run("diverging.yaml", 2);
  const RunReport report = run_study(run.study, run.options);
  ASSERT_EQ(report.exit_code, 0);
  if (boost::mpi::communicator().rank() != 0) return;
  EXPECT_GT(report.dispatch.by_status[static_cast<std::size_t>(TaskStatus::diverged)], 0u);
  EXPECT_GT(report.dispatch.by_status[static_cast<std::size_t>(TaskStatus::completed)], 0u);
  expect_file_matches_sequential(run.options.output, run.study);
}

TEST(StudyRun, refuses_an_existing_file_on_every_rank_and_force_overwrites_it) {
  StudyCase run("diverging.yaml", 1);
  const Study& study = run.study;
  RunOptions& options = run.options;
  ASSERT_EQ(run_study(study, options).exit_code, 0);
  const std::string refusal =
      bad_input_failure(study, options, "an existing file was overwritten without --force");
  EXPECT_NE(refusal.find("--force"), std::string::npos) << refusal;
  options.mode = OpenMode::create_overwrite;
  EXPECT_EQ(run_study(study, options).exit_code, 0);
  options.mode = OpenMode::resume;  // nothing left to do
  const RunReport resumed = run_study(study, options);
  EXPECT_EQ(resumed.exit_code, 0);
  if (boost::mpi::communicator().rank() == 0) {
    EXPECT_EQ(resumed.done_before, study.num_tasks());
    EXPECT_EQ(resumed.dispatch.tasks_done, 0u);
  }
}

TEST(StudyRun, records_the_segment_timing_of_every_rank_and_thread) {
  boost::mpi::communicator world;
  const StudyCase run("mixed_outcomes.yaml", 2);
  const Study& study = run.study;
  ASSERT_EQ(run_study(study, run.options).exit_code, 0);
  if (world.rank() != 0) return;
  const auto segments = BatchReader(run.options.output).timing();
  ASSERT_EQ(segments.size(), 1u);
  const SegmentTiming& t = segments[0];
  EXPECT_EQ(t.ranks, world.size());
  EXPECT_EQ(t.threads_per_rank, 2);
  EXPECT_EQ(t.tasks_done, study.num_tasks());
  EXPECT_EQ(t.outcome, RunOutcome::complete);
  EXPECT_GT(t.setup_s, 0);
  EXPECT_GE(t.finalize_s, 0);
  EXPECT_GE(t.wall_s, t.setup_s);
  ASSERT_EQ(t.rank_timing.size(), static_cast<std::size_t>(world.size()));
  ASSERT_EQ(t.thread_timing.size(), static_cast<std::size_t>(2 * world.size()));
  std::uint64_t tasks = 0;
  for (const auto& r : t.rank_timing) {
    EXPECT_FALSE(r.host.empty());
    EXPECT_GT(r.wall_s, 0);
    tasks += r.tasks;
    EXPECT_EQ(r.simulated, r.tasks);  // no stop: nothing skipped
  }
  EXPECT_EQ(tasks, study.num_tasks());
  const BatchKernel kernel(study.sim, study.controller, study.nominal);
  EXPECT_EQ(t.kernel, describe(kernel.info()));
}

// A resume must not mix the FMA (avx2/avx512) and non-FMA (sse2) kernels in one file
// (docs/kernel.md); AVX2 and AVX-512 give the same bits, so they may alternate.
TEST(StudyRun, resume_refuses_a_kernel_with_other_numerics) {
  if (!is_supported(KernelIsa::avx2)) GTEST_SKIP() << "needs a CPU with AVX2";
  StudyCase run("diverging.yaml", 1);
  const Study& study = run.study;
  RunOptions& options = run.options;
  ::setenv("SIMORCH_KERNEL_ISA", "avx2", 1);
  ASSERT_EQ(run_study(study, options).exit_code, 0);
  options.mode = OpenMode::resume;
  ::setenv("SIMORCH_KERNEL_ISA", "sse2", 1);
  const std::string refusal =
      bad_input_failure(study, options, "resumed an avx2 file with the sse2 kernel");
  EXPECT_NE(refusal.find("SIMORCH_KERNEL_ISA"), std::string::npos) << refusal;
  ::unsetenv("SIMORCH_KERNEL_ISA");
  EXPECT_EQ(run_study(study, options).exit_code, 0);  // the widest: avx2 or avx512
}

TEST(StudyBroadcast, every_rank_parses_the_same_study) {
  boost::mpi::communicator world;
  const Study study = broadcast_study(data_file("mixed_outcomes.yaml"));
  std::string root_hash = study_hash(study);
  boost::mpi::broadcast(world, root_hash, 0);
  EXPECT_EQ(study_hash(study), root_hash);
  EXPECT_EQ(study.num_tasks(), 240u);
}

TEST(StudyBroadcast, a_missing_or_invalid_study_fails_on_every_rank_with_exit_code_2) {
  ScratchDir dir;
  const auto refusal_of = [](const fs::path& study, std::string_view what_it_did) {
    return bad_input_failure([&] { (void)broadcast_study(study); }, what_it_did);
  };
  const std::string missing =
      refusal_of(dir.path() / "no-such-study.yaml", "a missing study was accepted");
  EXPECT_NE(missing.find("no-such-study.yaml"), std::string::npos) << missing;
  boost::mpi::communicator world;
  if (world.rank() == 0) std::ofstream(dir.path() / "bad.yaml") << "monte_carlo:\n  samples: -3\n";
  world.barrier();
  const std::string bad = refusal_of(dir.path() / "bad.yaml", "samples: -3 was accepted");
  EXPECT_NE(bad.find("monte_carlo.samples"), std::string::npos) << bad;
}

}  // namespace
}  // namespace simorch::mpi

namespace simorch::mpi {
namespace {

TEST(MpiError, a_failed_raw_call_throws_a_typed_error_naming_it) {
  EXPECT_NO_THROW(check_mpi(MPI_SUCCESS, "MPI_Example"));
  try {
    check_mpi(MPI_ERR_ARG, "MPI_Example");
    FAIL() << "no MpiError";
  } catch (const MpiError& e) {
    EXPECT_EQ(e.call(), "MPI_Example");
    EXPECT_EQ(e.code(), MPI_ERR_ARG);
    EXPECT_NE(std::string(e.what()).find("MPI_Example failed: "), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace simorch::mpi
