#include "yaml_map.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "closest_key.hpp"
#include "simorch/error.hpp"

namespace simorch::study_detail {
namespace {

constexpr std::size_t max_described_chars = 80;

std::string join_path(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : path + "." + std::string(key);
}

/// The value of `key` read by `convert` (which names the key path in its errors); nullopt
/// when absent.
template <class Convert>
auto converted(YamlMap& map, std::string_view key, Convert convert)
    -> std::optional<decltype(convert(YAML::Node(), std::string()))> {
  const auto node = map.take(key);
  if (!node) return std::nullopt;
  return convert(*node, map.key_path(key));
}

}  // namespace

std::string describe(const YAML::Node& node) {
  if (!node.IsDefined() || node.IsNull()) return "null";
  std::string text;
  if (node.IsScalar()) {
    text = node.Scalar();
  } else {
    YAML::Emitter out;
    // Block-style input would print over several lines; flow style fits on one.
    out.SetSeqFormat(YAML::Flow);
    out.SetMapFormat(YAML::Flow);
    out << node;
    text = out.c_str();
  }
  // Error messages are one line (style.md), whatever the YAML looked like.
  std::replace(text.begin(), text.end(), '\n', ' ');
  if (text.size() > max_described_chars) text = text.substr(0, max_described_chars - 3) + "...";
  return text;
}

double to_number(const YAML::Node& node, const std::string& path) {
  double value = 0.0;
  if (!node.IsScalar() || !YAML::convert<double>::decode(node, value)) {
    throw ConfigError(path, describe(node), "expected a number");
  }
  if (!std::isfinite(value)) throw ConfigError(path, describe(node), "expected a finite number");
  return value;
}

std::int64_t to_integer(const YAML::Node& node, const std::string& path) {
  std::int64_t value = 0;
  if (node.IsScalar() && YAML::convert<std::int64_t>::decode(node, value)) return value;
  // Accept "1e6" and "2000.0": users write large counts in scientific notation.
  double real = 0.0;
  constexpr double limit = 9.2e18;
  if (node.IsScalar() && YAML::convert<double>::decode(node, real) && std::isfinite(real) &&
      std::trunc(real) == real && std::fabs(real) < limit) {
    return static_cast<std::int64_t>(real);
  }
  throw ConfigError(path, describe(node), "expected an integer");
}

bool to_bool(const YAML::Node& node, const std::string& path) {
  bool value = false;
  if (!node.IsScalar() || !YAML::convert<bool>::decode(node, value)) {
    throw ConfigError(path, describe(node), "expected true or false");
  }
  return value;
}

std::string to_text(const YAML::Node& node, const std::string& path) {
  if (!node.IsScalar()) throw ConfigError(path, describe(node), "expected a string");
  return node.Scalar();
}

std::vector<double> to_numbers(const YAML::Node& node, const std::string& path) {
  if (!node.IsSequence()) throw ConfigError(path, describe(node), "expected a list of numbers");
  std::vector<double> values;
  values.reserve(node.size());
  for (std::size_t i = 0; i < node.size(); ++i) {
    values.push_back(to_number(node[i], path + "[" + std::to_string(i) + "]"));
  }
  return values;
}

YamlMap::YamlMap(const YAML::Node& node, std::string path) : path_(std::move(path)) {
  if (!node.IsDefined() || node.IsNull()) return;
  if (!node.IsMap()) {
    throw ConfigError(path_.empty() ? "study" : path_, describe(node), "expected a map of keys");
  }
  for (const auto& item : node) {
    if (!item.first.IsScalar()) {
      throw ConfigError(join_path(path_, describe(item.first)), "", "keys must be plain strings");
    }
    entries_.push_back({item.first.Scalar(), item.second});
  }
}

std::string YamlMap::key_path(std::string_view key) const {
  return join_path(path_, key);
}

bool YamlMap::contains(std::string_view key) const {
  return std::any_of(entries_.begin(), entries_.end(),
                     [&](const Entry& entry) { return entry.key == key; });
}

std::vector<std::string> YamlMap::keys() const {
  std::vector<std::string> names;
  for (const Entry& entry : entries_) {
    if (std::find(names.begin(), names.end(), entry.key) == names.end()) {
      names.push_back(entry.key);
    }
  }
  return names;
}

std::optional<YAML::Node> YamlMap::take(std::string_view key) {
  const Entry* found = nullptr;
  for (const Entry& entry : entries_) {
    if (entry.key != key) continue;
    if (found == nullptr) {
      found = &entry;
    } else if (YAML::Dump(found->value) != YAML::Dump(entry.value)) {
      throw ConfigError(key_path(key), describe(found->value) + "' and '" + describe(entry.value),
                        "key given twice with different values; keep one");
    }
  }
  if (found == nullptr) return std::nullopt;
  read_.emplace_back(key);
  if (found->value.IsNull()) return std::nullopt;
  return found->value;
}

std::optional<double> YamlMap::number(std::string_view key) {
  return converted(*this, key, to_number);
}

std::optional<std::int64_t> YamlMap::integer(std::string_view key) {
  return converted(*this, key, to_integer);
}

std::optional<std::int64_t> YamlMap::integer_at_least(std::string_view key, std::int64_t minimum,
                                                      std::string_view meaning) {
  const auto value = integer(key);
  if (value && *value < minimum) {
    std::string allowed = "allowed: an integer >= " + std::to_string(minimum);
    if (!meaning.empty()) allowed += " (" + std::string(meaning) + ")";
    throw ConfigError(key_path(key), std::to_string(*value), allowed);
  }
  return value;
}

std::optional<bool> YamlMap::boolean(std::string_view key) {
  return converted(*this, key, to_bool);
}

std::optional<std::string> YamlMap::text(std::string_view key) {
  return converted(*this, key, to_text);
}

std::optional<std::vector<double>> YamlMap::numbers(std::string_view key) {
  return converted(*this, key, to_numbers);
}

YamlMap YamlMap::section(std::string_view key) {
  const auto node = take(key);
  return YamlMap(node ? *node : YAML::Node(), key_path(key));
}

std::vector<std::string> YamlMap::unread_keys() const {
  std::vector<std::string> unread;
  for (const std::string& key : keys()) {
    if (std::find(read_.begin(), read_.end(), key) == read_.end()) unread.push_back(key);
  }
  return unread;
}

void YamlMap::reject_unknown(std::span<const std::string_view> valid) const {
  for (const std::string& key : keys()) {
    if (std::find(valid.begin(), valid.end(), key) != valid.end()) continue;
    throw ConfigError(key_path(key), "",
                      "unknown key; did you mean '" + std::string(closest_key(key, valid)) +
                          "'? (valid: " + join_keys(valid) + ")");
  }
}

void YamlMap::collect_unread(std::span<const std::string_view> valid,
                             std::vector<std::string>& ignored) const {
  for (const std::string& key : unread_keys()) {
    for (const std::string_view known : valid) {
      if (is_near_miss(key, known)) {
        throw ConfigError(key_path(key), "",
                          "unknown key; did you mean '" + std::string(known) + "'?");
      }
    }
    ignored.push_back(key_path(key));
  }
}

}  // namespace simorch::study_detail
