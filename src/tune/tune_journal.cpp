#include "tune_journal.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>

#include "simorch/error.hpp"

namespace simorch::detail {
namespace {

constexpr char magic[8] = {'S', 'I', 'M', 'T', 'U', 'N', 'E', '1'};

void put(std::vector<char>& out, const void* data, std::size_t size) {
  const auto* bytes = static_cast<const char*>(data);
  out.insert(out.end(), bytes, bytes + size);
}

std::vector<char> encode(const GenerationRecord& r) {
  std::vector<char> out;
  put(out, &r.generation, 8);
  put(out, &r.particles, 8);
  put(out, &r.dims, 8);
  put(out, r.positions.data(), 8 * r.positions.size());
  put(out, r.costs.data(), 8 * r.costs.size());
  const std::uint64_t check = fnv1a64(out.data(), out.size());
  put(out, &check, 8);
  return out;
}

void write_all(std::FILE* file, const std::vector<char>& bytes, const std::filesystem::path& path) {
  if (std::fwrite(bytes.data(), 1, bytes.size(), file) != bytes.size() || std::fflush(file) != 0 ||
      fdatasync(fileno(file)) != 0) {
    throw IoError(path.string(), "append to tuning journal", std::strerror(errno));
  }
}

}  // namespace

std::uint64_t fnv1a64(const void* data, std::size_t size, std::uint64_t hash) {
  const auto* bytes = static_cast<const unsigned char*>(data);
  for (std::size_t i = 0; i < size; ++i) {
    hash ^= bytes[i];
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

std::vector<GenerationRecord> read_tune_journal(const std::filesystem::path& path,
                                                std::uint64_t study_hash) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw IoError(path.string(), "open tuning journal", "missing: nothing to resume", true);
  }
  const std::vector<char> bytes((std::istreambuf_iterator<char>(in)), {});
  if (bytes.size() < 16 || std::memcmp(bytes.data(), magic, 8) != 0) {
    throw IoError(path.string(), "read tuning journal", "not a simorch tuning journal", true);
  }
  std::uint64_t hash = 0;
  std::memcpy(&hash, bytes.data() + 8, 8);
  if (hash != study_hash) {
    throw IoError(path.string(), "resume tuning",
                  "the journal belongs to another study or tuning setup (the study file must be "
                  "unchanged to resume)",
                  true);
  }
  std::vector<GenerationRecord> records;
  std::size_t at = 16;
  while (at + 24 <= bytes.size()) {
    GenerationRecord r;
    std::memcpy(&r.generation, bytes.data() + at, 8);
    std::memcpy(&r.particles, bytes.data() + at + 8, 8);
    std::memcpy(&r.dims, bytes.data() + at + 16, 8);
    if (r.particles > (1u << 20) || r.dims > 64) break;
    const std::size_t body = 8 * (r.particles * r.dims + r.particles);
    if (at + 24 + body + 8 > bytes.size()) break;
    std::uint64_t check = 0;
    std::memcpy(&check, bytes.data() + at + 24 + body, 8);
    if (check != fnv1a64(bytes.data() + at, 24 + body)) break;
    r.positions.resize(r.particles * r.dims);
    r.costs.resize(r.particles);
    std::memcpy(r.positions.data(), bytes.data() + at + 24, 8 * r.positions.size());
    std::memcpy(r.costs.data(), bytes.data() + at + 24 + 8 * r.positions.size(),
                8 * r.costs.size());
    if (r.generation != records.size()) break;
    records.push_back(std::move(r));
    at += 24 + body + 8;
  }
  return records;
}

TuneJournal::TuneJournal(const std::filesystem::path& path, std::uint64_t study_hash,
                         const std::vector<GenerationRecord>& records_to_keep)
    : path_(path) {
  // Rewritten whole (small: one record per generation), so a torn tail is dropped.
  const std::filesystem::path temporary = path.string() + ".tmp";
  file_ = std::fopen(temporary.c_str(), "wb");
  if (file_ == nullptr)
    throw IoError(temporary.string(), "create tuning journal", std::strerror(errno));
  std::vector<char> head;
  put(head, magic, 8);
  put(head, &study_hash, 8);
  for (const GenerationRecord& r : records_to_keep) {
    const auto bytes = encode(r);
    head.insert(head.end(), bytes.begin(), bytes.end());
  }
  write_all(file_, head, temporary);
  std::error_code error;
  std::filesystem::rename(temporary, path, error);
  if (error) throw IoError(path.string(), "create tuning journal", error.message());
}

TuneJournal::~TuneJournal() {
  if (file_ != nullptr) std::fclose(file_);
}

void TuneJournal::append(const GenerationRecord& record) {
  write_all(file_, encode(record), path_);
}

}  // namespace simorch::detail
