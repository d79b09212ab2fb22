// The reader, the report and the scaling input on files written by the real BatchWriter
// with results of the real SequentialOrchestrator: an interrupted run, then its resume.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "simorch/analysis/run_report.hpp"
#include "simorch/analysis/scaling_report.hpp"
#include "simorch/analysis/statistics.hpp"
#include "simorch/error.hpp"
#include "simorch/io/batch_reader.hpp"
#include "simorch/io/batch_writer.hpp"
#include "simorch/sim/sequential_orchestrator.hpp"
#include "simorch/study/make_task.hpp"
#include "simorch/study/study.hpp"
#include "support/run_cli.hpp"
#include "support/small_study.hpp"

namespace simorch::analysis {
namespace {

using test::ScopedTempDir;

const std::string study_yaml = test::lqr_study_text(16, 3, "0.05");

// Runs tasks [begin, end) of `study` as if on `threads` pool threads of rank 0.
std::vector<TaskSummary> run_tasks(const Study& study, std::uint64_t begin, std::uint64_t end,
                                   int threads) {
  const SequentialOrchestrator orchestrator(study.sim, study.controller, study.nominal);
  std::vector<TaskSummary> out;
  for (std::uint64_t id = begin; id < end; ++id) {
    TaskSummary s = orchestrator.run(make_task(study, id));
    s.rank = 0;
    s.thread = static_cast<std::int32_t>(id % static_cast<std::uint64_t>(threads));
    out.push_back(s);
  }
  return out;
}

SegmentTiming segment(std::int32_t number, std::int32_t threads, double wall_s,
                      std::uint64_t tasks_done, RunOutcome outcome) {
  SegmentTiming t;
  t.segment = number;
  t.wall_s = wall_s;
  t.setup_s = 0.1;
  t.finalize_s = 0.05;
  t.ranks = 1;
  t.threads_per_rank = threads;
  t.tasks_done = tasks_done;
  t.outcome = outcome;
  const double busy = wall_s - 0.15;
  t.rank_timing = {
      {0, "localhost", threads, tasks_done, threads * busy, 0.0, 0.0, busy, tasks_done}};
  for (int k = 0; k < threads; ++k) t.thread_timing.push_back({0, k, tasks_done / 2, busy});
  return t;
}

TEST(WriterRoundTrip, an_interrupted_run_reads_as_partial_and_its_resume_as_complete) {
  const ScopedTempDir dir("roundtrip");
  const Study study = parse_study(study_yaml, dir.path());
  const auto path = dir / "run.h5";

  const std::vector<TaskSummary> first = run_tasks(study, 0, 8, 2);
  {
    BatchWriter writer(path, study, OpenMode::create);
    writer.write(first);
    writer.close(segment(0, 2, 2.0, 8, RunOutcome::interrupted));
  }
  {
    const BatchReader reader(path);
    EXPECT_EQ(reader.info().run_state, "interrupted");
    EXPECT_EQ(reader.info().study_hash, study_hash(study));
    const RunReport r = make_run_report(reader);
    EXPECT_TRUE(r.is_partial);
    EXPECT_NE(r.partial_reason.find("8 of 16 tasks pending"), std::string::npos)
        << r.partial_reason;
    EXPECT_NE(format_report_text(r).find("PARTIAL FILE"), std::string::npos);
    EXPECT_EQ(r.finished, 8u);
    // The report's median ISE is the median of what the orchestrator computed.
    std::vector<double> ise;
    for (const TaskSummary& s : first)
      if (s.status == TaskStatus::completed) ise.push_back(s.ise);
    ASSERT_FALSE(ise.empty());
    bool has_ise = false;
    for (const MetricSummary& m : r.metrics) {
      if (m.name != "ise") continue;
      has_ise = true;
      EXPECT_DOUBLE_EQ(m.quantiles.p50, quantile(ise, 0.5));
    }
    EXPECT_TRUE(has_ise);
    ASSERT_EQ(r.segments.size(), 1u);
    EXPECT_EQ(r.segments[0].outcome, RunOutcome::interrupted);
    EXPECT_DOUBLE_EQ(r.segments[0].wall_s, 2.0);
    EXPECT_EQ(r.segments[0].thread_timing.size(), 2u);
    EXPECT_THROW(load_scaling_run(reader), ConfigError);
  }

  {
    BatchWriter writer(path, study, OpenMode::resume);
    const std::vector<TaskRange> pending = writer.pending();
    ASSERT_EQ(pending.size(), 1u);
    EXPECT_EQ(pending[0].begin, 8u);
    writer.write(run_tasks(study, pending[0].begin, pending[0].end, 2));
    writer.close(segment(1, 2, 3.0, 8, RunOutcome::complete));
  }
  const BatchReader reader(path);
  const RunReport r = make_run_report(reader);
  EXPECT_FALSE(r.is_partial) << r.partial_reason;
  EXPECT_EQ(r.finished, 16u);
  ASSERT_EQ(r.segments.size(), 2u);
  EXPECT_DOUBLE_EQ(r.figures.wall_s, 5.0);
  // A run resumed on the same layout is a scaling point with the sum of its walls.
  const ScalingRun run = load_scaling_run(reader);
  EXPECT_DOUBLE_EQ(run.wall_s, 5.0);
  EXPECT_EQ(run.cores(), 2);
  EXPECT_EQ(run.tasks, 16u);
  EXPECT_EQ(run.study_without_samples, study_without_samples(canonical_text(study)));
}

TEST(WriterRoundTrip, a_run_resumed_on_another_layout_is_no_scaling_point) {
  const ScopedTempDir dir("roundtrip");
  const Study study = parse_study(study_yaml, dir.path());
  const auto path = dir / "run.h5";
  {
    BatchWriter writer(path, study, OpenMode::create);
    writer.write(run_tasks(study, 0, 4, 1));
    writer.close(segment(0, 1, 1.0, 4, RunOutcome::interrupted));
  }
  {
    BatchWriter writer(path, study, OpenMode::resume);
    writer.write(run_tasks(study, 4, 16, 2));
    writer.close(segment(1, 2, 1.0, 12, RunOutcome::complete));
  }
  try {
    load_scaling_run(BatchReader(path));
    FAIL() << "segments on 1x1 and 1x2 accepted as one scaling point";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("different layouts"), std::string::npos) << e.what();
  }
}

TEST(WriterRoundTrip, studies_differing_only_in_samples_form_a_weak_series) {
  const ScopedTempDir dir("roundtrip");
  std::string bigger = study_yaml;
  bigger.replace(bigger.find("samples: 16"), 11, "samples: 32");
  const Study a = parse_study(study_yaml, dir.path());
  const Study b = parse_study(bigger, dir.path());
  EXPECT_NE(study_hash(a), study_hash(b));
  EXPECT_EQ(study_without_samples(canonical_text(a)), study_without_samples(canonical_text(b)));
  std::string other_seed = study_yaml;
  other_seed.replace(other_seed.find("seed: 3"), 7, "seed: 4");
  EXPECT_NE(study_without_samples(canonical_text(a)),
            study_without_samples(canonical_text(parse_study(other_seed, dir.path()))));
}

}  // namespace
}  // namespace simorch::analysis
