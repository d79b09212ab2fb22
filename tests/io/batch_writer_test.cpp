// BatchWriter in one or two clean segments: every row at its task id whatever the
// arrival order, inputs regenerated from the study, errors and timing tables, and the
// file read back with the wrappers, h5dump and h5py.

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "io_test_util.hpp"
#include "simorch/h5/attribute.hpp"
#include "simorch/h5/file.hpp"
#include "simorch/io/batch_reader.hpp"

namespace simorch {
namespace {

using test::ScopedTempDir;

constexpr std::uint64_t num_tasks = 1000;
constexpr std::int64_t save_every = 25;  // 100 steps: 5 samples per task

std::string run_command(const std::string& command, int& status) {
  std::string out;
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) {
    status = -1;
    return out;
  }
  char buf[4096];
  std::size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) out.append(buf, n);
  status = ::pclose(pipe);
  return out;
}

class BatchWriterFile : public testing::Test {
 protected:
  void SetUp() override {
    study_ = test::io_study(num_tasks, save_every);
    ASSERT_EQ(study_.sim.num_samples(), 5);
    path_ = dir_ / "batch.h5";
    BatchWriter writer(path_, study_, OpenMode::create);
    EXPECT_EQ(writer.segment(), 0);
    EXPECT_EQ(writer.num_done(), 0u);
    ASSERT_EQ(writer.pending().size(), 1u);
    EXPECT_EQ(writer.pending()[0].end, num_tasks);
    // Chunks in shuffled order, one write of scattered ids in reverse, and repeats.
    auto chunks = test::shuffled_chunks(num_tasks, 3);
    std::vector<std::uint64_t> scattered;
    for (std::size_t c = 0; c < chunks.size(); c += 3) {
      scattered.insert(scattered.end(), chunks[c].begin(), chunks[c].end());
      chunks[c].clear();
    }
    std::reverse(scattered.begin(), scattered.end());
    test::write_block(writer, test::make_block(scattered, 5));
    for (const auto& chunk : chunks) {
      if (!chunk.empty()) test::write_block(writer, test::make_block(chunk, 5));
    }
    // A repeated task with other content must not replace the first result.
    auto repeat = test::make_block({0, 1, 2}, 5);
    repeat.summaries[1].ise = -99;
    test::write_block(writer, repeat);
    writer.checkpoint();
    EXPECT_EQ(writer.num_done(), num_tasks);
    EXPECT_TRUE(writer.pending().empty());
    writer.close(test::fake_timing(2, RunOutcome::complete, num_tasks));
  }

  ScopedTempDir dir_;
  Study study_;
  std::filesystem::path path_;
};

TEST_F(BatchWriterFile, every_row_lands_at_its_task_id) {
  const auto file = h5::File::open(path_, h5::FileAccess::read_only);
  const auto status = file.open_dataset("/results/status").read<std::int8_t>();
  const auto ise = file.open_dataset("/results/ise").read<double>();
  const auto settling = file.open_dataset("/results/settling_time").read<double>();
  const auto final_state = file.open_dataset("/results/final_state").read<double>();
  const auto steps = file.open_dataset("/results/integrator_steps").read<std::int64_t>();
  const auto rank = file.open_dataset("/results/rank").read<std::int32_t>();
  const auto success = file.open_dataset("/results/success").read<std::uint8_t>();
  const auto message = file.open_dataset("/results/message").read_strings();
  ASSERT_EQ(status.size(), num_tasks);
  for (std::uint64_t id = 0; id < num_tasks; ++id) {
    const TaskSummary want = test::fake_summary(id);
    ASSERT_EQ(status[id], static_cast<std::int8_t>(want.status)) << id;
    EXPECT_EQ(ise[id], want.ise) << id;
    EXPECT_EQ(std::isnan(settling[id]), std::isnan(want.settling_time)) << id;
    EXPECT_EQ(final_state[id * 6 + 4], want.final_state[4]) << id;
    EXPECT_EQ(steps[id], want.integrator_steps) << id;
    EXPECT_EQ(rank[id], want.rank) << id;
    EXPECT_EQ(success[id], want.success) << id;
    EXPECT_EQ(message[id], want.message) << id;
  }
}

TEST_F(BatchWriterFile, trajectories_and_inputs_match_the_study) {
  const auto file = h5::File::open(path_, h5::FileAccess::read_only);
  const auto time = file.open_dataset("/trajectories/time").read<double>();
  EXPECT_EQ(time, (std::vector<double>{0, 0.25, 0.5, 0.75, 1.0}));
  const auto state = file.open_dataset("/trajectories/state");
  EXPECT_EQ(state.dims(), (std::vector<std::uint64_t>{num_tasks, 5, 6}));
  const auto states = state.read<double>();
  const auto controls = file.open_dataset("/trajectories/control").read<double>();
  const auto initial = file.open_dataset("/tasks/initial_state").read<double>();
  const auto params = file.open_dataset("/tasks/params");
  EXPECT_EQ(h5::read_string_array_attribute(params, "columns").front(), "cart_mass");
  const auto p = params.read<double>();
  for (std::uint64_t id = 0; id < num_tasks; id += 37) {
    for (std::int64_t s = 0; s < 5; ++s) {
      const auto su = static_cast<std::uint64_t>(s);
      EXPECT_EQ(states[(id * 5 + su) * 6 + 2], test::fake_state(id, s, 2)) << id;
      EXPECT_EQ(controls[id * 5 + su], test::fake_control(id, s)) << id;
    }
    const TaskSpec task = make_task(study_, id);
    for (int c = 0; c < 6; ++c)
      EXPECT_EQ(initial[id * 6 + static_cast<std::uint64_t>(c)], task.initial_state[c]);
    for (std::size_t c = 0; c < DipParams::count; ++c) {
      EXPECT_EQ(p[id * DipParams::count + c], task.params.at(c));
    }
  }
}

TEST_F(BatchWriterFile, root_attributes_errors_and_timing_tables) {
  EXPECT_FALSE(std::filesystem::exists(dir_ / "batch.h5.journal"))
      << "a complete file needs no journal";
  const auto file = h5::File::open(path_, h5::FileAccess::read_only);
  EXPECT_EQ(h5::read_string_attribute(file, "format"), "simorch-batch");
  EXPECT_EQ(h5::read_attribute<std::int32_t>(file, "format_version"), batch_format_version);
  EXPECT_EQ(h5::read_string_attribute(file, "run_state"), "complete");
  EXPECT_EQ(h5::read_attribute<std::uint64_t>(file, "tasks_done"), num_tasks);
  EXPECT_EQ(h5::read_attribute<std::uint64_t>(file, "n_tasks"), num_tasks);
  EXPECT_EQ(h5::read_string_attribute(file, "study_hash"), study_hash(study_));
  EXPECT_EQ(h5::read_string_attribute(file, "study"), study_.text);
  EXPECT_EQ(h5::read_string_attribute(file, "controller"), "lqr");
  EXPECT_EQ(h5::read_attribute<std::int64_t>(file, "save_every"), save_every);

  const auto errors = file.open_dataset("/results/errors");
  const auto ids = errors.read_field<std::uint64_t>("task_id");
  const auto statuses = errors.read_field<std::int8_t>("status");
  const auto messages = errors.read_string_field("message");
  std::vector<std::uint64_t> want;
  for (std::uint64_t id = 0; id < num_tasks; ++id) {
    if (test::fake_summary(id).status != TaskStatus::completed) want.push_back(id);
  }
  EXPECT_EQ(ids, want) << "errors table: every failure once, in task order";
  ASSERT_FALSE(ids.empty());
  EXPECT_EQ(statuses[0], static_cast<std::int8_t>(test::fake_summary(ids[0]).status));
  EXPECT_EQ(messages[0], test::fake_summary(ids[0]).message);

  const auto segments = file.open_dataset("/timing/segments");
  EXPECT_EQ(segments.read_field<std::int32_t>("segment"), std::vector<std::int32_t>{0});
  EXPECT_EQ(segments.read_field<std::int32_t>("ranks"), std::vector<std::int32_t>{2});
  EXPECT_EQ(segments.read_field<std::uint64_t>("tasks_done"),
            std::vector<std::uint64_t>{num_tasks});
  EXPECT_EQ(segments.read_field<std::int32_t>("outcome"), std::vector<std::int32_t>{0});
  const auto ranks = file.open_dataset("/timing/ranks");
  EXPECT_EQ(ranks.read_string_field("host"), (std::vector<std::string>{"node0", "node1"}));
  EXPECT_EQ(ranks.read_field<double>("wall_s"), (std::vector<double>{12.0, 12.0}));
  const auto threads = file.open_dataset("/timing/threads");
  EXPECT_EQ(threads.read_field<double>("busy_s"), (std::vector<double>{5.5, 6.5, 5.5, 6.5}));
  const auto timing = file.open_group("/timing");
  EXPECT_EQ(h5::read_attribute<double>(timing, "wall_s"), 12.5);
  EXPECT_EQ(h5::read_attribute<std::int32_t>(timing, "threads_per_rank"), 2);
}

TEST_F(BatchWriterFile, batch_reader_reads_what_the_writer_wrote) {
  const BatchReader reader(path_);
  EXPECT_TRUE(reader.info().is_complete());
  EXPECT_EQ(reader.info().n_tasks, num_tasks);
  EXPECT_EQ(reader.info().study_hash, study_hash(study_));
  const auto status = reader.status();
  const auto ise = reader.column("ise");
  ASSERT_EQ(status.size(), num_tasks);
  for (std::uint64_t id = 0; id < num_tasks; id += 13) {
    EXPECT_EQ(status[id], test::fake_summary(id).status);
    EXPECT_EQ(ise[id], test::fake_summary(id).ise);
  }
  const auto errors = reader.errors();
  ASSERT_FALSE(errors.empty());
  EXPECT_EQ(errors[0].task_id, 3u);
  EXPECT_EQ(errors[0].status, TaskStatus::error);
  EXPECT_EQ(errors[0].message, test::fake_summary(3).message);
  const auto timing = reader.timing();
  ASSERT_EQ(timing.size(), 1u);
  EXPECT_EQ(timing[0].rank_timing.size(), 2u);
  EXPECT_EQ(timing[0].thread_timing.size(), 4u);
  EXPECT_EQ(timing[0].rank_timing[1].host, "node1");
  EXPECT_EQ(timing[0].rank_timing[1].simulated, 9u);
  EXPECT_TRUE(reader.has_trajectories());
}

TEST_F(BatchWriterFile, h5dump_reads_the_file) {
  int status = 0;
  const auto header = run_command("h5dump -H " + path_.string(), status);
  if (status == -1 || header.find("not found") != std::string::npos) {
    GTEST_SKIP() << "h5dump is not installed (Debian package hdf5-tools)";
  }
  ASSERT_EQ(status, 0) << header;
  for (const char* name : {"DATASET \"status\"", "DATASET \"errors\"", "DATASET \"segments\"",
                           "ATTRIBUTE \"study_hash\"", "H5T_STD_I8LE"}) {
    EXPECT_NE(header.find(name), std::string::npos) << name;
  }
  const auto rows = run_command("h5dump -d /results/status -s 0 -c 12 " + path_.string(), status);
  ASSERT_EQ(status, 0) << rows;
  // Tasks 0..11: task 3 and 10 are errors (4), task 5 diverged (3), the rest completed (1).
  EXPECT_NE(rows.find("1, 1, 1, 4, 1, 3, 1, 1, 1, 1, 4, 1"), std::string::npos) << rows;
}

TEST_F(BatchWriterFile, h5py_reads_the_file) {
  if (!std::filesystem::exists("/usr/bin/python3")) GTEST_SKIP() << "no /usr/bin/python3";
  int status = 0;
  const auto probe = run_command("/usr/bin/python3 -c 'import h5py'", status);
  if (status != 0) GTEST_SKIP() << "python3-h5py is not installed: " << probe;
  const std::string script = dir_.path() / "check.py";
  std::ofstream(script) << R"(import sys, h5py, numpy as np
f = h5py.File(sys.argv[1], "r")
assert f.attrs["format"] == "simorch-batch", f.attrs["format"]
assert f.attrs["run_state"] == "complete"
n = int(f.attrs["n_tasks"])
st = f["results/status"][...]
assert st.shape == (n,) and (st != 0).all()
assert list(f["results/status"].attrs["names"]) == ["pending", "completed", "out_of_bounds", "diverged", "error", "not_run"]
ids = np.arange(n)
assert np.array_equal(f["results/ise"][...], 1.0 + ids * 0.5)
assert f["trajectories/state"].shape == (n, 5, 6)
assert np.array_equal(f["trajectories/control"][7], -7.0 - 0.5 * np.arange(5))
err = f["results/errors"][...]
assert (np.diff(err["task_id"].astype(np.int64)) > 0).all()
assert err["message"][0].startswith(b"dp45 step below")
seg = f["timing/segments"][...]
assert seg["wall_s"][0] == 12.5 and f["timing/ranks"]["host"][1] == b"node1"
print("h5py OK", n, len(err))
)";
  const auto out = run_command("/usr/bin/python3 " + script + " " + path_.string(), status);
  EXPECT_EQ(status, 0) << out;
  EXPECT_NE(out.find("h5py OK 1000"), std::string::npos) << out;
}

TEST(BatchWriter, interrupted_segment_then_resume_finishes_with_two_segments) {
  ScopedTempDir dir;
  const auto study = test::io_study(300, 0, false);
  const auto path = dir / "two.h5";
  const auto reference = dir / "reference.h5";
  test::write_reference(reference, study, 5);
  const auto chunks = test::shuffled_chunks(300, 9);
  const std::size_t half = chunks.size() / 2;
  std::uint64_t first_done = 0;
  {
    BatchWriter writer(path, study, OpenMode::create);
    for (std::size_t c = 0; c < half; ++c)
      test::write_block(writer, test::make_block(chunks[c], 0));
    first_done = writer.num_done();
    writer.close(test::fake_timing(1, RunOutcome::interrupted, first_done));
  }
  {
    const auto file = h5::File::open(path, h5::FileAccess::read_only);
    EXPECT_EQ(h5::read_string_attribute(file, "run_state"), "interrupted");
    EXPECT_EQ(h5::read_attribute<std::uint64_t>(file, "tasks_done"), first_done);
    EXPECT_FALSE(file.exists("/trajectories"));
    EXPECT_FALSE(file.exists("/tasks/params"));
  }
  EXPECT_TRUE(std::filesystem::exists(dir / "two.h5.journal"));
  {
    BatchWriter writer(path, study, OpenMode::resume);
    EXPECT_EQ(writer.segment(), 1);
    EXPECT_EQ(writer.num_done(), first_done);
    std::uint64_t pending = 0;
    for (const auto& r : writer.pending()) pending += r.size();
    EXPECT_EQ(pending, 300 - first_done);
    for (std::size_t c = half; c < chunks.size(); ++c) {
      test::write_block(writer, test::make_block(chunks[c], 0));
    }
    writer.close(test::fake_timing(1, RunOutcome::complete, 300 - first_done));
  }
  test::expect_same_results(reference, path);
  const auto file = h5::File::open(path, h5::FileAccess::read_only);
  EXPECT_EQ(file.open_dataset("/timing/segments").read_field<std::int32_t>("segment"),
            (std::vector<std::int32_t>{0, 1}));
  EXPECT_EQ(file.open_dataset("/timing/segments").read_field<std::int32_t>("outcome"),
            (std::vector<std::int32_t>{1, 0}));
  EXPECT_EQ(h5::read_string_attribute(file, "run_state"), "complete");
}

TEST(BatchWriter, pending_ranges_are_the_gaps_between_written_tasks) {
  ScopedTempDir dir;
  const auto study = test::io_study(200, 0, false);
  BatchWriter writer(dir / "p.h5", study, OpenMode::create);
  test::write_block(writer, test::make_block(test::id_range(10, 20), 0));
  test::write_block(writer, test::make_block({20, 21, 150}, 0));
  test::write_block(writer, test::make_block(test::id_range(0, 5), 0));
  const auto pending = writer.pending();
  ASSERT_EQ(pending.size(), 3u);
  EXPECT_EQ(pending[0].begin, 5u);
  EXPECT_EQ(pending[0].end, 10u);
  EXPECT_EQ(pending[1].begin, 22u);
  EXPECT_EQ(pending[1].end, 150u);
  EXPECT_EQ(pending[2].begin, 151u);
  EXPECT_EQ(pending[2].end, 200u);
  EXPECT_EQ(writer.num_done(), 18u);
  writer.close(test::fake_timing(1, RunOutcome::interrupted, 18));
}

TEST(BatchWriter, rejects_bad_writes_without_touching_the_file) {
  ScopedTempDir dir;
  const auto study = test::io_study(10, 25, false);
  BatchWriter writer(dir / "bad.h5", study, OpenMode::create);
  auto block = test::make_block({1, 2}, 5);
  EXPECT_THROW(writer.write(block.summaries), Error) << "trajectories are required";
  block.states.pop_back();
  EXPECT_THROW(test::write_block(writer, block), Error) << "wrong trajectory size";
  auto outside = test::make_block({10}, 5);
  EXPECT_THROW(test::write_block(writer, outside), Error) << "id outside the study";
  EXPECT_EQ(writer.num_done(), 0u);
  writer.close(test::fake_timing(1, RunOutcome::interrupted, 0));
  EXPECT_THROW(test::write_block(writer, test::make_block({1}, 5)), Error);
}

}  // namespace
}  // namespace simorch
