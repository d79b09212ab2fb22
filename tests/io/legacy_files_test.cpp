// Files written before the schema table (format_version 1, tests/io/data/README.md) still
// open and report; resuming one is refused with one line naming its version, and the
// refusal touches neither the file nor its journal.

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "io_test_util.hpp"
#include "simorch/analysis/run_report.hpp"
#include "simorch/io/batch_reader.hpp"
#include "simorch/io/batch_writer.hpp"

namespace simorch {
namespace {

const std::filesystem::path data_dir = std::filesystem::path(SIMORCH_SOURCE_DIR) / "tests/io/data";

std::string bytes_of(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(LegacyFiles, a_finished_format_1_file_opens_and_reports) {
  const BatchReader reader(data_dir / "legacy_finished.h5");
  EXPECT_EQ(reader.info().format_version, 1);
  EXPECT_TRUE(reader.info().is_complete());
  EXPECT_FALSE(reader.has_column("failure_time_s"));
  for (const double t : reader.column("failure_time_s")) EXPECT_TRUE(std::isnan(t));

  const analysis::RunReport report = analysis::make_run_report(reader);
  EXPECT_EQ(report.status_counts[static_cast<std::size_t>(TaskStatus::completed)], 31u);
  EXPECT_EQ(report.status_counts[static_cast<std::size_t>(TaskStatus::out_of_bounds)], 15u);
  EXPECT_EQ(report.status_counts[static_cast<std::size_t>(TaskStatus::error)], 2u);
  EXPECT_EQ(report.failed, 17u);
  EXPECT_TRUE(report.failure_metrics.empty()) << "a file that predates failure_time_s";
  EXPECT_EQ(report.error_count, 17u);
  ASSERT_EQ(report.segments.size(), 1u);
  const std::string text = analysis::format_report_text(report);
  EXPECT_NE(text.find("format_version 1"), std::string::npos) << text;
  EXPECT_EQ(text.find("PARTIAL"), std::string::npos) << text;
}

TEST(LegacyFiles, an_interrupted_format_1_file_reports_and_its_resume_is_refused) {
  test::ScopedTempDir dir;
  const auto path = dir / "legacy_interrupted.h5";
  const auto journal = dir / "legacy_interrupted.h5.journal";
  std::filesystem::copy_file(data_dir / "legacy_interrupted.h5", path);
  std::filesystem::copy_file(data_dir / "legacy_interrupted.h5.journal", journal);
  {
    const BatchReader reader(path);
    EXPECT_EQ(reader.info().run_state, "interrupted");
    const analysis::RunReport report = analysis::make_run_report(reader);
    EXPECT_TRUE(report.is_partial);
    EXPECT_EQ(report.finished, 15u);
    EXPECT_EQ(report.info.n_tasks, 40u);
  }
  const std::string before = bytes_of(path);
  const std::string journal_before = bytes_of(journal);
  const Study study = load_study(data_dir / "interrupted.yaml");
  try {
    BatchWriter writer(path, study, OpenMode::resume);
    FAIL() << "resumed a format_version 1 file";
  } catch (const IoError& e) {
    const std::string what = e.what();
    EXPECT_TRUE(e.is_bad_input());
    EXPECT_NE(what.find("written with format_version 1"), std::string::npos) << what;
    EXPECT_NE(what.find("--force"), std::string::npos) << what;
    EXPECT_EQ(what.find('\n'), std::string::npos) << "one line: " << what;
  }
  EXPECT_EQ(bytes_of(path), before);
  EXPECT_EQ(bytes_of(journal), journal_before);
}

}  // namespace
}  // namespace simorch
