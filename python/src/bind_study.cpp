#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <memory>
#include <string>

#include "bindings.hpp"
#include "simorch/run/preflight.hpp"
#include "simorch/study/study.hpp"
#include "simorch/study/study_summary.hpp"

namespace py = pybind11;

namespace simorch::python {

void bind_study(py::module_& m) {
  // Shared so that a Study outlives every result or run that refers to it.
  py::class_<Study, std::shared_ptr<Study>>(m, "Study",
                                            "A validated study (simorch.load_study / study=...)")
      .def_property_readonly("text", [](const Study& s) { return s.text; })
      .def_property_readonly("base_dir", [](const Study& s) { return s.base_dir.string(); })
      .def_property_readonly("num_tasks", &Study::num_tasks)
      .def_property_readonly("warnings", [](const Study& s) { return s.warnings; })
      .def_property_readonly("output_path", [](const Study& s) { return s.output.path.string(); })
      .def_property_readonly("threads", [](const Study& s) { return s.execution.threads; })
      .def_property_readonly("hash", [](const Study& s) { return study_hash(s); })
      .def_property_readonly("canonical_text", [](const Study& s) { return canonical_text(s); });

  m.def(
      "load_study",
      [](const std::string& path) { return std::make_shared<Study>(load_study(path)); },
      py::arg("path"), "Reads and validates a study file.");
  m.def(
      "parse_study",
      [](const std::string& text, const std::string& base_dir) {
        return std::make_shared<Study>(parse_study(text, base_dir));
      },
      py::arg("text"), py::arg("base_dir"),
      "Validates study YAML text; relative paths resolve against base_dir.");
  m.def(
      "summarize_study",
      [](const Study& study) {
        const StudySummary s = summarize_study(study);
        py::dict d;
        d["hash"] = s.hash;
        d["tasks"] = s.num_tasks;
        d["model"] = s.model;
        d["controller"] = s.controller;
        d["integrator"] = s.integrator;
        d["dt"] = s.dt;
        d["duration"] = s.duration;
        d["steps_per_task"] = s.steps_per_task;
        d["trajectory_samples_per_task"] = s.samples_per_task;
        d["save_every"] = s.save_every;
        d["initial_state"] = s.initial_state;
        d["parameter_uncertainty"] = s.parameter_uncertainty;
        d["seed"] = s.seed;
        d["output"] = s.output;
        // The figures `simorch run` checks before it creates anything.
        const SpaceEstimate space = estimate_space(study, study.output.path, false);
        d["estimated_output_bytes"] = space.output_bytes;
        d["estimated_journal_bytes"] = space.journal_bytes;
        d["free_bytes"] =
            space.free_bytes < 0 ? py::object(py::none()) : py::float_(space.free_bytes);
        d["warnings"] = s.warnings;
        return d;
      },
      py::arg("study"), "What `simorch validate` prints, as a dict.");
}

}  // namespace simorch::python
