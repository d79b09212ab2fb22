// The HDF5 wrappers as the other modules use them: rows, attributes, compound tables,
// read_matrix, and errors that name the file and the operation.

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/file.h>
#include <unistd.h>

#include <cstddef>
#include <cstdlib>
#include <fstream>
#include <limits>

#include "io_test_util.hpp"
#include "simorch/h5/attribute.hpp"
#include "simorch/h5/error.hpp"
#include "simorch/h5/file.hpp"
#include "simorch/h5/matrix.hpp"

namespace simorch {
namespace {

using test::ScopedTempDir;

struct Row {
  std::int32_t rank;
  char host[16];
  double wall_s;
};

h5::Datatype row_type() {
  return h5::CompoundBuilder(sizeof(Row))
      .add("rank", offsetof(Row, rank), h5::native_type<std::int32_t>())
      .add("host", offsetof(Row, host), h5::fixed_string_type(16))
      .add("wall_s", offsetof(Row, wall_s), h5::native_type<double>())
      .build();
}

TEST(H5Wrappers, rows_written_out_of_order_read_back_with_fill_elsewhere) {
  ScopedTempDir dir;
  const auto path = dir / "rows.h5";
  {
    auto file = h5::File::create(path);
    h5::DatasetOptions options;
    options.chunk = {4, 3};
    options.fill(std::numeric_limits<double>::quiet_NaN());
    auto ds = file.create_dataset("/a/b/values", h5::native_type<double>(), {10, 3}, options);
    const std::vector<double> late = {70, 71, 72, 80, 81, 82};
    const std::vector<double> early = {10, 11, 12};
    ds.write_rows<double>(7, late);
    ds.write_rows<double>(1, early);
    file.close();
  }
  const auto file = h5::File::open(path, h5::FileAccess::read_only);
  EXPECT_TRUE(file.exists("/a/b/values"));
  EXPECT_FALSE(file.exists("/a/c/values"));
  EXPECT_EQ(file.open_group("/a").child_names(), std::vector<std::string>{"b"});
  const auto ds = file.open_dataset("/a/b/values");
  EXPECT_EQ(ds.dims(), (std::vector<std::uint64_t>{10, 3}));
  const auto all = ds.read<double>();
  ASSERT_EQ(all.size(), 30u);
  EXPECT_EQ(all[3], 10);
  EXPECT_EQ(all[5], 12);
  EXPECT_EQ(all[21], 70);
  EXPECT_EQ(all[26], 82);
  EXPECT_TRUE(std::isnan(all[0]));
  EXPECT_TRUE(std::isnan(all[29]));
  const auto two = ds.read_rows<float>(7, 2);  // HDF5 converts on read
  EXPECT_EQ(two, (std::vector<float>{70, 71, 72, 80, 81, 82}));
}

TEST(H5Wrappers, attributes_of_every_kind_round_trip_and_can_be_replaced) {
  ScopedTempDir dir;
  const auto path = dir / "attrs.h5";
  {
    auto file = h5::File::create(path);
    h5::write_attribute(file, "format", "simorch-batch");
    h5::write_attribute(file, "n_tasks", std::uint64_t{1} << 40);
    h5::write_attribute(file, "dt", 0.01);
    h5::write_attribute(file, "names", std::vector<std::string>{"pending", "completed"});
    h5::write_attribute(file, "run_state", "running");
    h5::write_attribute(file, "run_state", "complete, a longer value");
    const std::string big(200000, 'y');  // beyond the 64 KiB compact attribute limit
    h5::write_attribute(file, "study", big);
    file.close();
  }
  const auto file = h5::File::open(path, h5::FileAccess::read_only);
  EXPECT_EQ(h5::read_string_attribute(file, "format"), "simorch-batch");
  EXPECT_EQ(h5::read_attribute<std::uint64_t>(file, "n_tasks"), std::uint64_t{1} << 40);
  EXPECT_EQ(h5::read_attribute<double>(file, "dt"), 0.01);
  EXPECT_EQ(h5::read_string_array_attribute(file, "names"),
            (std::vector<std::string>{"pending", "completed"}));
  EXPECT_EQ(h5::read_string_attribute(file, "run_state"), "complete, a longer value");
  EXPECT_EQ(h5::read_string_attribute(file, "study").size(), 200000u);
  EXPECT_FALSE(h5::has_attribute(file, "missing"));
}

TEST(H5Wrappers, compound_table_appends_and_reads_single_fields) {
  ScopedTempDir dir;
  const auto path = dir / "table.h5";
  {
    auto file = h5::File::create(path);
    h5::DatasetOptions options;
    options.chunk = {8};
    options.max_dims = {h5::unlimited};
    auto ds = file.create_dataset("table", row_type(), {0}, options);
    const Row rows[] = {{0, "node-a", 1.5}, {1, "node-b", 2.5}};
    EXPECT_EQ(ds.append_rows_raw(2, rows, row_type()), 0u);
    const Row more[] = {{2, "node-c", 3.5}};
    EXPECT_EQ(ds.append_rows_raw(1, more, row_type()), 2u);
    file.close();
  }
  const auto file = h5::File::open(path, h5::FileAccess::read_only);
  const auto ds = file.open_dataset("table");
  EXPECT_EQ(ds.field_names(), (std::vector<std::string>{"rank", "host", "wall_s"}));
  EXPECT_EQ(ds.read_field<std::int32_t>("rank"), (std::vector<std::int32_t>{0, 1, 2}));
  EXPECT_EQ(ds.read_field<double>("wall_s"), (std::vector<double>{1.5, 2.5, 3.5}));
  EXPECT_EQ(ds.read_string_field("host"), (std::vector<std::string>{"node-a", "node-b", "node-c"}));
  try {
    (void)ds.read_field<double>("nope");
    FAIL() << "a missing member must throw";
  } catch (const IoError& e) {
    EXPECT_TRUE(e.is_bad_input());
    EXPECT_NE(std::string(e.what()).find("nope"), std::string::npos);
  }
}

TEST(H5Wrappers, read_matrix_gives_shape_and_values_and_names_what_is_wrong) {
  ScopedTempDir dir;
  const auto path = dir / "x0.h5";
  {
    auto file = h5::File::create(path);
    auto m = file.create_dataset("states", h5::native_type<double>(), {4, 6});
    std::vector<double> v(24);
    for (std::size_t i = 0; i < v.size(); ++i) v[i] = static_cast<double>(i);
    m.write_rows<double>(0, v);
    auto col = file.create_dataset("ids", h5::native_type<std::int32_t>(), {3});
    const std::vector<std::int32_t> ids = {5, 6, 7};
    col.write_rows<std::int32_t>(0, ids);
    file.create_dataset("names", h5::fixed_string_type(8), {2});
    file.close();
  }
  const auto m = h5::read_matrix(path, "states");
  EXPECT_EQ(m.rows, 4u);
  EXPECT_EQ(m.cols, 6u);
  EXPECT_EQ(m.at(2, 3), 15.0);
  const auto c = h5::read_matrix(path, "/ids");
  EXPECT_EQ(c.rows, 3u);
  EXPECT_EQ(c.cols, 1u);
  EXPECT_EQ(c.values, (std::vector<double>{5, 6, 7}));

  auto expect_bad = [&](const std::filesystem::path& p, const char* ds, const char* words) {
    try {
      (void)h5::read_matrix(p, ds);
      ADD_FAILURE() << "expected IoError for " << ds;
    } catch (const IoError& e) {
      EXPECT_TRUE(e.is_bad_input()) << e.what();
      EXPECT_EQ(e.file(), p.string());
      EXPECT_NE(std::string(e.what()).find(words), std::string::npos) << e.what();
    }
  };
  expect_bad(path, "missing", "no dataset 'missing' (top level has: ids, names, states)");
  expect_bad(path, "names", "not numeric");
  expect_bad(dir / "absent.h5", "states", "no such file");
  std::ofstream(dir / "text.h5") << "x,y\n1,2\n";
  expect_bad(dir / "text.h5", "states", "not an HDF5 file");
}

TEST(H5Wrappers, failures_name_file_and_operation_and_print_nothing) {
  ScopedTempDir dir;
  const auto path = dir / "e.h5";
  h5::File::create(path).close();
  const auto file = h5::File::open(path, h5::FileAccess::read_only);
  testing::internal::CaptureStderr();
  try {
    (void)file.open_dataset("/results/status");
    ADD_FAILURE() << "opening a missing dataset must throw";
  } catch (const IoError& e) {
    EXPECT_EQ(e.file(), path.string());
    EXPECT_EQ(e.operation(), "open dataset /results/status");
  }
  try {
    (void)h5::File::create(path);  // exists: not overwritten
    ADD_FAILURE() << "creating over an existing file must throw";
  } catch (const IoError& e) {
    EXPECT_TRUE(e.is_bad_input());
  }
  try {
    (void)h5::File::create(dir / "no" / "such" / "folder.h5");
    ADD_FAILURE() << "creating in a missing folder must throw";
  } catch (const IoError& e) {
    EXPECT_TRUE(e.is_bad_input());
  }
  EXPECT_EQ(testing::internal::GetCapturedStderr(), "");
}

TEST(H5Wrappers, refused_file_lock_names_HDF5_USE_FILE_LOCKING) {
  unsetenv("HDF5_USE_FILE_LOCKING");
  ScopedTempDir dir;
  const auto path = dir / "locked.h5";
  h5::File::create(path).close();
  // Another open file description holding an exclusive flock, as a second writer would.
  const int fd = ::open(path.c_str(), O_RDWR);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::flock(fd, LOCK_EX | LOCK_NB), 0);
  try {
    (void)h5::File::open(path, h5::FileAccess::read_write);
    ADD_FAILURE() << "opening a locked file must throw";
  } catch (const IoError& e) {
    EXPECT_TRUE(h5::is_locking_error(e)) << e.what();
    EXPECT_NE(std::string(e.what()).find("HDF5_USE_FILE_LOCKING=FALSE"), std::string::npos);
    EXPECT_FALSE(e.is_bad_input());
  }
  // The hint works: with locking off (as on NFS/Lustre) HDF5 opens it despite the lock.
  setenv("HDF5_USE_FILE_LOCKING", "FALSE", 1);
  EXPECT_NO_THROW(h5::File::open(path, h5::FileAccess::read_write).close());
  unsetenv("HDF5_USE_FILE_LOCKING");
  ::close(fd);
  EXPECT_NO_THROW(h5::File::open(path, h5::FileAccess::read_write));
}

}  // namespace
}  // namespace simorch
