#pragma once

/// simorch::h5 — thin checked RAII wrappers over the HDF5 C API (after HighFive's design:
/// one concept per header). src/h5 is the only place that calls H5* functions and the
/// only module that links HDF5; io and study read and write HDF5 through these.
///
/// Rules:
///  - every failing HDF5 call throws simorch::IoError{file, operation, detail}; HDF5's
///    own printing to stderr is off (error.hpp);
///  - objects close themselves (copies share the identifier); File::close() is the
///    checked close for files you wrote;
///  - one thread at a time: the Debian HDF5 is not thread-safe (design.md).
///
/// Reading a batch file (the analysis side):
/// ```
/// #include "simorch/h5/h5.hpp"
/// auto file = h5::File::open("batch.h5", h5::FileAccess::read_only);
/// auto n = h5::read_attribute<std::uint64_t>(file, "n_tasks");
/// auto state = h5::read_string_attribute(file, "run_state");
/// auto status = file.open_dataset("/results/status").read<std::int8_t>();
/// auto first_rows = file.open_dataset("/results/ise").read_rows<double>(0, 100);
/// auto segments = file.open_dataset("/timing/segments");
/// auto wall = segments.read_field<double>("wall_s");          // one compound member
/// auto hosts = file.open_dataset("/timing/ranks").read_string_field("host");
/// ```
/// Reading an initial-state matrix (the study side):
/// ```
/// h5::Matrix m = h5::read_matrix("x0.h5", "/states");  // rows × cols doubles
/// ```
/// Writing (the io side): File::create, Group::create_dataset with DatasetOptions (chunk,
/// max_dims = h5::unlimited, fill value), Dataset::write_rows / append_rows_raw,
/// write_attribute, CompoundBuilder for tables.

#include "simorch/h5/attribute.hpp"
#include "simorch/h5/dataset.hpp"
#include "simorch/h5/dataspace.hpp"
#include "simorch/h5/datatype.hpp"
#include "simorch/h5/error.hpp"
#include "simorch/h5/file.hpp"
#include "simorch/h5/group.hpp"
#include "simorch/h5/matrix.hpp"
#include "simorch/h5/object.hpp"
