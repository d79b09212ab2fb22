#include "row_block.hpp"

#include <algorithm>
#include <cstring>
#include <string>
#include <tuple>

#include "batch_tables.hpp"
#include "crc32.hpp"

namespace simorch::io_detail {
namespace {

template <class Pred>
std::vector<const ColumnSpec*> summary_columns(Pred&& pred) {
  std::vector<const ColumnSpec*> out;
  for (const ColumnSpec& c : batch_columns()) {
    if (c.source == ColumnSource::summary && pred(c)) out.push_back(&c);
  }
  return out;
}

std::size_t dense_row_bytes(const ColumnSpec& c) {
  return element_size(c.type, c.width) * c.width;
}

template <class T>
std::span<const std::byte> bytes_of(const std::vector<T>& v) {
  return {reinterpret_cast<const std::byte*>(v.data()), v.size() * sizeof(T)};
}

std::span<const std::byte> bytes_of(const void* data, std::size_t size) {
  return {static_cast<const std::byte*>(data), data == nullptr ? 0 : size};
}

// One column of the rows in `order`: `Bytes` known at compile time becomes one load and
// one store per row instead of a memcpy call (the writer thread's hot loop).
template <std::size_t Bytes>
void gather(std::byte* out, const TaskSummary* rows, const std::size_t* order, std::size_t count,
            std::size_t offset, std::size_t row_bytes) {
  const std::size_t size = Bytes == 0 ? row_bytes : Bytes;
  for (std::size_t j = 0; j < count; ++j, out += size) {
    std::memcpy(out, reinterpret_cast<const std::byte*>(&rows[order[j]]) + offset, size);
  }
}

using Gather = void (*)(std::byte*, const TaskSummary*, const std::size_t*, std::size_t,
                        std::size_t, std::size_t);
/// The fixed-size gather for the element sizes of the schema's columns, else the generic one.
Gather gather_for(std::size_t row_bytes) noexcept {
  return row_bytes == 1    ? gather<1>
         : row_bytes == 4  ? gather<4>
         : row_bytes == 8  ? gather<8>
         : row_bytes == 48 ? gather<48>
                           : gather<0>;
}

}  // namespace

std::vector<const ColumnSpec*> dense_summary_columns() {
  return summary_columns([](const ColumnSpec& c) { return c.type != ElementType::text; });
}

std::vector<const ColumnSpec*> sparse_summary_columns() {
  return summary_columns([](const ColumnSpec& c) { return c.type == ElementType::text; });
}

std::uint32_t row_layout_id() noexcept {
  Crc32 crc;
  for (const ColumnSpec& c : batch_columns()) {
    if (c.source != ColumnSource::summary) continue;
    const std::uint64_t shape[] = {static_cast<std::uint64_t>(c.type), c.width};
    crc.update(c.path.data(), c.path.size());
    crc.update(shape, sizeof shape);
  }
  return crc.value();
}

RowBlock::RowBlock() {
  for (const ColumnSpec* c : dense_summary_columns()) {
    dense_.push_back({c, dense_row_bytes(*c), {}});
  }
  for (const ColumnSpec* c : sparse_summary_columns()) {
    sparse_.push_back({c, {}, {}});
  }
}

void RowBlock::assign(const TaskSummary* rows, std::size_t count) {
  std::vector<std::size_t> order(count);
  for (std::size_t i = 0; i < count; ++i) order[i] = i;
  assign(rows, order.data(), count);
}

void RowBlock::assign(const TaskSummary* rows, const std::size_t* order, std::size_t count) {
  size_ = count;
  runs_.clear();
  for (std::size_t j = 0; j < count; ++j) {
    const std::uint64_t id = rows[order[j]].task_id;
    if (runs_.empty() || runs_.back().first + runs_.back().count != id) {
      runs_.push_back({id, 0, j});
    }
    ++runs_.back().count;
  }
  // Column by column: each pass writes one contiguous buffer.
  for (DenseColumn& c : dense_) {
    c.data.resize(count * c.row_bytes);
    gather_for(c.row_bytes)(c.data.data(), rows, order, count, c.spec->summary_offset, c.row_bytes);
  }
  for (SparseColumn& c : sparse_) {
    c.rows.clear();
    c.data.clear();
    const std::size_t offset = c.spec->summary_offset;
    for (std::size_t j = 0; j < count; ++j) {
      const char* text = reinterpret_cast<const char*>(&rows[order[j]]) + offset;
      if (text[0] == '\0') continue;
      c.rows.push_back(j);
      c.data.resize(c.data.size() + c.spec->width);
      // Only the bytes up to the NUL: what follows in the sender's buffer must not reach
      // the file (bitwise-identical results).
      copy_text(reinterpret_cast<char*>(c.data.data() + c.data.size() - c.spec->width), text,
                c.spec->width);
    }
  }
}

// Results record, journal format 2 (docs/resume.md): u64 count, i64 K, u64 runs, one u64
// row count per text column; the runs as (first, count, offset); every numeric summary
// column (count rows each, schema order); per text column its row indices and texts;
// then the trajectories.
std::span<const std::span<const std::byte>> RowBlock::journal_pieces(std::int64_t num_samples,
                                                                     const double* states,
                                                                     const double* controls) {
  const auto k = static_cast<std::size_t>(num_samples);
  prefix_.assign({size_, static_cast<std::uint64_t>(num_samples), runs_.size()});
  for (const SparseColumn& c : sparse_) prefix_.push_back(c.rows.size());
  pieces_.clear();
  pieces_.push_back(bytes_of(prefix_));
  pieces_.push_back(bytes_of(runs_));
  for (const DenseColumn& c : dense_) pieces_.push_back(bytes_of(c.data));
  for (const SparseColumn& c : sparse_) {
    pieces_.push_back(bytes_of(c.rows));
    pieces_.push_back(bytes_of(c.data));
  }
  pieces_.push_back(bytes_of(states, size_ * k * 6 * sizeof(double)));
  pieces_.push_back(bytes_of(controls, size_ * k * sizeof(double)));
  return pieces_;
}

ResultsPayload decode_results(std::span<const std::byte> payload) {
  std::size_t pos = 0;
  const auto take = [&](std::size_t size) {
    if (size > payload.size() - pos) throw JournalFormatError{"results record too short"};
    const std::byte* p = payload.data() + pos;
    pos += size;
    return p;
  };
  const auto get = [&]() {
    std::uint64_t v = 0;
    std::memcpy(&v, take(sizeof v), sizeof v);
    return v;
  };
  const std::uint64_t count = get();
  const std::uint64_t k = get();
  const std::uint64_t n_runs = get();
  const auto dense = dense_summary_columns();
  const auto sparse = sparse_summary_columns();
  std::vector<std::uint64_t> n_text(sparse.size());
  for (auto& n : n_text) n = get();
  // Sizes first: a corrupt count ends here, not in a huge allocation.
  std::uint64_t expected = n_runs * sizeof(RowBlock::Run) + count * k * 7 * sizeof(double);
  for (const ColumnSpec* c : dense) expected += count * dense_row_bytes(*c);
  for (std::size_t i = 0; i < sparse.size(); ++i) {
    expected += n_text[i] * (sizeof(std::uint64_t) + sparse[i]->width);
  }
  if (payload.size() - pos != expected || n_runs > count) {
    throw JournalFormatError{"results record of the wrong size"};
  }

  ResultsPayload out;
  out.summaries.assign(static_cast<std::size_t>(count), TaskSummary{});
  std::uint64_t next_row = 0;
  for (std::uint64_t r = 0; r < n_runs; ++r) {
    RowBlock::Run run;
    std::memcpy(&run, take(sizeof run), sizeof run);
    if (run.offset != next_row || run.count > count - next_row) {
      throw JournalFormatError{"results record with inconsistent runs"};
    }
    for (std::uint64_t i = 0; i < run.count; ++i) {
      out.summaries[run.offset + i].task_id = run.first + i;
    }
    next_row += run.count;
  }
  if (next_row != count) throw JournalFormatError{"results record with inconsistent runs"};
  for (const ColumnSpec* c : dense) {
    const std::size_t row_bytes = dense_row_bytes(*c);
    const std::byte* in = take(count * row_bytes);
    for (auto& s : out.summaries) {
      std::memcpy(reinterpret_cast<std::byte*>(&s) + c->summary_offset, in, row_bytes);
      in += row_bytes;
    }
  }
  for (std::size_t i = 0; i < sparse.size(); ++i) {
    const std::byte* rows = take(n_text[i] * sizeof(std::uint64_t));
    const std::byte* text = take(n_text[i] * sparse[i]->width);
    for (std::uint64_t j = 0; j < n_text[i]; ++j) {
      std::uint64_t row = 0;
      std::memcpy(&row, rows + j * sizeof row, sizeof row);
      if (row >= count) throw JournalFormatError{"results record with a text row outside it"};
      copy_text(reinterpret_cast<char*>(&out.summaries[row]) + sparse[i]->summary_offset,
                reinterpret_cast<const char*>(text + j * sparse[i]->width), sparse[i]->width);
    }
  }
  out.states.resize(static_cast<std::size_t>(count * k * 6));
  out.controls.resize(static_cast<std::size_t>(count * k));
  // memcpy from/to the null data() of an empty vector is undefined even for 0 bytes.
  if (!out.states.empty()) {
    std::memcpy(out.states.data(), take(out.states.size() * sizeof(double)),
                out.states.size() * sizeof(double));
    std::memcpy(out.controls.data(), take(out.controls.size() * sizeof(double)),
                out.controls.size() * sizeof(double));
  }
  return out;
}

}  // namespace simorch::io_detail
