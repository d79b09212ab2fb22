#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <type_traits>

#include "simorch/error.hpp"

namespace simorch {

/// One enumerator and its name in study files, batch files and reports.
template <class Enum>
struct EnumName {
  Enum value;
  std::string_view name;
};

/// The names of an enum's values: specialised once per enum, next to the enum, as
/// `std::to_array<EnumName<E>>({...})`. That table is the one place its names are spelled:
/// to_string, parse_name and the "allowed:" list of a ConfigError all read it.
template <class Enum>
inline constexpr auto enum_names = std::array<EnumName<Enum>, 0>{};

/// An enum with a name table.
template <class Enum>
concept NamedEnum = std::is_enum_v<Enum> &&(enum_names<Enum>.size() > 0);

/// The name of `value`; "unknown" for a value the table does not hold.
template <NamedEnum Enum>
constexpr std::string_view to_string(Enum value) noexcept {
  for (const EnumName<Enum>& row : enum_names<Enum>) {
    if (row.value == value) return row.name;
  }
  return "unknown";
}

/// "allowed: a, b, c": the names of an enum, for a ConfigError.
template <NamedEnum Enum>
std::string allowed_names() {
  std::string text = "allowed: ";
  for (const EnumName<Enum>& row : enum_names<Enum>) {
    if (text.size() > 9) text += ", ";
    text += row.name;
  }
  return text;
}

/// The enumerator called `text`; a ConfigError naming `key_path`, `text` and the allowed
/// names otherwise.
template <NamedEnum Enum>
Enum parse_name(std::string_view text, const std::string& key_path) {
  for (const EnumName<Enum>& row : enum_names<Enum>) {
    if (row.name == text) return row.value;
  }
  throw ConfigError(key_path, std::string(text), allowed_names<Enum>());
}

}  // namespace simorch
