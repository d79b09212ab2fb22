#include "simorch/study/study_plan.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <functional>
#include <map>
#include <optional>
#include <set>

#include "simorch/error.hpp"
#include "simorch/study/make_task.hpp"
#include "study_sections.hpp"

namespace simorch {
namespace {

using study_detail::describe;

// Keys that must be the same for every case and grid point: the sample layout and the
// common random numbers depend on them, and the runner settings are not part of a case.
constexpr std::array<std::string_view, 6> shared_keys = {
    "monte_carlo.samples", "monte_carlo.seed", "monte_carlo.sampling",
    "global_seed",         "output",           "execution"};

bool is_shared(const std::string& path) {
  return std::any_of(shared_keys.begin(), shared_keys.end(), [&](std::string_view key) {
    return path == key || (path.size() > key.size() && path.starts_with(key) &&
                           (path[key.size()] == '.' || path[key.size()] == '['));
  });
}

// Copies `overrides` into `target`: maps merge key by key, anything else replaces.
void merge(YAML::Node target, const YAML::Node& overrides) {
  for (const auto& entry : overrides) {
    const auto key = entry.first.as<std::string>();
    if (entry.second.IsMap() && target[key] && target[key].IsMap()) {
      merge(target[key], entry.second);
    } else {
      target[key] = YAML::Clone(entry.second);
    }
  }
}

// Every leaf path of a map ("physics.cart_mass"), to refuse shared keys in a case.
void leaf_paths(const YAML::Node& node, const std::string& prefix, std::vector<std::string>& out) {
  if (!node.IsMap()) {
    out.push_back(prefix);
    return;
  }
  for (const auto& entry : node) {
    const auto key = entry.first.as<std::string>();
    leaf_paths(entry.second, prefix.empty() ? key : prefix + "." + key, out);
  }
}

struct PathStep {
  std::string key;
  std::optional<std::size_t> index;  ///< `[k]` after the key
};

std::vector<PathStep> split_path(const std::string& path, const std::string& key_path) {
  std::vector<PathStep> steps;
  std::size_t begin = 0;
  while (begin <= path.size()) {
    const std::size_t end = std::min(path.find('.', begin), path.size());
    std::string part = path.substr(begin, end - begin);
    PathStep step;
    if (const std::size_t open = part.find('['); open != std::string::npos) {
      const std::size_t close = part.find(']', open);
      const std::string digits =
          close == std::string::npos ? "" : part.substr(open + 1, close - open - 1);
      if (close != part.size() - 1 || digits.empty() ||
          !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        throw ConfigError(key_path, path, "a list element is written key[k] with k >= 0");
      }
      step.index = std::stoul(digits);
      part.resize(open);
    }
    if (part.empty()) throw ConfigError(key_path, path, "a dotted path such as physics.cart_mass");
    step.key = std::move(part);
    steps.push_back(std::move(step));
    begin = end + 1;
  }
  return steps;
}

// The resolved value of a list the file need not spell out, so that `grid` can sweep one
// element of a default ("defaults count").
std::optional<std::vector<double>> resolved_list(const Study& study, const std::string& path) {
  const auto as_vector = [](const auto& values) {
    return std::vector<double>(values.begin(), values.end());
  };
  if (path == "monte_carlo.initial_state.nominal") {
    return std::vector<double>(study.initial_state.nominal.data(),
                               study.initial_state.nominal.data() + 6);
  }
  if (path == "monte_carlo.initial_state.spread") return as_vector(study.initial_state.spread);
  const std::string own = "controllers." + std::string(to_string(study.controller.kind));
  if (path == own + ".gains") return study.controller.gains;
  if (path == own + ".q") return study.controller.q;
  return std::nullopt;
}

// Sets the scalar at `path` of `document` to `value`, creating maps (and a list from its
// resolved default) on the way.
void set_scalar(YAML::Node document, const std::vector<PathStep>& steps, const std::string& path,
                double value, const Study& base, const std::string& key_path) {
  YAML::Node node = document;
  std::string walked;
  for (std::size_t i = 0; i < steps.size(); ++i) {
    const PathStep& step = steps[i];
    walked += (walked.empty() ? "" : ".") + step.key;
    if (node[step.key] && !node[step.key].IsMap() && !(step.index || i + 1 == steps.size())) {
      throw ConfigError(key_path, path,
                        "a path through sections to one number; '" + walked + "' is not a section");
    }
    YAML::Node child = node[step.key];
    if (step.index) {
      if (!child || child.IsNull()) {
        const auto list = resolved_list(base, walked);
        if (!list) {
          throw ConfigError(
              key_path, path,
              "'" + walked +
                  "' is not in the study file; write the list there to sweep one of its elements");
        }
        for (const double element : *list) child.push_back(element);
      }
      if (!child.IsSequence() || *step.index >= child.size()) {
        throw ConfigError(key_path, path,
                          fmt::format("an index below {} ('{}' has {} elements)",
                                      child.IsSequence() ? child.size() : 0, walked,
                                      child.IsSequence() ? child.size() : 0));
      }
      YAML::Node element = child[*step.index];
      child.reset(element);  // rebind: assignment would overwrite the list with its element
    }
    if (i + 1 == steps.size()) {
      if (child.IsDefined() && !child.IsNull() && !child.IsScalar()) {
        throw ConfigError(key_path, path,
                          "a grid axis sets one number; '" + walked + "' is a " +
                              (child.IsMap() ? "section" : "list"));
      }
      child = value;
    } else {
      node.reset(child);
    }
  }
}

std::vector<double> axis_values(const YAML::Node& node, const std::string& key_path) {
  if (node.IsSequence()) {
    std::vector<double> values = study_detail::to_numbers(node, key_path);
    if (values.empty()) throw ConfigError(key_path, "[]", "an axis needs at least one value");
    return values;
  }
  if (!node.IsMap()) {
    throw ConfigError(key_path, describe(node),
                      "a list of values or {from, to, points, spacing: linear|log}");
  }
  study_detail::YamlMap map(node, key_path);
  constexpr std::array<std::string_view, 4> keys = {"from", "to", "points", "spacing"};
  map.reject_unknown(keys);
  const auto from = map.number("from");
  const auto to = map.number("to");
  const auto points = map.integer("points");
  if (!from || !to || !points) {
    throw ConfigError(key_path, describe(node), "from, to and points are required");
  }
  if (*points < 1) {
    throw ConfigError(map.key_path("points"), std::to_string(*points), "allowed: an integer >= 1");
  }
  const std::string spacing = map.text("spacing").value_or("linear");
  if (spacing != "linear" && spacing != "log") {
    throw ConfigError(map.key_path("spacing"), spacing, "allowed: linear, log");
  }
  if (spacing == "log" && !(*from * *to > 0)) {
    throw ConfigError(map.key_path("spacing"), "log",
                      "log spacing needs from and to of the same sign, neither zero");
  }
  std::vector<double> values(static_cast<std::size_t>(*points));
  for (std::size_t i = 0; i < values.size(); ++i) {
    const double t =
        values.size() == 1 ? 0.0 : static_cast<double>(i) / static_cast<double>(values.size() - 1);
    values[i] = spacing == "log" ? *from * std::pow(*to / *from, t) : *from + (*to - *from) * t;
  }
  values.back() = *to;  // the end point exactly, whatever the rounding of the steps
  if (values.size() == 1) values.front() = *from;
  return values;
}

std::vector<GridAxis> parse_grid(const YAML::Node& grid) {
  if (!grid) return {};
  if (!grid.IsMap() || grid.size() == 0) {
    throw ConfigError("grid", describe(grid), "a map of study paths to axes");
  }
  std::vector<GridAxis> axes;
  for (const auto& entry : grid) {
    GridAxis axis;
    axis.path = entry.first.as<std::string>();
    const std::string key_path = "grid." + axis.path;
    if (is_shared(axis.path)) {
      throw ConfigError(key_path, "", "the same for every grid point; not a grid axis");
    }
    axis.values = axis_values(entry.second, key_path);
    axes.push_back(std::move(axis));
  }
  return axes;
}

struct CaseInput {
  std::string name;
  YAML::Node overrides;
};

std::vector<CaseInput> parse_cases(const YAML::Node& cases) {
  if (!cases) return {{"base", YAML::Node(YAML::NodeType::Map)}};
  if (!cases.IsSequence() || cases.size() == 0) {
    throw ConfigError("cases", describe(cases), "a list of {name: ..., <sections to override>}");
  }
  std::vector<CaseInput> inputs;
  std::set<std::string> names;
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const std::string key_path = fmt::format("cases[{}]", i);
    const YAML::Node& node = cases[i];
    if (!node.IsMap()) throw ConfigError(key_path, describe(node), "a map with a name");
    CaseInput input;
    input.overrides = YAML::Clone(node);
    if (!node["name"] || !node["name"].IsScalar() || node["name"].Scalar().empty()) {
      throw ConfigError(key_path + ".name", "", "every case needs a name");
    }
    input.name = node["name"].Scalar();
    if (!names.insert(input.name).second) {
      throw ConfigError(key_path + ".name", input.name, "case names must be unique");
    }
    input.overrides.remove("name");
    std::vector<std::string> leaves;
    leaf_paths(input.overrides, "", leaves);
    for (const std::string& leaf : leaves) {
      if (is_shared(leaf)) {
        throw ConfigError(key_path + "." + leaf, "",
                          "the same for every case (common random numbers); set it outside cases");
      }
    }
    inputs.push_back(std::move(input));
  }
  return inputs;
}

}  // namespace

StudyPlan StudyPlan::parse(std::string_view yaml_text, const std::filesystem::path& base_dir) {
  const YAML::Node document = study_detail::load_study_document(yaml_text);
  YAML::Node base_document = YAML::Clone(document);
  base_document.remove("cases");
  base_document.remove("grid");
  std::vector<std::string> base_ignored;
  StudyPlan plan;
  plan.base_ = study_detail::parse_study_document(base_document, base_dir, base_ignored);
  plan.base_.text = std::string(yaml_text);
  const Study& base = plan.base_;

  const std::vector<CaseInput> cases = parse_cases(document["cases"]);
  plan.axes_ = parse_grid(document["grid"]);
  std::vector<std::vector<PathStep>> axis_steps;
  for (const GridAxis& axis : plan.axes_) {
    axis_steps.push_back(split_path(axis.path, "grid." + axis.path));
    plan.num_points_ *= axis.values.size();
  }
  for (const CaseInput& input : cases) plan.case_names_.push_back(input.name);

  plan.variants_.reserve(cases.size() * plan.num_points_);
  std::vector<double> values(plan.axes_.size());
  for (std::size_t c = 0; c < cases.size(); ++c) {
    const std::string case_path = fmt::format("cases[{}]", c);
    YAML::Node case_document = YAML::Clone(base_document);
    merge(case_document, cases[c].overrides);
    for (std::uint64_t p = 0; p < plan.num_points_; ++p) {
      YAML::Node variant_document = plan.axes_.empty() ? case_document : YAML::Clone(case_document);
      plan.point_values(p, values);
      for (std::size_t a = 0; a < plan.axes_.size(); ++a) {
        set_scalar(variant_document, axis_steps[a], plan.axes_[a].path, values[a], base,
                   "grid." + plan.axes_[a].path);
      }
      // Name where a bad value came from: the grid axis that set it, else the case/point.
      const auto axis_of = [&](const std::string& key) -> const GridAxis* {
        for (const GridAxis& axis : plan.axes_) {
          if (axis.path.starts_with(key)) return &axis;
        }
        return nullptr;
      };
      const auto where = [&](const std::string& key) {
        if (const GridAxis* axis = axis_of(key)) return "grid." + axis->path;
        std::string text = key + " (";
        if (document["cases"]) text += fmt::format("{} '{}'", case_path, cases[c].name);
        if (!plan.axes_.empty())
          text += fmt::format("{}grid point {}", document["cases"] ? " at " : "", p);
        return text + ")";
      };
      std::vector<std::string> ignored;
      Study variant = [&] {
        try {
          return study_detail::parse_study_document(variant_document, base_dir, ignored);
        } catch (const ConfigError& e) {
          throw ConfigError(where(e.key_path()), e.value(), e.allowed());
        }
      }();
      // A key simorch reads past in a seed section is fine in the file, but a case or an
      // axis that sets one changes nothing: that is a mistake worth stopping for.
      for (const std::string& key : ignored) {
        if (std::find(base_ignored.begin(), base_ignored.end(), key) == base_ignored.end()) {
          throw ConfigError(axis_of(key) ? "grid." + key : case_path + "." + key, "",
                            "not a key of the study schema");
        }
      }
      plan.variants_.push_back(std::move(variant));  // without text: the plan's is in base()
    }
  }
  return plan;
}

StudyPlan StudyPlan::load(const std::filesystem::path& path) {
  return parse(read_study_file(path), std::filesystem::absolute(path).parent_path());
}

StudyPlan StudyPlan::single(const Study& study) {
  StudyPlan plan;
  plan.base_ = study;
  plan.case_names_ = {"base"};
  plan.variants_ = {study};
  plan.variants_.front().text.clear();
  return plan;
}

std::string StudyPlan::hash() const {
  return text_hash(canonical_text());
}

TaskCoordinates StudyPlan::coordinates(std::uint64_t task_id) const noexcept {
  const std::uint64_t per_sample = num_cases() * num_points_;
  const std::uint64_t within = task_id % per_sample;
  return {task_id / per_sample, static_cast<std::size_t>(within / num_points_),
          within % num_points_};
}

void StudyPlan::point_values(std::uint64_t point, std::span<double> out) const noexcept {
  for (std::size_t a = axes_.size(); a-- > 0;) {
    const std::uint64_t size = axes_[a].values.size();
    out[a] = axes_[a].values[point % size];
    point /= size;
  }
}

TaskSpec StudyPlan::make_task(std::uint64_t task_id) const {
  const TaskCoordinates at = coordinates(task_id);
  TaskSpec task = simorch::make_task(variant(at.case_index, at.point), at.sample);
  task.id = task_id;
  return task;
}

std::string StudyPlan::canonical_text() const {
  std::string text = simorch::canonical_text(base_);
  if (num_cases() == 1 && axes_.empty()) return text;  // a plain study keeps its hash
  for (std::size_t c = 0; c < num_cases(); ++c) {
    text += fmt::format("case[{}] = {} {}\n", c, case_names_[c], study_hash(variant(c, 0)));
  }
  for (const GridAxis& axis : axes_) {
    text += "grid." + axis.path + " = [";
    for (std::size_t i = 0; i < axis.values.size(); ++i) {
      text += fmt::format("{}{}", i ? ", " : "", axis.values[i]);
    }
    text += "]\n";
  }
  return text;
}

}  // namespace simorch
