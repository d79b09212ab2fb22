// Crash and resume: a child process writes and is killed with SIGKILL at chosen and at
// random moments; the parent resumes, finishes the study and compares the result
// datasets bitwise with an uninterrupted run (design.md, "Resume").

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <iostream>
#include <random>
#include <thread>

#include "io_test_util.hpp"
#include "simorch/h5/attribute.hpp"
#include "simorch/h5/file.hpp"

namespace simorch {
namespace {

using test::ScopedTempDir;

constexpr std::uint64_t num_tasks = 2000;
constexpr std::int64_t save_every = 10;  // 11 samples per task
constexpr std::uint32_t order_seed = 21;

class Resume : public testing::Test {
 protected:
  void SetUp() override {
    study_ = test::io_study(num_tasks, save_every);
    k_ = study_.sim.num_samples();
    reference_ = dir_ / "reference.h5";
    test::write_reference(reference_, study_, 1);
    path_ = dir_ / "batch.h5";
    chunks_ = test::shuffled_chunks(num_tasks, order_seed);
  }

  // Runs `body` in a child that ends with SIGKILL (if the body returns), waits for it.
  template <class Body>
  void in_killed_child(Body&& body) {
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      try {
        body();
      } catch (...) {
        ::_exit(3);
      }
      ::raise(SIGKILL);
      ::_exit(4);
    }
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
        << "child ended with status " << status;
  }

  // Writes the first `n` chunks in a fresh file, then dies.
  void killed_after_chunks(std::size_t n) {
    in_killed_child([&] {
      BatchWriter writer(path_, study_, OpenMode::create);
      for (std::size_t c = 0; c < n; ++c)
        test::write_block(writer, test::make_block(chunks_[c], k_));
    });
  }

  std::uint64_t tasks_in_chunks(std::size_t n) const {
    std::uint64_t total = 0;
    for (std::size_t c = 0; c < n; ++c) total += chunks_[c].size();
    return total;
  }

  // Resumes, checks that exactly the journaled tasks are done, writes every pending
  // task (and, harmlessly, some repeats), closes, and compares with the reference.
  // Returns how many tasks the resumed writer found done.
  std::uint64_t resume_and_finish(std::uint64_t expected_done, std::int32_t expected_segment) {
    BatchWriter writer(path_, study_, OpenMode::resume);
    if (expected_segment >= 0) {
      EXPECT_EQ(writer.segment(), expected_segment);
    }
    if (expected_done != ~std::uint64_t{0}) {
      EXPECT_EQ(writer.num_done(), expected_done);
    }
    const std::uint64_t done_at_start = writer.num_done();
    std::uint64_t pending = 0;
    for (const auto& range : writer.pending()) {
      pending += range.size();
      for (auto first = range.begin; first < range.end; first += 64) {
        const auto last = std::min(range.end, first + 64);
        test::write_block(writer, test::make_block(test::id_range(first, last), k_));
      }
    }
    EXPECT_EQ(pending, num_tasks - done_at_start);
    test::write_block(writer, test::make_block({0, 1, num_tasks - 1}, k_));
    EXPECT_EQ(writer.num_done(), num_tasks);
    writer.close(test::fake_timing(1, RunOutcome::complete, pending));
    test::expect_same_results(reference_, path_);
    EXPECT_FALSE(std::filesystem::exists(dir_ / "batch.h5.journal"));
    // Half-built files of killed writers are gone too.
    for (const auto& entry : std::filesystem::directory_iterator(dir_.path())) {
      const auto name = entry.path().filename().string();
      EXPECT_TRUE(name == "batch.h5" || name == "reference.h5" || name == "snapshot.h5")
          << "left behind: " << name;
    }
    return done_at_start;
  }

  ScopedTempDir dir_;
  Study study_;
  std::int64_t k_ = 0;
  std::filesystem::path reference_;
  std::filesystem::path path_;
  std::vector<std::vector<std::uint64_t>> chunks_;
};

TEST_F(Resume, kill_after_n_blocks_keeps_exactly_the_journaled_tasks) {
  for (const std::size_t n : {std::size_t{0}, std::size_t{1}, std::size_t{4}, chunks_.size() - 1}) {
    SCOPED_TRACE("killed after " + std::to_string(n) + " blocks");
    std::filesystem::remove(path_);
    killed_after_chunks(n);
    {
      const auto file = h5::File::open(path_, h5::FileAccess::read_only);
      EXPECT_EQ(h5::read_string_attribute(file, "run_state"), "running");
    }
    resume_and_finish(tasks_in_chunks(n), 1);
  }
}

TEST_F(Resume, kill_at_random_moments_never_loses_or_duplicates_a_task) {
  std::mt19937 rng(2024);
  int mid_run_kills = 0;
  for (int trial = 0; trial < 8; ++trial) {
    SCOPED_TRACE("trial " + std::to_string(trial));
    std::error_code ec;
    std::filesystem::remove(path_, ec);
    std::filesystem::remove(dir_ / "batch.h5.journal", ec);
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      try {
        BatchWriter writer(path_, study_, OpenMode::create);
        for (std::size_t c = 0;; c = (c + 1) % chunks_.size()) {
          ::usleep(1000);  // the simulations' time between result chunks
          test::write_block(writer, test::make_block(chunks_[c], k_));
          if (c % 5 == 0) writer.checkpoint();
        }
      } catch (...) {
        ::_exit(3);
      }
    }
    // Odd trials first wait (bounded) until results are being journaled, so that some
    // kills surely land mid-run however slow the machine; even trials may also hit the
    // file's creation. Then: inside a journal append, an HDF5 write or a checkpoint.
    if (trial % 2 == 1) {
      for (int i = 0; i < 5000; ++i) {
        std::error_code size_error;
        if (std::filesystem::file_size(dir_ / "batch.h5.journal", size_error) > 20000 &&
            !size_error) {
          break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
      }
    }
    const auto delay =
        std::chrono::microseconds(trial % 2 == 1 ? 1000 + rng() % 25000 : 2000 + rng() % 110000);
    std::this_thread::sleep_for(delay);
    ::kill(pid, SIGKILL);
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFSIGNALED(status)) << "child exited with " << status;
    if (!std::filesystem::exists(path_) && !std::filesystem::exists(dir_ / "batch.h5.journal")) {
      // Killed before anything was moved into place: resume starts the study afresh.
      resume_and_finish(0, 0);
      continue;
    }
    // How far the child got is unknown; what matters is the final file.
    const auto done = resume_and_finish(~std::uint64_t{0}, -1);
    std::cout << "trial " << trial << ": killed after " << delay.count() << " us with " << done
              << " of " << num_tasks << " tasks journaled\n";
    if (done > 0 && done < num_tasks) ++mid_run_kills;
  }
  EXPECT_GE(mid_run_kills, 2) << "the kills should land while results are being written";
}

TEST_F(Resume, repeated_kills_during_resume_and_rebuild_still_converge) {
  // Every run after the first starts by rebuilding (the previous one was killed), so the
  // kills also land inside rebuilds, journal replays and truncations.
  std::mt19937 rng(99);
  auto run_until_killed = [&](OpenMode mode, bool wait_for_results) {
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      try {
        BatchWriter writer(path_, study_, mode);
        const auto pending = writer.pending();
        for (const auto& range : pending) {
          for (auto first = range.begin; first < range.end; first += 50) {
            const auto last = std::min(range.end, first + 50);
            ::usleep(1500);  // the simulations' time between result chunks
            test::write_block(writer, test::make_block(test::id_range(first, last), k_));
          }
        }
        ::pause();  // all written: wait for the kill without closing
      } catch (...) {
        ::_exit(3);
      }
    }
    if (wait_for_results) {  // the first run journals something before it dies (bounded)
      const auto journal = dir_ / "batch.h5.journal";
      for (int i = 0; i < 5000; ++i) {
        std::error_code ec;
        if (std::filesystem::file_size(journal, ec) > 100000 && !ec) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
      }
    }
    std::this_thread::sleep_for(std::chrono::microseconds(10000 + rng() % 80000));
    ::kill(pid, SIGKILL);
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFSIGNALED(status)) << "child exited with " << WEXITSTATUS(status);
  };
  run_until_killed(OpenMode::create, true);
  for (int round = 0; round < 6; ++round) run_until_killed(OpenMode::resume, false);
  const auto done = resume_and_finish(~std::uint64_t{0}, -1);
  std::cout << "after 7 killed runs " << done << " of " << num_tasks << " tasks were journaled\n";
  EXPECT_GT(done, 0u) << "the killed runs should have made progress";
}

TEST_F(Resume, torn_journal_tail_is_cut_and_only_its_tasks_are_redone) {
  killed_after_chunks(3);
  const auto journal = dir_ / "batch.h5.journal";
  const auto size = std::filesystem::file_size(journal);
  // Cut into the last results record (the segment_start record comes first, so the
  // results records are the tail), as a kill during its write(2) would.
  std::filesystem::resize_file(journal, size - 100);
  resume_and_finish(tasks_in_chunks(2), 1);
}

TEST_F(Resume, garbage_after_the_last_record_is_ignored) {
  killed_after_chunks(3);
  {
    std::ofstream out(dir_ / "batch.h5.journal", std::ios::app | std::ios::binary);
    std::mt19937 rng(7);
    for (int i = 0; i < 5000; ++i) out.put(static_cast<char>(rng()));
  }
  resume_and_finish(tasks_in_chunks(3), 1);
}

TEST_F(Resume, deleted_hdf5_file_is_rebuilt_from_the_journal) {
  killed_after_chunks(4);
  std::filesystem::remove(path_);
  resume_and_finish(tasks_in_chunks(4), 1);
}

TEST_F(Resume, corrupted_hdf5_file_is_rebuilt_from_the_journal) {
  killed_after_chunks(5);
  {
    std::fstream f(path_, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(0);
    const std::string garbage(4096, '\x5a');
    f.write(garbage.data(), static_cast<std::streamsize>(garbage.size()));
  }
  resume_and_finish(tasks_in_chunks(5), 1);
}

TEST_F(Resume, truncated_hdf5_file_is_rebuilt_from_the_journal) {
  killed_after_chunks(5);
  std::filesystem::resize_file(path_, std::filesystem::file_size(path_) / 3);
  resume_and_finish(tasks_in_chunks(5), 1);
}

TEST_F(Resume, killed_resume_after_a_clean_interruption_keeps_both_segments) {
  std::uint64_t first = 0;
  {
    BatchWriter writer(path_, study_, OpenMode::create);
    for (std::size_t c = 0; c < 3; ++c) test::write_block(writer, test::make_block(chunks_[c], k_));
    first = writer.num_done();
    writer.close(test::fake_timing(2, RunOutcome::interrupted, first));
  }
  in_killed_child([&] {
    BatchWriter writer(path_, study_, OpenMode::resume);
    if (writer.segment() != 1) ::_exit(5);
    for (std::size_t c = 3; c < 6; ++c) test::write_block(writer, test::make_block(chunks_[c], k_));
  });
  // Segment 1 died: the rebuild keeps segment 0's timing and gives the new run index 2.
  resume_and_finish(tasks_in_chunks(6), 2);
  const auto file = h5::File::open(path_, h5::FileAccess::read_only);
  EXPECT_EQ(file.open_dataset("/timing/segments").read_field<std::int32_t>("segment"),
            (std::vector<std::int32_t>{0, 2}));
  EXPECT_EQ(file.open_dataset("/timing/ranks").read_field<std::int32_t>("segment"),
            (std::vector<std::int32_t>{0, 0, 2}));
}

TEST_F(Resume, clean_file_behind_its_journal_gets_the_missing_records) {
  // A clean file that lacks what the journal holds after it, as when a writer dies
  // between closing the HDF5 file and journaling the clean-close marker.
  const auto snapshot = dir_ / "snapshot.h5";
  {
    BatchWriter writer(path_, study_, OpenMode::create);
    for (std::size_t c = 0; c < 3; ++c) test::write_block(writer, test::make_block(chunks_[c], k_));
    writer.close(test::fake_timing(1, RunOutcome::interrupted, tasks_in_chunks(3)));
  }
  std::filesystem::copy_file(path_, snapshot);
  {
    BatchWriter writer(path_, study_, OpenMode::resume);
    for (std::size_t c = 3; c < 6; ++c) test::write_block(writer, test::make_block(chunks_[c], k_));
    writer.close(
        test::fake_timing(1, RunOutcome::interrupted, tasks_in_chunks(6) - tasks_in_chunks(3)));
  }
  std::filesystem::copy_file(snapshot, path_, std::filesystem::copy_options::overwrite_existing);
  resume_and_finish(tasks_in_chunks(6), 2);
  const auto file = h5::File::open(path_, h5::FileAccess::read_only);
  EXPECT_EQ(file.open_dataset("/timing/segments").read_field<std::int32_t>("segment"),
            (std::vector<std::int32_t>{0, 1, 2}));
}

TEST_F(Resume, lost_journal_of_a_clean_file_is_rebuilt_from_the_file_first) {
  {
    BatchWriter writer(path_, study_, OpenMode::create);
    for (std::size_t c = 0; c < 3; ++c) test::write_block(writer, test::make_block(chunks_[c], k_));
    writer.close(test::fake_timing(2, RunOutcome::interrupted, tasks_in_chunks(3)));
  }
  std::filesystem::remove(dir_ / "batch.h5.journal");
  // The resumed writer must copy the file's rows into a new journal before it changes
  // anything: it is killed, and the rebuild reads only the journal.
  in_killed_child([&] {
    BatchWriter writer(path_, study_, OpenMode::resume);
    if (writer.num_done() != tasks_in_chunks(3)) ::_exit(5);
    for (std::size_t c = 3; c < 6; ++c) test::write_block(writer, test::make_block(chunks_[c], k_));
  });
  resume_and_finish(tasks_in_chunks(6), 2);
  const auto file = h5::File::open(path_, h5::FileAccess::read_only);
  EXPECT_EQ(file.open_dataset("/timing/segments").read_field<std::int32_t>("segment"),
            (std::vector<std::int32_t>{0, 2}));
  EXPECT_EQ(file.open_dataset("/timing/ranks").read_string_field("host"),
            (std::vector<std::string>{"node0", "node1", "node0"}));
}

TEST_F(Resume, resuming_a_complete_file_changes_nothing) {
  const auto before =
      test::dataset_bytes(h5::File::open(reference_, h5::FileAccess::read_only), "/results/status");
  {
    BatchWriter writer(reference_, study_, OpenMode::resume);
    EXPECT_TRUE(writer.pending().empty());
    EXPECT_EQ(writer.num_done(), num_tasks);
    EXPECT_EQ(writer.segment(), 1);
    test::write_block(writer, test::make_block({5}, k_));  // a repeat: ignored
    writer.close(test::fake_timing(1, RunOutcome::complete, 0));
  }
  EXPECT_FALSE(std::filesystem::exists(dir_ / "reference.h5.journal"));
  const auto file = h5::File::open(reference_, h5::FileAccess::read_only);
  EXPECT_EQ(h5::read_string_attribute(file, "run_state"), "complete");
  EXPECT_EQ(file.open_dataset("/timing/segments").dims()[0], 1u);
  EXPECT_EQ(test::dataset_bytes(file, "/results/status"), before);
}

TEST_F(Resume, resume_of_a_missing_file_starts_the_study) {
  BatchWriter writer(path_, study_, OpenMode::resume);
  EXPECT_EQ(writer.segment(), 0);
  EXPECT_EQ(writer.num_done(), 0u);
  writer.close(test::fake_timing(1, RunOutcome::interrupted, 0));
  EXPECT_TRUE(std::filesystem::exists(path_));
}

}  // namespace
}  // namespace simorch
