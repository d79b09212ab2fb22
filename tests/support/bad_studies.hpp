#pragma once

// The table of bad studies (tests/data/bad_studies): one valid study and the cases that
// each break it in one place. The study tests parse them in process; the CLI tests run
// `simorch validate` on them. One table, so both reject the same inputs.

#include <ostream>
#include <string>
#include <vector>

namespace simorch::test {

/// One bad study: `from` in the valid study replaced by `to`, and the key path the
/// one-line error must name.
struct BadStudy {
  std::string name;
  std::string from;
  std::string to;
  std::string key_path;
};

/// gtest prints a case by its name.
std::ostream& operator<<(std::ostream& out, const BadStudy& c);

/// The valid study the cases break (tests/data/bad_studies/valid.yaml).
std::string valid_study_text();

/// Every case of tests/data/bad_studies/cases.tsv.
std::vector<BadStudy> bad_studies();

/// The valid study with the case applied; throws std::runtime_error when `from` is not in it.
std::string bad_study_text(const BadStudy& c);

}  // namespace simorch::test
