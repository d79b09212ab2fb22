#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

namespace simorch::study_detail {

/// Edit distance (insertions, deletions, substitutions) between two keys.
std::size_t levenshtein(std::string_view a, std::string_view b);

/// The candidate nearest to `key` by edit distance (the first on ties); empty when none.
std::string_view closest_key(std::string_view key, std::span<const std::string_view> candidates);

/// True when `key` is so close to `known` that it is almost certainly a typo of it
/// rather than a different setting (one edit, or two edits in keys of 8+ characters).
bool is_near_miss(std::string_view key, std::string_view known);

/// "a, b, c": the candidates for an "allowed" message.
std::string join_keys(std::span<const std::string_view> candidates);

}  // namespace simorch::study_detail
