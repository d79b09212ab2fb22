#pragma once

#include <fmt/core.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>

namespace simorch::analysis::detail {

/// A JSON string literal with every character JSON requires escaped.
inline std::string json_string(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20)
          out += fmt::format("\\u{:04x}", static_cast<unsigned>(static_cast<unsigned char>(c)));
        else
          out += c;
    }
  }
  return out + "\"";
}

/// A JSON number; JSON has no NaN or infinity, so those become null. `{}` prints the
/// shortest text that reads back as the same double.
inline std::string json_number(double value) {
  return std::isfinite(value) ? fmt::format("{}", value) : "null";
}

inline std::string json_number(std::int64_t value) {
  return fmt::format("{}", value);
}
inline std::string json_number(std::uint64_t value) {
  return fmt::format("{}", value);
}
inline std::string json_number(std::int32_t value) {
  return fmt::format("{}", value);
}

inline std::string json_bool(bool value) {
  return value ? "true" : "false";
}

/// Joins the elements of `items` rendered by `render` into a JSON array.
template <class Range, class Render>
std::string json_array(const Range& items, Render render) {
  std::string out = "[";
  bool first = true;
  for (const auto& item : items) {
    if (!first) out += ", ";
    first = false;
    out += render(item);
  }
  return out + "]";
}

}  // namespace simorch::analysis::detail
