#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "bindings.hpp"
#include "interruptible_wait.hpp"
#include "simorch/error.hpp"
#include "simorch/parallel/parallel_orchestrator.hpp"
#include "simorch/study/study.hpp"

namespace py = pybind11;

namespace simorch::python {
namespace {

using InputArray = py::array_t<double, py::array::c_style | py::array::forcecast>;

/// The seed's execute(initial_state, control_inputs, dt, horizon) on the study's plant:
/// open loop, `horizon` control periods of `dt`, the trajectory saved at every step, the
/// study's integrator, bounds and max_force, nominal physics.
struct OpenLoopBatch {
  SimConfig sim;
  ControllerConfig controller;
  std::vector<TaskSpec> tasks;
  std::vector<std::vector<double>> sequences;  ///< one shared row, or one per task
};

OpenLoopBatch make_open_loop_batch(const Study& study, const InputArray& initial_states,
                                   const InputArray& controls, double dt, std::int64_t horizon) {
  if (!(dt > 0) || !std::isfinite(dt))
    throw ConfigError("dt", std::to_string(dt), "allowed: a finite time step > 0 [s]");
  if (horizon < 1)
    throw ConfigError("horizon", std::to_string(horizon), "allowed: a step count >= 1");
  if (initial_states.ndim() != 2 || initial_states.shape(1) != 6)
    throw ConfigError("initial_state",
                      "an array of " + std::to_string(initial_states.ndim()) + " dims",
                      "allowed: shape [B, 6]");
  const auto num_tasks = static_cast<std::size_t>(initial_states.shape(0));
  const auto rows = controls.ndim() == 2 ? static_cast<std::size_t>(controls.shape(0)) : 0;
  if (controls.ndim() != 2 || (rows != 1 && rows != num_tasks) ||
      controls.shape(1) != static_cast<py::ssize_t>(horizon))
    throw ConfigError("control_inputs", "an array of " + std::to_string(controls.ndim()) + " dims",
                      "allowed: shape [1, horizon] or [B, horizon]");

  OpenLoopBatch batch;
  batch.sim = study.sim;
  batch.sim.dt = dt;
  batch.sim.duration = static_cast<double>(horizon) * dt;
  batch.sim.save_every = 1;
  batch.controller = study.controller;
  batch.controller.kind = ControllerKind::open_loop;
  batch.controller.gains.clear();

  const auto x = initial_states.unchecked<2>();
  batch.tasks.resize(num_tasks);
  for (std::size_t i = 0; i < num_tasks; ++i) {
    TaskSpec& task = batch.tasks[i];
    task.id = i;
    task.params = study.nominal;
    for (py::ssize_t c = 0; c < 6; ++c) task.initial_state[c] = x(static_cast<py::ssize_t>(i), c);
  }
  const auto u = controls.unchecked<2>();
  batch.sequences.resize(rows);
  for (std::size_t r = 0; r < rows; ++r) {
    const double* row = &u(static_cast<py::ssize_t>(r), 0);
    batch.sequences[r].assign(row, row + horizon);
  }
  return batch;
}

/// Runs one open-loop batch; result i belongs to initial_states[i]. One shared input
/// sequence: simorch::ParallelOrchestrator (or one SequentialOrchestrator on the calling
/// thread when `threads` is -1). One sequence per task: a SequentialOrchestrator per task
/// (the controller carries the sequence) on a WorkerPool.
BatchResultContainer run_open_loop(const Study& study, const InputArray& initial_states,
                                   const InputArray& controls, double dt, std::int64_t horizon,
                                   int threads) {
  OpenLoopBatch batch = make_open_loop_batch(study, initial_states, controls, dt, horizon);
  const auto num_samples = static_cast<std::size_t>(batch.sim.num_samples());
  const bool is_shared = batch.sequences.size() == 1;

  if (is_shared && threads >= 0) {
    batch.controller.sequence = std::move(batch.sequences.front());
    const py::gil_scoped_release release;
    ParallelOrchestrator runner(batch.sim, batch.controller, study.nominal, threads);
    return runner.run(batch.tasks);
  }

  BatchResultContainer results(batch.tasks.size(), num_samples, dt);
  auto run_task = [&](std::size_t i, int thread) {
    ControllerConfig controller = batch.controller;
    controller.sequence = batch.sequences[is_shared ? 0 : i];
    const SequentialOrchestrator sequential(batch.sim, controller, study.nominal);
    TaskSummary summary = sequential.run(batch.tasks[i], results.trajectory_slot(i));
    summary.rank = 0;
    summary.thread = thread;
    results.set_summary(i, summary);
  };
  // A bad configuration (e.g. a study whose bounds are invalid) throws here, before any
  // thread starts, instead of turning every task into an error.
  { SequentialOrchestrator check(batch.sim, batch.controller, study.nominal); }
  if (threads < 0) {
    const py::gil_scoped_release release;
    for (std::size_t i = 0; i < batch.tasks.size(); ++i) run_task(i, 0);
    return results;
  }
  WorkerPool pool(threads);
  wait_interruptibly(pool.run_chunk(
      TaskRange{0, batch.tasks.size()},
      [&](std::uint64_t i, int thread) { run_task(static_cast<std::size_t>(i), thread); }));
  return results;
}

}  // namespace

void bind_orchestrators(py::module_& m) {
  m.def("run_open_loop", &run_open_loop, py::arg("study"), py::arg("initial_states"),
        py::arg("controls"), py::arg("dt"), py::arg("horizon"), py::arg("threads"),
        "Open-loop batch on the study's plant (the seed's execute()); threads -1: on the "
        "calling thread. Runs without the GIL.");
  m.def(
      "run_parallel_simulations",
      [](const Study& study, int threads) {
        const py::gil_scoped_release release;
        return run_parallel_simulations(study, threads);
      },
      py::arg("study"), py::arg("threads"),
      "Every task of the study in memory (simorch::run_parallel_simulations), without the GIL.");
}

}  // namespace simorch::python
