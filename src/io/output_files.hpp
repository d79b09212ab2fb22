#pragma once

// File housekeeping of one output: its journal's name, temporary names beside it, moving
// them into place, removing what a killed writer left behind, and the test-only fault
// points that stop the process at an exact step (docs/resume.md, "Testing the gaps").

#include <filesystem>
#include <string>

namespace simorch::io_detail {

/// The batch file and its journal (OUT.h5, OUT.h5.journal).
struct OutputFiles {
  std::filesystem::path h5;
  std::filesystem::path journal;

  explicit OutputFiles(const std::filesystem::path& path);
  /// The folder holding them ("." for a bare file name).
  std::filesystem::path folder() const;
  /// `file` + ".<what>-<pid>": a name no other writer uses.
  static std::filesystem::path temporary(const std::filesystem::path& file, const char* what);
  /// IoError (bad input) when the folder is missing or not writable.
  void check_folder() const;
  /// Deletes OUT.h5.tmp-<pid>, OUT.h5.rebuild-<pid>, OUT.h5.journal.tmp-<pid> whose process
  /// is gone (a killed writer's half-built files).
  void remove_stale_temporaries() const;
};

/// Renames `from` over `to`; IoError naming both on failure.
void rename_or_throw(const std::filesystem::path& from, const std::filesystem::path& to);
/// Removes `path`, ignoring every error.
void remove_quietly(const std::filesystem::path& path) noexcept;
/// Now as ISO 8601 UTC ("2026-11-30T06:00:00Z").
std::string iso_utc_now();

/// Test hook: when the environment variable SIMORCH_FAULT_POINT equals `name`, the
/// process kills itself with SIGKILL here (a crash at exactly this step). Read once.
void fault_point(const char* name) noexcept;

}  // namespace simorch::io_detail
