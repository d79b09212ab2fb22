#pragma once

// Shared by the io tests: small studies, synthetic task results, temporary folders and
// reading a batch file back as a user would.

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "simorch/error.hpp"
#include "simorch/h5/dataset.hpp"
#include "simorch/h5/file.hpp"
#include "simorch/io/batch_writer.hpp"
#include "simorch/sim/task.hpp"
#include "simorch/study/make_task.hpp"
#include "simorch/study/study.hpp"
#include "support/run_cli.hpp"  // ScopedTempDir
#include "support/small_study.hpp"

namespace simorch::test {

/// A study of `samples` LQR tasks; `save_every` > 0 stores trajectories
/// (duration 1 s, dt 0.01 s: 100 steps, so save_every 25 gives 5 samples per task).
inline Study io_study(std::uint64_t samples, std::int64_t save_every = 0, bool uncertain = true,
                      std::uint64_t seed = 11) {
  std::string yaml = lqr_study_text(samples, seed) +
                     "output:\n  path: out.h5\n  save_every: " + std::to_string(save_every) + "\n";
  if (uncertain) yaml += "physics_uncertainty:\n  cart_mass: 0.05\n  pendulum1_mass: 0.05\n";
  return parse_study(yaml, ".");
}

/// A synthetic, id-determined result: the writer must store exactly these bytes. Every
/// 7th task is an error with a message, every 11th diverged with a reason.
inline TaskSummary fake_summary(std::uint64_t id) {
  TaskSummary s;
  s.task_id = id;
  const double x = static_cast<double>(id);
  s.ise = 1.0 + x * 0.5;
  s.itae = 2.0 + x * 0.25;
  s.max_abs_theta1 = 0.01 * x;
  s.max_abs_theta2 = 0.02 * x;
  s.max_abs_x = 0.03 * x;
  s.max_abs_u = 10.0 + x;
  s.control_energy = 100.0 + x;
  s.settling_time = id % 5 == 0 ? std::nan("") : 0.5 + x * 1e-3;
  for (int c = 0; c < 6; ++c) s.final_state[c] = x * 1e-3 + c;
  s.wall_time_s = 1e-4 * x;
  s.steps = 100;
  s.integrator_steps = 100 + static_cast<std::int64_t>(id % 3);
  s.rejected_steps = static_cast<std::int64_t>(id % 2);
  s.rank = static_cast<std::int32_t>(id % 3);
  s.thread = static_cast<std::int32_t>(id % 2);
  if (id % 7 == 3) {
    s.status = TaskStatus::error;
    s.failure_time_s = 0.01 * x;
    std::snprintf(s.message, sizeof s.message, "dp45 step below min_step in task %llu",
                  static_cast<unsigned long long>(id));
  } else if (id % 11 == 5) {
    s.status = TaskStatus::diverged;
    s.failure_time_s = 0.5 + 0.01 * x;
    std::snprintf(s.message, sizeof s.message, "NaN in the state at t=0.%llu",
                  static_cast<unsigned long long>(id % 10));
  } else {
    s.status = TaskStatus::completed;
    s.success = id % 4 == 0 ? 0 : 1;
  }
  return s;
}

/// Synthetic trajectory values of task `id` (k samples): states k·6, controls k.
inline double fake_state(std::uint64_t id, std::int64_t sample, int component) {
  return static_cast<double>(id) + 0.01 * static_cast<double>(sample) + 1e-4 * component;
}
inline double fake_control(std::uint64_t id, std::int64_t sample) {
  return -static_cast<double>(id) - 0.5 * static_cast<double>(sample);
}

/// One write() worth of results for `ids`, in the given order.
struct Block {
  std::vector<TaskSummary> summaries;
  std::vector<double> states;
  std::vector<double> controls;
};

inline Block make_block(const std::vector<std::uint64_t>& ids, std::int64_t k) {
  Block b;
  for (const auto id : ids) {
    b.summaries.push_back(fake_summary(id));
    for (std::int64_t s = 0; s < k; ++s) {
      for (int c = 0; c < 6; ++c) b.states.push_back(fake_state(id, s, c));
      b.controls.push_back(fake_control(id, s));
    }
  }
  return b;
}

inline void write_block(BatchWriter& writer, const Block& b) {
  writer.write(b.summaries, b.states, b.controls);
}

/// Ids [begin, end).
inline std::vector<std::uint64_t> id_range(std::uint64_t begin, std::uint64_t end) {
  std::vector<std::uint64_t> ids;
  for (auto i = begin; i < end; ++i) ids.push_back(i);
  return ids;
}

/// The study's tasks cut into contiguous chunks of varying size (as the MPI runner's
/// guided scheduler delivers them), in a shuffled order fixed by `seed`.
inline std::vector<std::vector<std::uint64_t>> shuffled_chunks(std::uint64_t n,
                                                               std::uint32_t seed) {
  std::vector<std::vector<std::uint64_t>> chunks;
  std::mt19937 rng(seed);
  std::uint64_t begin = 0;
  while (begin < n) {
    const std::uint64_t size = 1 + rng() % 97;
    const std::uint64_t end = std::min(n, begin + size);
    chunks.push_back(id_range(begin, end));
    begin = end;
  }
  std::shuffle(chunks.begin(), chunks.end(), rng);
  return chunks;
}

/// A timing record of a segment that ran on `ranks` ranks with 2 threads each.
inline SegmentTiming fake_timing(std::int32_t ranks, RunOutcome outcome, std::uint64_t done) {
  SegmentTiming t;
  t.start_unix_s = 1.7e9;
  t.end_unix_s = 1.7e9 + 12.5;
  t.wall_s = 12.5;
  t.setup_s = 0.25;
  t.finalize_s = 0.125;
  t.ranks = ranks;
  t.threads_per_rank = 2;
  t.tasks_done = done;
  t.outcome = outcome;
  for (std::int32_t r = 0; r < ranks; ++r) {
    t.rank_timing.push_back({r, "node" + std::to_string(r), 2, 10u + static_cast<unsigned>(r), 11.0,
                             0.5, 0.25, 12.0, 8u + static_cast<unsigned>(r)});
    for (std::int32_t th = 0; th < 2; ++th) {
      t.thread_timing.push_back({r, th, 5, 5.5 + th});
    }
  }
  return t;
}

/// The stored bytes of dataset `name` (read with its own file type), for bitwise
/// comparisons between files.
inline std::vector<char> dataset_bytes(const h5::File& file, const std::string& name) {
  const auto ds = file.open_dataset(name);
  const auto type = ds.datatype();
  const auto n = ds.space().num_elements();
  std::vector<char> bytes(static_cast<std::size_t>(n * type.size()));
  const auto dims = ds.dims();
  if (!dims.empty() && dims[0] > 0) ds.read_rows_raw(0, dims[0], bytes.data(), type);
  return bytes;
}

/// Every dataset whose content is defined by the study alone (docs/hdf5-schema.md):
/// bitwise equal for any layout and after any resume.
inline std::vector<std::string> deterministic_datasets(const h5::File& file) {
  std::vector<std::string> out = {"/tasks/initial_state",    "/results/status",
                                  "/results/success",        "/results/ise",
                                  "/results/itae",           "/results/max_abs_theta1",
                                  "/results/max_abs_theta2", "/results/max_abs_x",
                                  "/results/max_abs_u",      "/results/control_energy",
                                  "/results/settling_time",  "/results/final_state",
                                  "/results/steps",          "/results/integrator_steps",
                                  "/results/rejected_steps", "/results/message",
                                  "/results/errors"};
  if (file.exists("/tasks/params")) out.push_back("/tasks/params");
  if (file.exists("/trajectories")) {
    for (const char* n : {"/trajectories/time", "/trajectories/state", "/trajectories/control"}) {
      out.push_back(n);
    }
  }
  return out;
}

/// Expects the deterministic datasets of two files to be bitwise equal.
inline void expect_same_results(const std::filesystem::path& a, const std::filesystem::path& b) {
  const auto fa = h5::File::open(a, h5::FileAccess::read_only);
  const auto fb = h5::File::open(b, h5::FileAccess::read_only);
  for (const auto& name : deterministic_datasets(fa)) {
    ASSERT_TRUE(fb.exists(name)) << name;
    const auto da = dataset_bytes(fa, name);
    const auto db = dataset_bytes(fb, name);
    EXPECT_EQ(da.size(), db.size()) << name;
    EXPECT_TRUE(da == db) << name << " differs";
  }
}

/// Writes the whole study in one segment (the reference for resume tests).
inline void write_reference(const std::filesystem::path& path, const Study& study,
                            std::uint32_t order_seed) {
  BatchWriter writer(path, study, OpenMode::create);
  for (const auto& chunk : shuffled_chunks(study.num_tasks(), order_seed)) {
    write_block(writer, make_block(chunk, study.sim.num_samples()));
  }
  writer.close(fake_timing(1, RunOutcome::complete, study.num_tasks()));
}

}  // namespace simorch::test
