#include <charconv>
#include <fstream>
#include <string>
#include <system_error>

#include "simorch/error.hpp"
#include "study_sections.hpp"

namespace simorch::study_detail {
namespace {

constexpr const char* operation = "reading monte_carlo.initial_state.file";

std::string_view trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t\r");
  return text.substr(first, last - first + 1);
}

/// Splits a line at commas (or whitespace when it has no comma) and parses each field.
/// Returns false when a field is not a number; `numeric_fields` counts those that are.
bool parse_row(std::string_view line, std::vector<double>& values, std::size_t& numeric_fields) {
  values.clear();
  numeric_fields = 0;
  bool is_all_numeric = true;
  const bool has_comma = line.find(',') != std::string_view::npos;
  const std::string_view separators = has_comma ? "," : " \t";
  std::size_t position = 0;
  while (position <= line.size()) {
    const std::size_t end = std::min(line.find_first_of(separators, position), line.size());
    const std::string_view field = trim(line.substr(position, end - position));
    position = end + 1;
    if (field.empty() && !has_comma) continue;
    double value = 0.0;
    // from_chars rejects a leading '+', which spreadsheets sometimes write.
    const std::string_view digits = field.starts_with('+') ? field.substr(1) : field;
    const auto result = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (field.empty() || result.ec != std::errc() || result.ptr != digits.data() + digits.size()) {
      is_all_numeric = false;
      continue;
    }
    ++numeric_fields;
    values.push_back(value);
  }
  return is_all_numeric;
}

}  // namespace

std::vector<State> read_initial_states_csv(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) {
    throw IoError(file.string(), operation,
                  std::filesystem::exists(file) ? "cannot open the file" : "no such file",
                  /*is_bad_input=*/true);
  }
  std::vector<State> states;
  std::vector<double> values;
  std::string line;
  std::size_t line_number = 0;
  bool is_first_line = true;
  std::size_t numeric_fields = 0;
  while (std::getline(in, line)) {
    ++line_number;
    const std::string_view text = trim(line);
    if (text.empty() || text.starts_with('#')) continue;
    const bool ok = parse_row(text, values, numeric_fields);
    // The first line may be a header of column names: no field of it is a number (a
    // data line with one typo must not pass as a header).
    const bool is_header = is_first_line && numeric_fields == 0;
    is_first_line = false;
    if (is_header) continue;
    if (!ok || values.size() != 6) {
      throw IoError(file.string(), operation,
                    "line " + std::to_string(line_number) +
                        ": expected 6 numbers x,theta1,theta2,x_dot,theta1_dot,theta2_dot, got '" +
                        std::string(text.substr(0, 60)) + "'",
                    /*is_bad_input=*/true);
    }
    State state;
    for (Eigen::Index i = 0; i < 6; ++i) {
      const double value = values[static_cast<std::size_t>(i)];
      if (!std::isfinite(value)) {
        throw IoError(file.string(), operation,
                      "line " + std::to_string(line_number) + ": values must be finite",
                      /*is_bad_input=*/true);
      }
      state(i) = value;
    }
    states.push_back(state);
  }
  if (in.bad()) throw IoError(file.string(), operation, "read error", /*is_bad_input=*/true);
  if (states.empty()) {
    throw IoError(file.string(), operation, "no rows of initial states", /*is_bad_input=*/true);
  }
  return states;
}

}  // namespace simorch::study_detail
