#include "closest_key.hpp"

#include <algorithm>
#include <numeric>
#include <vector>

namespace simorch::study_detail {

std::size_t levenshtein(std::string_view a, std::string_view b) {
  // One row of the dynamic-programming table is enough for the distance alone.
  std::vector<std::size_t> row(b.size() + 1);
  std::iota(row.begin(), row.end(), std::size_t{0});
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      const std::size_t substitute = diagonal + (a[i - 1] == b[j - 1] ? 0 : 1);
      row[j] = std::min({above + 1, row[j - 1] + 1, substitute});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::string_view closest_key(std::string_view key, std::span<const std::string_view> candidates) {
  std::string_view best;
  std::size_t best_distance = 0;
  for (const std::string_view candidate : candidates) {
    const std::size_t distance = levenshtein(key, candidate);
    if (best.empty() || distance < best_distance) {
      best = candidate;
      best_distance = distance;
    }
  }
  return best;
}

bool is_near_miss(std::string_view key, std::string_view known) {
  if (key == known) return false;
  const std::size_t distance = levenshtein(key, known);
  // Two edits turn short keys into unrelated ones ("dt" -> "q"), so only long keys
  // get the wider net.
  return distance == 1 || (distance == 2 && std::min(key.size(), known.size()) >= 8);
}

std::string join_keys(std::span<const std::string_view> candidates) {
  std::string text;
  for (const std::string_view candidate : candidates) {
    if (!text.empty()) text += ", ";
    text += candidate;
  }
  return text;
}

}  // namespace simorch::study_detail
