#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "bindings.hpp"
#include "simorch/parallel/batch_result_container.hpp"
#include "summary_metrics.hpp"

namespace py = pybind11;

namespace simorch::python {
namespace {

using Shape = std::vector<py::ssize_t>;

/// A fresh numpy array of `shape` filled from `values` (a copy: the container may go away).
py::array_t<double> to_array(std::span<const double> values, const Shape& shape) {
  py::array_t<double> out(shape);
  std::copy(values.begin(), values.end(), out.mutable_data());
  return out;
}

/// A numpy view of the container's own buffer: copying a batch's trajectories would hold
/// the GIL for longer than simulating them. `owner` (the Python BatchResults) is the
/// array's base, so the buffer lives as long as any view of it; the results are the
/// caller's to change, as the seed's arrays were.
py::array_t<double> view(std::span<const double> values, const py::object& owner,
                         const Shape& shape) {
  return py::array_t<double>(shape, const_cast<double*>(values.data()), owner);
}

/// One numpy column per TaskSummary field, in task order.
py::dict summary_columns(const BatchResultContainer& results) {
  const auto n = static_cast<py::ssize_t>(results.size());
  py::array_t<std::uint64_t> task_id(n);
  py::array_t<std::int8_t> status(n);
  py::array_t<std::uint8_t> success(n);
  py::array_t<std::int64_t> steps(n), integrator_steps(n), rejected_steps(n);
  py::array_t<std::int32_t> rank(n), thread(n);
  py::array_t<double> wall_time_s(n), final_state(Shape{n, 6});
  std::vector<py::array_t<double>> metrics;
  for (std::size_t k = 0; k < summary_metrics().size(); ++k) metrics.emplace_back(n);
  py::list message;

  const auto summaries = results.summaries();
  for (py::ssize_t i = 0; i < n; ++i) {
    const TaskSummary& s = summaries[static_cast<std::size_t>(i)];
    task_id.mutable_at(i) = s.task_id;
    status.mutable_at(i) = static_cast<std::int8_t>(s.status);
    success.mutable_at(i) = s.success;
    steps.mutable_at(i) = s.steps;
    integrator_steps.mutable_at(i) = s.integrator_steps;
    rejected_steps.mutable_at(i) = s.rejected_steps;
    rank.mutable_at(i) = s.rank;
    thread.mutable_at(i) = s.thread;
    wall_time_s.mutable_at(i) = s.wall_time_s;
    for (py::ssize_t c = 0; c < 6; ++c) final_state.mutable_at(i, c) = s.final_state[c];
    for (std::size_t k = 0; k < summary_metrics().size(); ++k)
      metrics[k].mutable_at(i) = summary_metrics()[k].of(s);
    message.append(py::str(s.message));
  }
  py::dict d;
  d["task_id"] = task_id;
  d["status"] = status;
  d["success"] = success;
  for (std::size_t k = 0; k < summary_metrics().size(); ++k)
    d[py::str(std::string(summary_metrics()[k].name))] = metrics[k];
  d["final_state"] = final_state;
  d["steps"] = steps;
  d["integrator_steps"] = integrator_steps;
  d["rejected_steps"] = rejected_steps;
  d["rank"] = rank;
  d["thread"] = thread;
  d["wall_time_s"] = wall_time_s;
  d["message"] = message;
  return d;
}

}  // namespace

void bind_results(py::module_& m) {
  py::list metric_names;
  for (const SummaryMetric& metric : summary_metrics())
    metric_names.append(std::string(metric.name));
  m.attr("METRIC_NAMES") = py::tuple(metric_names);
  py::list status_names;
  for (int k = 0; k < task_status_count; ++k)
    status_names.append(std::string(to_string(static_cast<TaskStatus>(k))));
  m.attr("STATUS_NAMES") = py::tuple(status_names);

  py::class_<BatchResultContainer>(m, "BatchResults",
                                   "Results of an in-memory batch, in task order (C++ "
                                   "simorch::BatchResultContainer)")
      .def("__len__", &BatchResultContainer::size)
      .def_property_readonly("num_samples", &BatchResultContainer::num_samples)
      .def_property_readonly("has_trajectories", &BatchResultContainer::has_trajectories)
      .def(
          "states",
          [](const py::object& self) {
            const auto& r = self.cast<const BatchResultContainer&>();
            return view(r.states(), self,
                        Shape{static_cast<py::ssize_t>(r.size()),
                              static_cast<py::ssize_t>(r.num_samples()), 6});
          },
          "[tasks, samples, 6] without a copy (the array keeps the results alive)")
      .def(
          "controls",
          [](const py::object& self) {
            const auto& r = self.cast<const BatchResultContainer&>();
            return view(r.controls(), self,
                        Shape{static_cast<py::ssize_t>(r.size()),
                              static_cast<py::ssize_t>(r.num_samples())});
          },
          "[tasks, samples] without a copy")
      .def("times",
           [](const BatchResultContainer& r) {
             const std::vector<double> t = r.sample_times();
             return to_array(t, Shape{static_cast<py::ssize_t>(t.size())});
           })
      .def("columns", &summary_columns, "Every TaskSummary field as a numpy column")
      .def("failed_indices", &BatchResultContainer::failed_indices)
      .def_property_readonly("wall_s",
                             [](const BatchResultContainer& r) { return r.timing().wall_s; })
      .def_property_readonly("thread_busy_s", [](const BatchResultContainer& r) {
        std::vector<double> busy;
        for (const ThreadStats& t : r.timing().threads) busy.push_back(t.busy_s);
        return busy;
      });
}

}  // namespace simorch::python
