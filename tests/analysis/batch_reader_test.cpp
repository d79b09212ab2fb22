#include "simorch/io/batch_reader.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

#include "batch_fixture.hpp"
#include "simorch/error.hpp"
#include "simorch/h5/attribute.hpp"
#include "simorch/h5/file.hpp"
#include "support/run_cli.hpp"

namespace simorch {
namespace {

using test::BatchFixture;
using test::ScopedTempDir;
using test::ten_task_fixture;
using test::write_batch_fixture;

// The IoError `open` throws, or a test failure when it does not throw one.
IoError open_error(const std::filesystem::path& path) {
  try {
    BatchReader reader(path);
  } catch (const IoError& e) {
    return e;
  }
  ADD_FAILURE() << path << " opened without error";
  return IoError("", "", "");
}

TEST(BatchReader, reads_root_attributes_and_columns) {
  const ScopedTempDir dir("reader");
  write_batch_fixture(dir / "a.h5", ten_task_fixture());
  const BatchReader reader(dir / "a.h5");
  const BatchInfo& info = reader.info();
  EXPECT_EQ(info.format, "simorch-batch");
  EXPECT_EQ(info.format_version, batch_format_version);
  EXPECT_EQ(info.n_tasks, 10u);
  EXPECT_EQ(info.tasks_done, 10u);
  EXPECT_EQ(info.controller, "classical_smc");
  EXPECT_DOUBLE_EQ(info.dt, 0.01);
  EXPECT_TRUE(info.is_complete());
  const auto status = reader.status();
  ASSERT_EQ(status.size(), 10u);
  EXPECT_EQ(status[8], TaskStatus::diverged);
  EXPECT_EQ(status[9], TaskStatus::error);
  const auto ise = reader.column("ise");
  EXPECT_EQ(ise[3], 4.0);
  EXPECT_EQ(reader.column("steps")[0], 500.0);  // int64 read as double
  EXPECT_TRUE(std::isnan(reader.column("settling_time")[7]));
  EXPECT_TRUE(reader.has_column("wall_time_s"));
  EXPECT_FALSE(reader.has_column("integrator_steps"));
  EXPECT_FALSE(reader.has_trajectories());
  const auto errors = reader.errors();
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].task_id, 9u);
  EXPECT_EQ(errors[0].status, TaskStatus::error);
  EXPECT_EQ(errors[0].message, "dp45 step fell below min_step 1e-12 at t = 0.5");
}

TEST(BatchReader, reads_timing_segments_with_their_rank_and_thread_rows) {
  const ScopedTempDir dir("reader");
  BatchFixture f = ten_task_fixture();
  SegmentTiming second = f.segments[0];
  second.segment = 1;
  second.ranks = 1;
  second.rank_timing.resize(1);
  second.thread_timing.resize(2);
  second.thread_timing[1].busy_s = 1.25;
  f.segments[0].outcome = RunOutcome::interrupted;
  f.segments.push_back(second);
  write_batch_fixture(dir / "a.h5", f);
  const auto segments = BatchReader(dir / "a.h5").timing();
  ASSERT_EQ(segments.size(), 2u);
  EXPECT_EQ(segments[0].outcome, RunOutcome::interrupted);
  EXPECT_EQ(segments[1].outcome, RunOutcome::complete);
  EXPECT_EQ(segments[0].rank_timing.size(), 2u);
  EXPECT_EQ(segments[0].thread_timing.size(), 4u);
  EXPECT_EQ(segments[1].rank_timing.size(), 1u);
  ASSERT_EQ(segments[1].thread_timing.size(), 2u);
  EXPECT_EQ(segments[1].thread_timing[1].busy_s, 1.25);
  EXPECT_EQ(segments[0].rank_timing[1].host, "node-b");
  EXPECT_EQ(segments[0].rank_timing[1].compute_s, 15.0);
  EXPECT_EQ(segments[0].setup_s, 0.5);
}

TEST(BatchReader, reads_a_file_without_timing_as_no_segments) {
  const ScopedTempDir dir("reader");
  BatchFixture f = ten_task_fixture();
  f.has_timing_group = false;
  f.run_state = "running";
  write_batch_fixture(dir / "a.h5", f);
  const BatchReader reader(dir / "a.h5");
  EXPECT_TRUE(reader.timing().empty());
  EXPECT_FALSE(reader.info().is_complete());
}

TEST(BatchReader, refuses_a_newer_format_version) {
  const ScopedTempDir dir("reader");
  BatchFixture f = ten_task_fixture();
  f.format_version = batch_format_version + 1;
  write_batch_fixture(dir / "a.h5", f);
  const IoError e = open_error(dir / "a.h5");
  EXPECT_TRUE(e.is_bad_input());
  const std::string newer =
      "format_version " + std::to_string(batch_format_version + 1) + " is newer";
  EXPECT_NE(std::string(e.what()).find(newer), std::string::npos) << e.what();
}

TEST(BatchReader, refuses_a_foreign_hdf5_file) {
  const ScopedTempDir dir("reader");
  {
    auto file = h5::File::create(dir / "other.h5");
    h5::write_attribute(file, "title", "some other program's data");
  }
  IoError e = open_error(dir / "other.h5");
  EXPECT_TRUE(e.is_bad_input());
  EXPECT_NE(std::string(e.what()).find("not a simorch batch file"), std::string::npos) << e.what();
  BatchFixture f = ten_task_fixture();
  f.format = "netcdf";
  write_batch_fixture(dir / "b.h5", f);
  e = open_error(dir / "b.h5");
  EXPECT_TRUE(e.is_bad_input());
  EXPECT_NE(std::string(e.what()).find("format is 'netcdf'"), std::string::npos) << e.what();
}

TEST(BatchReader, refuses_a_file_that_is_not_hdf5_or_missing) {
  const ScopedTempDir dir("reader");
  const auto text = dir.write_file("study.yaml", "monte_carlo:\n  samples: 3\n");
  IoError e = open_error(text);
  EXPECT_TRUE(e.is_bad_input());
  EXPECT_NE(std::string(e.what()).find("not an HDF5 file"), std::string::npos) << e.what();
  e = open_error(dir / "missing.h5");
  EXPECT_TRUE(e.is_bad_input());
  EXPECT_NE(std::string(e.what()).find("no such file"), std::string::npos) << e.what();
}

TEST(BatchReader, refuses_a_status_outside_the_enum_as_bad_input) {
  const ScopedTempDir dir("reader");
  write_batch_fixture(dir / "a.h5", ten_task_fixture());
  {
    auto file = h5::File::open(dir / "a.h5", h5::FileAccess::read_write);
    auto status = file.open_dataset("/results/status");
    const std::vector<std::int8_t> bad = {9};
    status.write_rows<std::int8_t>(3, bad);
  }
  const BatchReader reader(dir / "a.h5");
  try {
    reader.status();
    FAIL() << "status 9 accepted";
  } catch (const IoError& e) {
    EXPECT_TRUE(e.is_bad_input());
    EXPECT_NE(std::string(e.what()).find("status 9"), std::string::npos) << e.what();
  }
}

TEST(BatchReader, refuses_a_column_of_the_wrong_length) {
  const ScopedTempDir dir("reader");
  BatchFixture f = ten_task_fixture();
  write_batch_fixture(dir / "a.h5", f);
  {
    auto file = h5::File::open(dir / "a.h5", h5::FileAccess::read_write);
    h5::write_attribute(file, "n_tasks", std::uint64_t{12});
  }
  const BatchReader reader(dir / "a.h5");
  try {
    reader.column("ise");
    FAIL() << "a 10-row column of a 12-task file was accepted";
  } catch (const IoError& e) {
    EXPECT_TRUE(e.is_bad_input());
    EXPECT_NE(std::string(e.what()).find("expected shape [12]"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace simorch
