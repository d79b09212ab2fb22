#include <gtest/gtest.h>

#include <vector>

#include "simorch/error.hpp"
#include "simorch/h5/file.hpp"
#include "simorch/study/make_task.hpp"
#include "simorch/study/study.hpp"
#include "support/run_cli.hpp"
#include "support/thrown_by.hpp"

namespace simorch {
namespace {

using test::ScopedTempDir;

std::string file_study(const std::string& file, const std::string& extra = "") {
  return "monte_carlo:\n  controller: lqr\n" + extra +
         "  initial_state:\n    distribution: file\n    file: " + file + "\n";
}

const char* csv_rows = R"(# initial states for a small study
x,theta1,theta2,x_dot,theta1_dot,theta2_dot
0, 0.1, -0.1, 0, 0, 0
0.5,0.05,0.02,0.1,-0.2,0.3

-1e-3, 1.5e-2, +2e-2, 0, 0, 0
)";

/// The message of the bad-input IoError parse_study must throw for `study` (fails the test,
/// saying `what_it_did`, when it throws none).
std::string bad_input_error(const std::string& study, const std::filesystem::path& dir,
                            std::string_view what_it_did) {
  const auto error = test::thrown_by<IoError>([&] { (void)parse_study(study, dir); }, what_it_did);
  if (!error) return "";
  EXPECT_TRUE(error->is_bad_input()) << error->what();
  return error->what();
}

TEST(InitialStateFile, csv_rows_become_the_tasks_in_order) {
  const ScopedTempDir dir("study");
  dir.write_file("states.csv", csv_rows);
  // Relative file names are resolved against the study's folder, not the working directory.
  const Study study = parse_study(file_study("states.csv"), dir.path());
  ASSERT_EQ(study.num_tasks(), 3u);
  State expected;
  expected << 0.5, 0.05, 0.02, 0.1, -0.2, 0.3;
  EXPECT_EQ(make_task(study, 1).initial_state, expected);
  expected << -1e-3, 1.5e-2, 2e-2, 0, 0, 0;
  EXPECT_EQ(make_task(study, 2).initial_state, expected);
}

TEST(InitialStateFile, whitespace_separated_rows_without_header_are_read) {
  const ScopedTempDir dir("study");
  const auto file = dir.write_file("states.txt", "0 0.1 0.2 0 0 0\n1\t2\t3\t4\t5\t6\n");
  const Study study = parse_study(file_study(file.string()), "/");
  ASSERT_EQ(study.num_tasks(), 2u);
  EXPECT_EQ(make_task(study, 1).initial_state(5), 6.0);
}

TEST(InitialStateFile, samples_take_the_first_rows_and_may_not_exceed_them) {
  const ScopedTempDir dir("study");
  dir.write_file("states.csv", csv_rows);
  EXPECT_EQ(parse_study(file_study("states.csv", "  samples: 2\n"), dir.path()).num_tasks(), 2u);
  try {
    (void)parse_study(file_study("states.csv", "  samples: 4\n"), dir.path());
    FAIL() << "accepted 4 samples of 3 rows";
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.key_path(), "monte_carlo.samples");
  }
}

TEST(InitialStateFile, malformed_or_missing_csv_is_a_bad_input_error_naming_the_line) {
  const ScopedTempDir dir("study");
  dir.write_file("short.csv",
                 "x,theta1,theta2,x_dot,theta1_dot,theta2_dot\n0,0,0,0,0,0\n0,0,0,0,0\n");
  const std::string short_row =
      bad_input_error(file_study("short.csv"), dir.path(), "accepted a row of 5 values");
  EXPECT_NE(short_row.find("line 3"), std::string::npos) << short_row;
  EXPECT_NE(short_row.find("monte_carlo.initial_state.file"), std::string::npos) << short_row;
  dir.write_file("text.csv", "0,0,0,0,0,0\n0,zero,0,0,0,0\n");
  EXPECT_THROW((void)parse_study(file_study("text.csv"), dir.path()), IoError);
  // A typo in the first row is an error, not a header.
  dir.write_file("typo.csv", "0,0.1,O.2,0,0,0\n0,0,0,0,0,0\n");
  try {
    (void)parse_study(file_study("typo.csv"), dir.path());
    FAIL() << "took a first row with a typo for a header";
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find("line 1"), std::string::npos) << e.what();
  }
  dir.write_file("empty.csv", "# nothing\n");
  EXPECT_THROW((void)parse_study(file_study("empty.csv"), dir.path()), IoError);
  try {
    (void)parse_study(file_study("missing.csv"), dir.path());
    FAIL() << "accepted a missing file";
  } catch (const IoError& e) {
    EXPECT_TRUE(e.is_bad_input());
  }
}

TEST(InitialStateFile, canonical_text_follows_the_rows_not_the_file_name) {
  const ScopedTempDir dir("study");
  dir.write_file("a.csv", csv_rows);
  dir.write_file("b.csv", csv_rows);
  dir.write_file("c.csv", "0,0.1,-0.1,0,0,0\n");
  EXPECT_EQ(study_hash(parse_study(file_study("a.csv"), dir.path())),
            study_hash(parse_study(file_study("b.csv"), dir.path())));
  EXPECT_NE(study_hash(parse_study(file_study("a.csv"), dir.path())),
            study_hash(parse_study(file_study("c.csv"), dir.path())));
}

void write_h5(const std::filesystem::path& path, const std::string& name,
              const std::vector<double>& values, std::uint64_t rows, std::uint64_t cols) {
  auto file = h5::File::create(path, true);
  auto dataset = file.create_dataset(name, h5::native_type<double>(), {rows, cols});
  dataset.write_rows<double>(0, values);
  file.close();
}

TEST(InitialStateFile, hdf5_dataset_rows_become_the_tasks) {
  const ScopedTempDir dir("study");
  std::vector<double> values(4 * 6);
  for (std::size_t i = 0; i < values.size(); ++i) values[i] = 0.01 * static_cast<double>(i);
  write_h5(dir / "states.h5", "x0", values, 4, 6);
  const Study study = parse_study(file_study("states.h5") + "    dataset: x0\n", dir.path());
  ASSERT_EQ(study.num_tasks(), 4u);
  for (std::uint64_t id = 0; id < 4; ++id) {
    for (Eigen::Index c = 0; c < 6; ++c) {
      EXPECT_EQ(make_task(study, id).initial_state(c),
                values[id * 6 + static_cast<std::uint64_t>(c)]);
    }
  }
}

TEST(InitialStateFile, hdf5_default_dataset_and_shape_errors) {
  const ScopedTempDir dir("study");
  write_h5(dir / "default.h5", "initial_state", std::vector<double>(12, 0.0), 2, 6);
  EXPECT_EQ(parse_study(file_study("default.h5"), dir.path()).num_tasks(), 2u);
  write_h5(dir / "narrow.h5", "initial_state", std::vector<double>(15, 0.0), 5, 3);
  const std::string narrow =
      bad_input_error(file_study("narrow.h5"), dir.path(), "accepted a [5, 3] dataset");
  EXPECT_NE(narrow.find("[5, 3]"), std::string::npos) << narrow;
  bad_input_error(file_study("default.h5") + "    dataset: nope\n", dir.path(),
                  "accepted a missing dataset");
}

}  // namespace
}  // namespace simorch
