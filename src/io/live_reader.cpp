#include "simorch/io/live_reader.hpp"

#include <sys/types.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <limits>
#include <optional>

#include "journal.hpp"
#include "simorch/error.hpp"
#include "simorch/integrate/integrator.hpp"
#include "simorch/io/batch_schema.hpp"
#include "simorch/io/run_timing.hpp"
#include "simorch/study/study_plan.hpp"

namespace simorch {
namespace {

using io_detail::JournalReader;
using io_detail::JournalRecord;
using io_detail::RecordType;

// The summary columns a live view carries: every numeric one-value-per-task column of the
// schema that a TaskSummary holds (metrics, failure time, step counts, wall time), so a
// column added to the schema reaches the live view too.
const std::vector<const ColumnSpec*>& live_columns() {
  static const std::vector<const ColumnSpec*> columns = [] {
    std::vector<const ColumnSpec*> out;
    for (const ColumnSpec& column : batch_columns()) {
      const bool is_number =
          column.type == ElementType::float64 || column.type == ElementType::int64;
      if (column.source == ColumnSource::summary && column.width == 1 && is_number) {
        out.push_back(&column);
      }
    }
    return out;
  }();
  return columns;
}

double value_of(const TaskSummary& summary, const ColumnSpec& column) {
  const char* at = reinterpret_cast<const char*>(&summary) + column.summary_offset;
  if (column.type == ElementType::int64) {
    std::int64_t count = 0;
    std::memcpy(&count, at, sizeof count);
    return static_cast<double>(count);
  }
  double value = 0;
  std::memcpy(&value, at, sizeof value);
  return value;
}

const ColumnSpec* live_column(std::string_view name) {
  for (const ColumnSpec* column : live_columns()) {
    if (column->name() == name) return column;
  }
  return nullptr;
}

std::filesystem::path journal_of(const std::filesystem::path& batch_file) {
  std::filesystem::path journal = batch_file;
  journal += ".journal";
  return journal;
}

std::string this_host() {
  char name[256] = {};
  return gethostname(name, sizeof name - 1) == 0 ? std::string(name) : std::string();
}

// The run settings shown by `report`, from the study text the journal carries (the base
// study of a plan with cases or a grid, as the finished file records them); left empty
// when the text no longer parses here (e.g. an initial-state file moved).
void fill_study_settings(BatchInfo& info, const std::filesystem::path& batch_file) {
  try {
    const StudyPlan plan = StudyPlan::parse(info.study, batch_file.parent_path());
    const Study& study = plan.base();
    info.seed = study.monte_carlo.seed;
    info.model = std::string(to_string(study.sim.model));
    info.controller = std::string(to_string(study.controller.kind));
    info.integrator = std::string(to_string(study.sim.integrator.kind));
    info.dt = study.sim.dt;
    info.duration = study.sim.duration;
    info.save_every = study.sim.save_every;
  } catch (const std::exception&) {
  }
}

}  // namespace

bool LiveReader::is_being_written(const std::filesystem::path& batch_file) {
  const auto journal = journal_of(batch_file);
  std::error_code error;
  if (!std::filesystem::exists(journal, error)) return false;
  try {
    return LiveReader(batch_file).writer().is_open;
  } catch (const IoError&) {
    return false;
  }
}

LiveReader::LiveReader(const std::filesystem::path& batch_file) : path_(batch_file) {
  const auto journal = journal_of(batch_file);
  if (!std::filesystem::exists(journal)) {
    throw IoError(journal.string(), "read journal",
                  "no journal: no run is writing " + batch_file.string(), true);
  }
  JournalReader reader(journal);
  JournalRecord record;
  try {
    if (!reader.next(record) || record.type != RecordType::header) {
      throw IoError(journal.string(), "read journal", "no header record (the run is starting)",
                    true);
    }
    const auto header = io_detail::decode_header(record.payload);
    info_.format = "simorch-batch";
    info_.format_version = batch_format_version;
    info_.created = header.created;
    info_.study = header.study_text;
    info_.study_canonical = header.study_canonical;
    info_.study_hash = header.study_hash;
    info_.n_tasks = header.n_tasks;
    fill_study_settings(info_, batch_file);
    status_.assign(header.n_tasks, TaskStatus::pending);
    success_.assign(header.n_tasks, 0);
    values_.assign(header.n_tasks * live_columns().size(),
                   std::numeric_limits<double>::quiet_NaN());

    bool was_closed_cleanly = false;
    while (reader.next(record)) {
      switch (record.type) {
        case RecordType::results:
          for (const auto& s : io_detail::decode_results(record.payload).summaries) add(s);
          break;
        case RecordType::segment_start: {
          const auto start = io_detail::decode_segment_start(record.payload);
          writer_ = LiveWriter{};
          writer_.host = start.host;
          writer_.pid = start.pid;
          writer_.segment = start.segment;
          writer_.start_unix_s = start.unix_s;
          writer_.is_open = true;
          was_closed_cleanly = false;
          break;
        }
        case RecordType::segment_timing:
          segments_.push_back(io_detail::decode_timing(record.payload));
          writer_.is_open = false;
          break;
        case RecordType::clean_close:
          writer_.is_open = false;
          was_closed_cleanly = true;
          break;
        case RecordType::header:
          break;
      }
    }
    info_.tasks_done = static_cast<std::uint64_t>(std::count_if(
        status_.begin(), status_.end(), [](TaskStatus s) { return s != TaskStatus::pending; }));
    info_.run_state = writer_.is_open                                           ? "running"
                      : was_closed_cleanly && info_.tasks_done == info_.n_tasks ? "complete"
                                                                                : "interrupted";
  } catch (const io_detail::JournalFormatError& e) {
    throw IoError(journal.string(), "read journal", e.what, true);
  }
  writer_.read_unix_s = unix_now();
  if (writer_.is_open && writer_.pid > 0 && !writer_.host.empty() && writer_.host == this_host()) {
    writer_.is_checkable = true;
    // Signal 0 only asks whether the process exists; EPERM means it does.
    writer_.is_gone = kill(static_cast<pid_t>(writer_.pid), 0) != 0 && errno == ESRCH;
  }
}

void LiveReader::add(const TaskSummary& summary) {
  if (summary.task_id >= status_.size()) return;
  const auto id = static_cast<std::size_t>(summary.task_id);
  if (status_[id] != TaskStatus::pending) return;  // a task journaled twice counts once
  status_[id] = summary.status;
  success_[id] = summary.success;
  const std::size_t width = live_columns().size();
  for (std::size_t c = 0; c < width; ++c) {
    values_[id * width + c] = value_of(summary, *live_columns()[c]);
  }
  if (writer_.is_open) ++writer_.done_in_segment;
  if (summary.status > TaskStatus::completed && summary.message[0] != '\0') {
    const auto length = strnlen(summary.message, TaskSummary::message_capacity);
    errors_.push_back({summary.task_id, summary.status, std::string(summary.message, length)});
  }
}

bool LiveReader::has_column(std::string_view name) const {
  return live_column(name) != nullptr;
}

std::vector<double> LiveReader::column(std::string_view name) const {
  const ColumnSpec* column = live_column(name);
  if (column == nullptr) {
    throw IoError(path_.string(), "read live column", std::string(name) + " is not in a journal",
                  true);
  }
  const auto& columns = live_columns();
  const auto index =
      static_cast<std::size_t>(std::find(columns.begin(), columns.end(), column) - columns.begin());
  std::vector<double> out;
  out.reserve(status_.size());
  for (std::size_t id = 0; id < status_.size(); ++id) {
    out.push_back(values_[id * columns.size() + index]);
  }
  return out;
}

}  // namespace simorch
