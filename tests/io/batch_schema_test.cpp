// The schema table (simorch/io/batch_schema.hpp) is the one description of the batch
// file: the docs page is generated from it, and a written file holds exactly its datasets
// with its types, shapes and fill values.

#include "simorch/io/batch_schema.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "batch_tables.hpp"
#include "io_test_util.hpp"
#include "simorch/h5/attribute.hpp"
#include "simorch/h5/file.hpp"
#include "simorch/io/batch_writer.hpp"

namespace simorch {
namespace {

constexpr std::string_view begin_marker = "<!-- BEGIN GENERATED SCHEMA -->\n";
constexpr std::string_view end_marker = "<!-- END GENERATED SCHEMA -->";

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(BatchSchema, docs_match_the_schema) {
  const std::filesystem::path page =
      std::filesystem::path(SIMORCH_SOURCE_DIR) / "docs/hdf5-schema.md";
  std::string text = read_text(page);
  const auto begin = text.find(begin_marker);
  const auto end = text.find(end_marker);
  ASSERT_NE(begin, std::string::npos) << page << " lacks " << begin_marker;
  ASSERT_NE(end, std::string::npos) << page << " lacks " << end_marker;
  const auto first = begin + begin_marker.size();
  const std::string generated = batch_schema_markdown();
  if (text.compare(first, end - first, generated) != 0 && std::getenv("SIMORCH_UPDATE_DOCS")) {
    text.replace(first, end - first, generated);
    std::ofstream(page) << text;
    GTEST_SKIP() << "rewrote " << page;
  }
  EXPECT_EQ(text.substr(first, end - first), generated)
      << page << " differs from the schema table: run this test with SIMORCH_UPDATE_DOCS=1";
}

TEST(BatchSchema, names_are_unique_and_status_names_come_from_the_task_status) {
  std::set<std::string_view> paths;
  for (const ColumnSpec& c : batch_columns()) {
    EXPECT_TRUE(paths.insert(c.path).second) << c.path;
    EXPECT_EQ(find_batch_column(c.path), &c);
    EXPECT_LE(c.since_version, batch_format_version) << c.path;
  }
  EXPECT_EQ(find_batch_column("failure_time_s")->path, "/results/failure_time_s");
  EXPECT_EQ(find_batch_column("no_such_column"), nullptr);
  for (const TableSpec& t : batch_tables()) EXPECT_EQ(&batch_table(t.path), &t);
  EXPECT_THROW(batch_table("/results/ise"), std::out_of_range);
}

// A written file holds exactly the schema's datasets, with its types, shapes and fills.
TEST(BatchSchema, a_written_file_holds_exactly_the_schema) {
  test::TempDir dir;
  const auto path = dir / "schema.h5";
  const std::uint64_t n = 5;
  const auto study = test::io_study(n, 2, true);  // trajectories and sampled parameters
  {
    BatchWriter writer(path, study, OpenMode::create);
    writer.close(SegmentTiming{});  // every row pending: fill values throughout
  }
  const auto file = h5::File::open(path, h5::FileAccess::read_only);
  for (const AttributeSpec& a : batch_root_attributes()) {
    EXPECT_TRUE(h5::has_attribute(file, a.name)) << a.name;
  }
  const auto k = static_cast<std::uint64_t>(study.sim.num_samples());
  for (const ColumnSpec& c : batch_columns()) {
    SCOPED_TRACE(std::string(c.path));
    if (c.names == ColumnNames::grid) {  // only for a study with a grid
      EXPECT_FALSE(file.exists(std::string(c.path)));
      continue;
    }
    ASSERT_TRUE(file.exists(std::string(c.path)));
    const auto dataset = file.open_dataset(std::string(c.path));
    std::vector<std::uint64_t> dims = {n};
    if (c.source == ColumnSource::trajectory) dims.push_back(k);
    if (c.width > 1 && c.type != ElementType::text) dims.push_back(c.width);
    EXPECT_EQ(dataset.dims(), dims);
    EXPECT_EQ(dataset.datatype().size(),
              c.type == ElementType::text
                  ? c.width
                  : (c.type == ElementType::int8 || c.type == ElementType::uint8 ? 1u
                     : c.type == ElementType::int32                              ? 4u
                                                                                 : 8u));
    if (c.type != ElementType::text) {
      const double first = dataset.read_rows<double>(0, 1).at(0);
      if (std::isnan(c.fill)) {
        EXPECT_TRUE(std::isnan(first));
      } else {
        EXPECT_EQ(first, c.fill);
      }
    }
  }
  std::set<std::string> expected;
  for (const ColumnSpec& c : batch_columns()) {
    if (c.path.substr(0, 9) == "/results/") expected.emplace(c.name());
  }
  expected.insert("errors");
  const auto listed = file.open_group("/results").child_names();
  EXPECT_EQ(std::set<std::string>(listed.begin(), listed.end()), expected)
      << "every dataset under /results is a row of the schema table";
}

// Every summary column holds the bytes of its TaskSummary member, row = task id.
TEST(BatchSchema, every_summary_column_stores_its_member) {
  test::TempDir dir;
  const auto path = dir / "members.h5";
  const std::uint64_t n = 40;
  const auto study = test::io_study(n, 0, false);
  {
    BatchWriter writer(path, study, OpenMode::create);
    test::write_block(writer, test::make_block(test::id_range(0, n), 0));
    writer.close(SegmentTiming{});
  }
  const auto file = h5::File::open(path, h5::FileAccess::read_only);
  for (const ColumnSpec& c : batch_columns()) {
    if (c.source != ColumnSource::summary) continue;
    SCOPED_TRACE(std::string(c.path));
    const std::size_t row_bytes =
        io_detail::element_size(c.type, c.width) * (c.type == ElementType::text ? 1 : c.width);
    std::vector<std::byte> rows(n * row_bytes);
    file.open_dataset(std::string(c.path))
        .read_rows_raw(0, n, rows.data(), io_detail::element_h5_type(c.type, c.width));
    for (std::uint64_t id = 0; id < n; ++id) {
      const TaskSummary s = test::fake_summary(id);
      const auto* member = reinterpret_cast<const std::byte*>(&s) + c.summary_offset;
      EXPECT_EQ(std::memcmp(&rows[id * row_bytes], member, row_bytes), 0) << "task " << id;
    }
  }
}

}  // namespace
}  // namespace simorch
