#include "bad_studies.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace simorch::test {
namespace {

const std::filesystem::path data_dir =
    std::filesystem::path(SIMORCH_SOURCE_DIR) / "tests/data/bad_studies";

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

/// The table writes a line break inside a field as the two characters \n.
std::string unescape(const std::string& field) {
  std::string out;
  for (std::size_t i = 0; i < field.size(); ++i) {
    if (field[i] == '\\' && i + 1 < field.size() && field[i + 1] == 'n') {
      out += '\n';
      ++i;
    } else {
      out += field[i];
    }
  }
  return out;
}

}  // namespace

std::ostream& operator<<(std::ostream& out, const BadStudy& c) {
  return out << c.name;
}

std::string valid_study_text() {
  return read_text(data_dir / "valid.yaml");
}

std::vector<BadStudy> bad_studies() {
  std::vector<BadStudy> cases;
  std::istringstream lines(read_text(data_dir / "cases.tsv"));
  std::string line;
  while (std::getline(lines, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> fields;
    std::istringstream cells(line);
    std::string cell;
    while (std::getline(cells, cell, '\t')) fields.push_back(unescape(cell));
    if (fields.size() != 4) throw std::runtime_error("cases.tsv: not 4 fields: " + line);
    cases.push_back({fields[0], fields[1], fields[2], fields[3]});
  }
  return cases;
}

std::string bad_study_text(const BadStudy& c) {
  std::string yaml = valid_study_text();
  const auto at = yaml.find(c.from);
  if (at == std::string::npos) {
    throw std::runtime_error(c.name + ": '" + c.from + "' is not in valid.yaml");
  }
  yaml.replace(at, c.from.size(), c.to);
  return yaml;
}

}  // namespace simorch::test
