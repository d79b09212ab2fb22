#pragma once

// Append-only journal of finished generations beside a tuning file:
// "SIMTUNE1", u64 study hash, then per generation
//   [u64 generation][u64 particles][u64 dims][dims·particles f64 positions][particles f64 costs]
//   [u64 FNV-1a of the record's preceding bytes]
// A reader stops at the first truncated record or bad checksum (where a kill -9 cut).

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <vector>

namespace simorch::detail {

struct GenerationRecord {
  std::uint64_t generation = 0;
  std::uint64_t particles = 0;
  std::uint64_t dims = 0;
  std::vector<double> positions;  ///< particle-major
  std::vector<double> costs;
};

/// Every intact record of `path`; throws IoError when the file is not a journal of
/// `study_hash`.
std::vector<GenerationRecord> read_tune_journal(const std::filesystem::path& path,
                                                std::uint64_t study_hash);

class TuneJournal {
 public:
  /// Creates (truncating) or, with `records_to_keep`, reopens and cuts after them.
  TuneJournal(const std::filesystem::path& path, std::uint64_t study_hash,
              const std::vector<GenerationRecord>& records_to_keep);
  ~TuneJournal();
  TuneJournal(const TuneJournal&) = delete;
  TuneJournal& operator=(const TuneJournal&) = delete;
  /// Appends one record and makes it durable (fdatasync).
  void append(const GenerationRecord& record);

 private:
  std::filesystem::path path_;
  std::FILE* file_ = nullptr;
};

std::uint64_t fnv1a64(const void* data, std::size_t size,
                      std::uint64_t hash = 0xcbf29ce484222325ULL);

}  // namespace simorch::detail
