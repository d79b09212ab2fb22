#include "simorch/h5/matrix.hpp"

#include <hdf5.h>

#include <string>

#include "check.hpp"
#include "simorch/h5/file.hpp"

namespace simorch::h5 {

Matrix read_matrix(const std::filesystem::path& path, std::string_view dataset) {
  const std::string name = path.string();
  const std::string ds_name(dataset);
  const auto op = "read matrix '" + ds_name + "'";
  if (!is_hdf5(path)) {
    std::error_code ec;
    throw IoError(name, op, std::filesystem::exists(path, ec) ? "not an HDF5 file" : "no such file",
                  true);
  }
  const auto file = File::open(path, FileAccess::read_only);
  if (!file.exists(ds_name)) {
    std::string children;
    for (const auto& child : file.child_names()) {
      children += (children.empty() ? "" : ", ") + child;
    }
    throw IoError(name, op,
                  "no dataset '" + ds_name +
                      "' (top level has: " + (children.empty() ? "nothing" : children) + ")",
                  true);
  }
  const auto ds = file.open_dataset(ds_name);
  const auto type = ds.datatype();
  const H5T_class_t cls = H5Tget_class(type.id());
  if (cls != H5T_INTEGER && cls != H5T_FLOAT) {
    throw IoError(name, op, "dataset is not numeric (integer or float)", true);
  }
  const auto dims = ds.dims();
  if (dims.empty() || dims.size() > 2) {
    throw IoError(name, op,
                  "dataset has " + std::to_string(dims.size()) + " dimensions; allowed: 1 or 2",
                  true);
  }
  Matrix m;
  m.rows = dims[0];
  m.cols = dims.size() == 2 ? dims[1] : 1;
  m.values = ds.read<double>();
  return m;
}

}  // namespace simorch::h5
