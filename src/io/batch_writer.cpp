#include "simorch/io/batch_writer.hpp"

#include <algorithm>
#include <optional>
#include <string>
#include <system_error>

#include "recovery.hpp"
#include "row_write_stage.hpp"
#include "simorch/error.hpp"
#include "writer_state.hpp"

namespace simorch {

// Writing and closing, and the one owner of the create / resume / force policy; the
// recovery of a resume is in recovery.cpp, the shared file steps in writer_state.cpp.
class BatchWriter::Impl {
 public:
  Impl(const std::filesystem::path& path, std::shared_ptr<const StudyPlan> owned,
       const StudyPlan& plan, OpenMode mode)
      : owned_(std::move(owned)), s_(path, plan) {
    s_.files.check_folder();
    std::error_code ec;
    if (std::filesystem::exists(s_.files.journal, ec)) {
      // Another writer of this output holds it: the one refusal, before anything else.
      s_.lock = io_detail::JournalLock::acquire(s_.files.journal);
    }
    switch (mode) {
      case OpenMode::create:
        refuse_existing();
        s_.create_fresh();
        break;
      case OpenMode::create_overwrite:
        s_.create_fresh();
        break;
      case OpenMode::resume:
        io_detail::resume_output(s_);
        break;
    }
  }

  ~Impl() {
    // Without close() the file keeps run_state "running": the next --resume rebuilds it
    // from the journal, which already holds every write() that returned.
    stage_.reset();  // writes what is queued first
    if (s_.datasets) {
      try {
        s_.datasets->close();
      } catch (const Error&) {
      }
    }
  }

  std::vector<TaskRange> pending() const { return s_.done.pending(); }
  std::uint64_t num_done() const noexcept { return s_.done.count(); }
  std::int32_t segment() const noexcept { return s_.segment; }
  std::vector<SegmentTiming> previous_segments() {
    drain();
    return s_.datasets->read_segments();
  }
  void for_each_done(const std::function<void(std::uint64_t, TaskStatus, bool)>& visit) {
    drain();
    s_.datasets->for_each_done(visit);
  }

  void write(std::span<const TaskSummary> summaries, std::span<const double> states,
             std::span<const double> controls) {
    if (is_closed_) {
      throw Error("BatchWriter::write: called after close()");
    }
    throw_if_failed("write");
    const std::size_t n = summaries.size();
    const auto k = static_cast<std::size_t>(s_.num_samples);
    const bool has_trajectories = !states.empty() || !controls.empty();
    if (has_trajectories && (states.size() != n * k * 6 || controls.size() != n * k)) {
      throw Error("BatchWriter::write: " + std::to_string(n) + " summaries need " +
                  std::to_string(n * k * 6) + " state and " + std::to_string(n * k) +
                  " control values, got " + std::to_string(states.size()) + " and " +
                  std::to_string(controls.size()));
    }
    if (k > 0 && !has_trajectories && n > 0) {
      throw Error(
          "BatchWriter::write: the study saves trajectories (output.save_every > 0) "
          "but the write has none");
    }
    for (const auto& summary : summaries) {
      if (summary.task_id >= s_.n_tasks) {
        throw Error("BatchWriter::write: task id " + std::to_string(summary.task_id) +
                    " outside [0, " + std::to_string(s_.n_tasks) + ")");
      }
    }

    // New tasks in id order, each once: at-most-once rows whatever the sender repeats.
    order_.clear();
    for (std::size_t i = 0; i < n; ++i) {
      if (!s_.done.contains(summaries[i].task_id)) {
        order_.push_back(i);
      }
    }
    const auto by_id = [&](std::size_t a, std::size_t b) {
      return summaries[a].task_id < summaries[b].task_id;
    };
    if (!std::is_sorted(order_.begin(), order_.end(), by_id)) {  // a chunk arrives sorted
      std::stable_sort(order_.begin(), order_.end(), by_id);
    }
    order_.erase(std::unique(order_.begin(), order_.end(),
                             [&](std::size_t a, std::size_t b) {
                               return summaries[a].task_id == summaries[b].task_id;
                             }),
                 order_.end());
    if (order_.empty()) {
      return;
    }
    if (s_.is_noop) {
      open_for_writing();
    }

    guarded([&] {
      if (!stage_) {
        stage_.emplace([this](io_detail::PendingRows& rows) {
          rows.inputs.compute(s_.plan, rows.block, rows.inputs_done, rows.block.size());
          s_.datasets->write_block(rows.block, rows.inputs, data_or_null(rows.states),
                                   data_or_null(rows.controls));
        });
      }
      io_detail::PendingRows& rows = stage_->next_free();
      rows.block.assign(summaries.data(), order_.data(), order_.size());
      // The stage writes after write() returns: trajectories are copied, in block order.
      rows.states.resize(has_trajectories ? order_.size() * k * 6 : 0);
      rows.controls.resize(has_trajectories ? order_.size() * k : 0);
      for (std::size_t j = 0; has_trajectories && j < order_.size(); ++j) {
        const std::size_t i = order_[j];
        std::copy_n(&states[i * k * 6], k * 6, &rows.states[j * k * 6]);
        std::copy_n(&controls[i * k], k, &rows.controls[j * k]);
      }
      // Journal first: once the record is in the kernel a kill -9 cannot lose it.
      s_.journal_block(rows.block, data_or_null(rows.states), data_or_null(rows.controls));
      s_.journal.flush();
      s_.mark_done(rows.block);
      // The draws are split between the two threads (bench/README.md, "Writer ingest").
      rows.inputs.resize(s_.plan, rows.block, s_.with_params);
      rows.inputs_done = rows.block.size() * inputs_share_num / inputs_share_den;
      rows.inputs.compute(s_.plan, rows.block, 0, rows.inputs_done);
      stage_->submit();
    });
  }

  void checkpoint() {
    if (is_closed_ || s_.is_noop) {
      return;
    }
    throw_if_failed("checkpoint");
    guarded([&] {
      drain();
      s_.journal.sync();
      s_.datasets->set_state(run_state::running, s_.done.count());
      s_.datasets->flush();
    });
  }

  void close(const SegmentTiming& timing) {
    if (is_closed_) {
      return;
    }
    is_closed_ = true;
    if (s_.is_noop || is_failed_) {
      // A finished file resumed without writes stays untouched. After a failed write the
      // file may hold a partial row: it keeps run_state "running", so the next resume
      // rebuilds it from the journal.
      release_quietly();
      return;
    }
    guarded([&] {
      drain();
      close_cleanly(timing);
    });
    s_.lock = io_detail::JournalLock();  // a closed writer no longer owns the output
  }

 private:
  // A failure in the middle of journal or HDF5 writes leaves both files in a state only
  // a rebuild can sort out: no further writes (they would follow a torn record), and no
  // clean close.
  template <class Fn>
  void guarded(Fn&& fn) {
    try {
      fn();
    } catch (...) {
      is_failed_ = true;
      throw;
    }
  }

  void throw_if_failed(const char* what) const {
    if (is_failed_) {
      throw Error(std::string("BatchWriter::") + what + ": an earlier write to " +
                  s_.files.h5.string() + " failed; fix the cause and run again with --resume");
    }
  }

  // Waits until the HDF5 stage has written every queued block (it holds HDF5 meanwhile).
  void drain() {
    if (stage_) stage_->drain();
  }

  void release_quietly() noexcept {
    try {
      stage_.reset();
      s_.datasets.reset();
      s_.journal = io_detail::JournalWriter();
      s_.lock = io_detail::JournalLock();
    } catch (...) {
    }
  }

  void close_cleanly(const SegmentTiming& timing) {
    SegmentTiming t = timing;
    t.segment = s_.segment;
    const auto encoded = io_detail::encode_timing(t);
    s_.journal.append(io_detail::RecordType::segment_timing, {encoded});
    s_.journal.sync();

    s_.datasets->append_segment(t);
    s_.datasets->rebuild_errors();
    const bool is_complete = s_.done.is_full();
    s_.datasets->set_state(is_complete ? run_state::complete : run_state::interrupted,
                           s_.done.count());
    s_.datasets->close();
    s_.datasets.reset();

    const auto marker =
        io_detail::encode_segment_start(io_detail::segment_start_here(s_.segment, t.end_unix_s));
    s_.journal.append(io_detail::RecordType::clean_close, {marker});
    s_.journal.close();
    if (is_complete) {
      // Every row is in a cleanly closed file: nothing left to recover.
      io_detail::remove_quietly(s_.files.journal);
      io_detail::sync_directory(s_.files.folder());
    }
  }

  // The policy of OpenMode::create: never replace anything.
  void refuse_existing() const {
    std::error_code ec;
    if (std::filesystem::exists(s_.files.h5, ec)) {
      throw IoError(s_.files.h5.string(), "create batch file",
                    "the file exists; use --force to overwrite it or --resume to continue it",
                    true);
    }
    if (std::filesystem::exists(s_.files.journal, ec)) {
      throw IoError(s_.files.journal.string(), "create batch file",
                    "the journal of an unfinished run exists without its file; use --resume to "
                    "rebuild the file from it and continue, or --force to start over",
                    true);
    }
  }

  // Resuming a finished file wrote nothing so far; the first real write needs a journal.
  void open_for_writing() {
    s_.is_noop = false;
    s_.open_datasets(h5::FileAccess::read_write);
    s_.start_new_journal();
    s_.start_segment();
  }

  // The share of a block's /tasks rows the calling thread regenerates; the HDF5 stage
  // does the rest. 3/5 balanced the two threads best of 1/2, 2/5, 3/5, 2/3 and 3/4
  // (bench_writer, bench/README.md).
  static constexpr std::size_t inputs_share_num = 3, inputs_share_den = 5;

  static const double* data_or_null(const std::vector<double>& v) {
    return v.empty() ? nullptr : v.data();
  }

  std::shared_ptr<const StudyPlan> owned_;  ///< the plan of a plain Study; before s_
  io_detail::WriterState s_;
  std::optional<io_detail::RowWriteStage> stage_;  ///< after s_: stops before s_ closes
  bool is_closed_ = false;
  bool is_failed_ = false;

  // Per-write scratch, bounded by the largest write.
  std::vector<std::size_t> order_;
};

BatchWriter::BatchWriter(const std::filesystem::path& path, const StudyPlan& plan, OpenMode mode)
    : impl_(std::make_unique<Impl>(path, nullptr, plan, mode)) {}

BatchWriter::BatchWriter(const std::filesystem::path& path, const Study& study, OpenMode mode) {
  auto plan = std::make_shared<const StudyPlan>(StudyPlan::single(study));
  const StudyPlan& ref = *plan;
  impl_ = std::make_unique<Impl>(path, std::move(plan), ref, mode);
}

void BatchWriter::for_each_done(
    const std::function<void(std::uint64_t, TaskStatus, bool)>& visit) const {
  impl_->for_each_done(visit);
}

BatchWriter::~BatchWriter() = default;

std::vector<TaskRange> BatchWriter::pending() const {
  return impl_->pending();
}
std::vector<SegmentTiming> BatchWriter::previous_segments() const {
  return impl_->previous_segments();
}

std::uint64_t BatchWriter::num_done() const noexcept {
  return impl_->num_done();
}
std::int32_t BatchWriter::segment() const noexcept {
  return impl_->segment();
}

void BatchWriter::write(std::span<const TaskSummary> summaries, std::span<const double> states,
                        std::span<const double> controls) {
  impl_->write(summaries, states, controls);
}

void BatchWriter::checkpoint() {
  impl_->checkpoint();
}
void BatchWriter::close(const SegmentTiming& timing) {
  impl_->close(timing);
}

}  // namespace simorch
