#pragma once

// The HDF5 side of a batch file (docs/hdf5-schema.md): creating the datasets, writing
// rows at row = task id, the timing tables and the errors table. Used by BatchWriter only.

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "simorch/h5/dataset.hpp"
#include "simorch/h5/file.hpp"
#include "simorch/io/run_timing.hpp"
#include "simorch/sim/task.hpp"
#include "simorch/study/study.hpp"

namespace simorch::io_detail {

inline constexpr const char* batch_format = "simorch-batch";
inline constexpr std::size_t host_capacity = 64;    ///< bytes of /timing/ranks host
inline constexpr std::size_t kernel_capacity = 96;  ///< bytes of /timing/segments kernel

/// Identity attributes written at creation.
struct FileIdentity {
  std::string study_hash;
  std::string study_canonical;
  std::string created;
};

/// Creates every group, dataset and root attribute of an empty batch file for `study`
/// (run_state "running", tasks_done 0).
void create_layout(const h5::File& file, const Study& study, const FileIdentity& identity);

/// Root attributes that decide whether a file may be resumed.
struct StoredIdentity {
  bool has_format = false;
  std::string format;
  std::int32_t format_version = 0;
  std::string study_hash;
  std::string run_state;
  std::uint64_t tasks_done = 0;
};
StoredIdentity read_identity(const h5::File& file);

/// Open handles of every dataset the writer touches, plus reusable row buffers.
class BatchLayout {
 public:
  BatchLayout(h5::File file, const Study& study);

  /// Writes rows for tasks first .. first+count-1 (consecutive ids, in order):
  /// summaries, their trajectories (count·K·6 and count·K doubles, or null without
  /// trajectories) and the regenerated /tasks rows.
  void write_run(const TaskSummary* summaries, std::uint64_t count, const double* states,
                 const double* controls);
  /// Appends one segment's rows to /timing/segments, ranks and threads and sets the
  /// /timing attributes.
  void append_segment(const SegmentTiming& timing);
  /// Number of rows in /timing/segments.
  std::uint64_t num_segment_rows() const;
  /// Segment indices present in /timing/segments.
  std::vector<std::int32_t> segment_indices() const;
  /// Reads rows [first, first+count) back into summaries (task_id set, status pending
  /// for rows never written) and, with trajectories, count·K·6 states and count·K
  /// controls. Used to rebuild a lost journal from a cleanly closed file.
  void read_run(std::uint64_t first, std::uint64_t count, std::vector<TaskSummary>& summaries,
                std::vector<double>& states, std::vector<double>& controls);
  /// Every segment recorded in /timing, with its rank and thread rows.
  std::vector<SegmentTiming> read_segments() const;
  /// Marks every done task in `done` (bitset words) from /results/status, in blocks.
  void load_done(std::vector<std::uint64_t>& done) const;
  /// Rewrites /results/errors from /results/status and /results/message, in task order.
  void rebuild_errors();
  /// Sets run_state and tasks_done.
  void set_state(const char* run_state, std::uint64_t tasks_done);
  void flush() { file_.flush(); }
  /// Releases every handle and closes the file (checked).
  void close();

 private:
  h5::File file_;
  const Study* study_;
  std::uint64_t n_tasks_;
  std::int64_t num_samples_;
  bool has_params_;

  h5::Dataset status_, success_, final_state_, steps_, integrator_steps_, rejected_steps_;
  h5::Dataset rank_, thread_, wall_time_, message_, errors_;
  std::array<h5::Dataset, 8> metrics_;
  h5::Dataset initial_state_, params_, traj_state_, traj_control_;
  h5::Dataset segments_, ranks_, threads_;

  h5::Datatype t_double_, t_int64_, t_int32_, t_int8_, t_uint8_, t_message_;
  h5::Datatype t_segment_, t_rank_, t_thread_, t_error_;

  // Row buffers of the current run, kept between writes (bounded by the largest run).
  std::vector<double> d_;
  std::vector<double> p_;
  std::vector<std::int64_t> i64_;
  std::vector<std::int32_t> i32_;
  std::vector<std::int8_t> i8_;
  std::vector<std::uint8_t> u8_;
};

}  // namespace simorch::io_detail
