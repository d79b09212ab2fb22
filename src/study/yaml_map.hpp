#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace simorch::study_detail {

/// One-line rendering of a YAML value for error messages (flow style, shortened).
std::string describe(const YAML::Node& node);

/// Typed conversions that throw ConfigError(path, value, what was expected).
double to_number(const YAML::Node& node, const std::string& path);
std::int64_t to_integer(const YAML::Node& node, const std::string& path);
bool to_bool(const YAML::Node& node, const std::string& path);
std::string to_text(const YAML::Node& node, const std::string& path);
std::vector<double> to_numbers(const YAML::Node& node, const std::string& path);

/// A YAML map read key by key under a dotted key path ("monte_carlo.initial_state").
/// Remembers which keys were read so that the caller can reject (sections simorch owns)
/// or list (seed sections) the rest. Keys keep their file order.
class YamlMap {
 public:
  /// `node` is a map, or null/absent for an empty section; anything else is a ConfigError.
  YamlMap(const YAML::Node& node, std::string path);

  const std::string& path() const noexcept { return path_; }
  /// "path.key" (or "key" at the top level).
  std::string key_path(std::string_view key) const;
  bool contains(std::string_view key) const;
  /// Keys in file order (a duplicated key once).
  std::vector<std::string> keys() const;

  /// The value of `key`, marked as read; nullopt when absent (or null). A key given twice
  /// with different values is a ConfigError: PyYAML keeps the last, yaml-cpp the first.
  std::optional<YAML::Node> take(std::string_view key);
  std::optional<double> number(std::string_view key);
  std::optional<std::int64_t> integer(std::string_view key);
  /// integer(key), a ConfigError "allowed: an integer >= minimum" (then `meaning`) below it.
  std::optional<std::int64_t> integer_at_least(std::string_view key, std::int64_t minimum,
                                               std::string_view meaning = "");
  std::optional<bool> boolean(std::string_view key);
  std::optional<std::string> text(std::string_view key);
  std::optional<std::vector<double>> numbers(std::string_view key);
  /// The sub-map under `key` (empty when absent).
  YamlMap section(std::string_view key);

  /// For sections simorch owns: ConfigError for the first key not in `valid`, naming the
  /// closest valid key. Called before reading, so a typo is reported as such.
  void reject_unknown(std::span<const std::string_view> valid) const;
  /// For seed sections: a key never read that looks like a typo of one of `valid` is a
  /// ConfigError; the others are appended to `ignored` as full key paths.
  void collect_unread(std::span<const std::string_view> valid,
                      std::vector<std::string>& ignored) const;

 private:
  struct Entry {
    std::string key;
    YAML::Node value;
  };
  std::vector<std::string> unread_keys() const;

  std::vector<Entry> entries_;
  std::vector<std::string> read_;
  std::string path_;
};

}  // namespace simorch::study_detail
