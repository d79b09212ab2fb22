#include "simorch/tune/tuner.hpp"

#include <algorithm>
#include <boost/mpi/collectives/broadcast.hpp>
#include <boost/mpi/communicator.hpp>
#include <boost/serialization/vector.hpp>
#include <chrono>
#include <cmath>
#include <cstring>
#include <limits>
#include <optional>
#include <pagmo/algorithms/pso_gen.hpp>
#include <pagmo/bfe.hpp>
#include <pagmo/population.hpp>
#include <pagmo/problem.hpp>
#include <random>
#include <stdexcept>

#include "simorch/analysis/statistics.hpp"
#include "simorch/error.hpp"
#include "simorch/mpi/dispatcher.hpp"
#include "simorch/sim/sequential_orchestrator.hpp"
#include "simorch/study/make_task.hpp"
#include "simorch/tune/task_cost.hpp"
#include "tune_file.hpp"
#include "tune_journal.hpp"

namespace simorch {
namespace {

using Clock = std::chrono::steady_clock;

/// The gains' box for pagmo. fitness() is never called: every evaluation goes through the
/// batch evaluator (one dispatch per generation).
struct GainProblem {
  pagmo::vector_double lower, upper;
  pagmo::vector_double fitness(const pagmo::vector_double&) const {
    throw std::logic_error("simorch tune evaluates whole generations only");
  }
  std::pair<pagmo::vector_double, pagmo::vector_double> get_bounds() const {
    return {lower, upper};
  }
};

/// Commands rank 0 broadcasts to the other ranks' loop (rare control messages).
enum Command : int { evaluate = 1, validate = 2, finish = 3 };

/// Collects one dispatch's per-task numbers on rank 0's writer thread, indexed by task id
/// (the summary's `ise` slot carries a tuning task's cost: these summaries never reach a
/// batch file), so the combination below is in task-id order whatever the arrival order.
class CostSink final : public mpi::ResultSink {
 public:
  explicit CostSink(std::size_t tasks) : values_(tasks, 0.0), success_(tasks, 0) {}
  void write(std::span<const TaskSummary> summaries, std::span<const double>,
             std::span<const double>) override {
    for (const TaskSummary& s : summaries) {
      values_[s.task_id] = s.ise;
      success_[s.task_id] = s.success;
    }
  }
  void checkpoint() override {}
  const std::vector<double>& values() const { return values_; }
  const std::vector<std::uint8_t>& success() const { return success_; }

 private:
  std::vector<double> values_;
  std::vector<std::uint8_t> success_;
};

struct DispatchStats {
  double wall_s = 0;
  double utilisation = 0;
  double idle_s = 0;  ///< core-seconds without a task: mostly the wait for the last ones
  int exit_code = 0;
};

class Tuner {
 public:
  Tuner(const Study& study, const TuningConfig& tuning, const TuneOptions& options)
      : study_(study),
        tuning_(tuning),
        options_(options),
        particles_(static_cast<std::size_t>(tuning.n_particles)),
        dims_(tuning.lower.size()),
        samples_(static_cast<std::size_t>(tuning.samples)) {
    sim_ = study.sim;
    sim_.save_every = 1;  // the control rate needs every force
  }

  /// Rank 0: drives the swarm. Returns the result (exit_code 75 when stopped).
  TuneResult drive(std::uint64_t study_hash) {
    std::vector<detail::GenerationRecord> replay;
    const std::filesystem::path journal_path = options_.output.string() + ".journal";
    if (options_.is_resume) replay = detail::read_tune_journal(journal_path, study_hash);
    if (replay.size() > static_cast<std::size_t>(tuning_.iters + 1)) {
      replay.resize(static_cast<std::size_t>(tuning_.iters + 1));
    }
    journal_.emplace(journal_path, study_hash, replay);
    replay_ = std::move(replay);
    start_ = Clock::now();

    GainProblem udp{tuning_.lower, tuning_.upper};
    pagmo::problem problem(udp);
    // pyswarms' GlobalBestPSO (the seed): v ← w·v + c1·r1∘(p − x) + c2·r2∘(g − x) with
    // per-component random r1, r2 = pagmo variant 1; neighb_type 1 = global best; no
    // velocity clamp in pyswarms ⇒ max_vel 1 (pagmo's largest: the whole range); memory
    // keeps velocities and personal bests across our one-generation evolve() calls.
    pagmo::pso_gen algorithm(1u, tuning_.w, tuning_.c1, tuning_.c2, 1.0, 1u, 1u, 4u, true,
                             static_cast<unsigned>(tuning_.seed & 0xffffffffu));
    algorithm.set_bfe(pagmo::bfe{BatchEvaluator{this}});
    pagmo::population population(problem, 0u, static_cast<unsigned>(tuning_.seed & 0xffffffffu));
    // The initial swarm: uniform in the box from the PSO seed (53-bit mantissas of a
    // mt19937_64, identical on every platform).
    std::mt19937_64 engine(tuning_.seed);
    pagmo::vector_double initial(particles_ * dims_);
    for (std::size_t i = 0; i < initial.size(); ++i) {
      const std::size_t k = i % dims_;
      const double unit = static_cast<double>(engine() >> 11) * 0x1.0p-53;
      initial[i] = tuning_.lower[k] + unit * (tuning_.upper[k] - tuning_.lower[k]);
    }
    if (tuning_.is_seeded_with_study_gains && study_.controller.gains.size() == dims_) {
      for (std::size_t k = 0; k < dims_; ++k) {
        initial[k] = std::clamp(study_.controller.gains[k], tuning_.lower[k], tuning_.upper[k]);
      }
    }
    const pagmo::vector_double costs = evaluate_generation(initial);
    if (stopped_) return stopped();
    for (std::size_t p = 0; p < particles_; ++p) {
      population.push_back(
          pagmo::vector_double(initial.begin() + static_cast<std::ptrdiff_t>(p * dims_),
                               initial.begin() + static_cast<std::ptrdiff_t>((p + 1) * dims_)),
          {costs[p]});
    }
    for (std::int64_t g = 0; g < tuning_.iters; ++g) {
      population = algorithm.evolve(population);
      if (stopped_) return stopped();
    }
    TuneResult result;
    result.best_gains = best_x_;
    result.best_cost = best_f_;
    validate_best(result);
    if (stopped_) return stopped();
    broadcast_command(finish, {});
    result.particles_per_s = live_wall_s_ > 0 ? live_particles_ / live_wall_s_ : 0.0;
    result.utilisation = live_wall_s_ > 0 ? live_busy_ / live_wall_s_ : 0.0;
    result.idle_s = live_idle_s_;
    detail::write_tune_file(options_.output, study_, tuning_, history_, wall_s_, result);
    return result;
  }

  /// Ranks ≠ 0: evaluate what rank 0 asks until it says finish (or a stop).
  int serve() {
    for (;;) {
      std::vector<double> message;
      boost::mpi::broadcast(world_, message, 0);
      const auto command = static_cast<Command>(static_cast<int>(message.at(0)));
      if (command == finish) return 0;
      positions_.assign(message.begin() + 1, message.end());
      const DispatchStats stats =
          command == evaluate ? dispatch_costs(nullptr) : dispatch_validation(nullptr, 0);
      if (stats.exit_code != 0) return stats.exit_code;
    }
  }

  /// The pagmo bfe: a whole generation's decision vectors in, their costs out.
  pagmo::vector_double evaluate_generation(const pagmo::vector_double& positions) {
    if (stopped_) return pagmo::vector_double(particles_, tuning_.cost.instability_penalty);
    const std::size_t g = history_.size();
    detail::GenerationRecord record;
    record.generation = g;
    record.particles = particles_;
    record.dims = dims_;
    record.positions.assign(positions.begin(), positions.end());
    double wall = 0.0;
    bool is_replayed = false;
    if (g < replay_.size()) {
      if (replay_[g].positions.size() != positions.size() ||
          std::memcmp(replay_[g].positions.data(), positions.data(), 8 * positions.size()) != 0) {
        throw Error("simorch tune --resume: generation " + std::to_string(g) +
                    " of the journal does not match the swarm (was the study changed?)");
      }
      record.costs = replay_[g].costs;
      is_replayed = true;
    } else {
      positions_ = record.positions;
      broadcast_command(evaluate, positions_);
      CostSink sink(particles_ * samples_);
      const DispatchStats stats = dispatch_costs(&sink);
      if (stats.exit_code != 0) {
        stopped_ = true;
        exit_code_ = stats.exit_code;
        return pagmo::vector_double(particles_, tuning_.cost.instability_penalty);
      }
      record.costs.resize(particles_);
      for (std::size_t p = 0; p < particles_; ++p) {
        record.costs[p] =
            combine_costs(std::span(sink.values()).subspan(p * samples_, samples_), tuning_.cost);
      }
      journal_->append(record);
      wall = stats.wall_s;
      live_wall_s_ += stats.wall_s;
      live_busy_ += stats.utilisation * stats.wall_s;
      live_idle_s_ += stats.idle_s;
      last_idle_s_ = stats.idle_s;
      live_particles_ += static_cast<double>(particles_);
      ++live_generations_;
      last_utilisation_ = stats.utilisation;
    }
    for (std::size_t p = 0; p < particles_; ++p) {
      if (record.costs[p] < best_f_) {  // strict: the earliest of equal costs wins
        best_f_ = record.costs[p];
        best_x_.assign(record.positions.begin() + static_cast<std::ptrdiff_t>(p * dims_),
                       record.positions.begin() + static_cast<std::ptrdiff_t>((p + 1) * dims_));
      }
    }
    history_.push_back(record);
    wall_s_.push_back(wall);
    report(g, is_replayed, wall);
    return pagmo::vector_double(record.costs.begin(), record.costs.end());
  }

 private:
  /// A default-constructible, copyable handle for pagmo::bfe (pagmo copies it).
  struct BatchEvaluator {
    Tuner* tuner = nullptr;
    pagmo::vector_double operator()(const pagmo::problem&, const pagmo::vector_double& x) const {
      return tuner->evaluate_generation(x);
    }
  };

  TuneResult stopped() const {
    TuneResult result;
    result.exit_code = exit_code_;
    return result;
  }

  void broadcast_command(Command command, const std::vector<double>& payload) {
    std::vector<double> message;
    message.reserve(payload.size() + 1);
    message.push_back(static_cast<double>(command));
    message.insert(message.end(), payload.begin(), payload.end());
    boost::mpi::broadcast(world_, message, 0);
  }

  mpi::DispatchOptions dispatch_options() const {
    mpi::DispatchOptions o;
    o.threads = options_.threads;
    o.min_chunk = study_.execution.min_chunk;
    o.max_chunk = study_.execution.max_chunk;
    o.stop_timeout_s = study_.execution.stop_timeout_s;
    return o;
  }

  static DispatchStats stats_of(const mpi::DispatchOutcome& outcome) {
    DispatchStats stats;
    stats.wall_s = outcome.wall_s;
    stats.exit_code = outcome.exit_code;
    double busy = 0.0;
    for (const auto& t : outcome.thread_timing) busy += t.busy_s;
    const double capacity = outcome.wall_s * std::max(1, outcome.total_threads);
    stats.utilisation = outcome.wall_s > 0 ? busy / capacity : 0.0;
    stats.idle_s = std::max(0.0, capacity - busy);
    return stats;
  }

  /// Collective: particles × samples tasks; task id = particle·samples + sample.
  DispatchStats dispatch_costs(CostSink* sink) {
    const std::uint64_t tasks = particles_ * samples_;
    std::vector<TaskRange> pending;
    if (sink != nullptr) pending.push_back({0, tasks});
    const mpi::TaskFunction task = [this](std::uint64_t id, TrajectoryOut) {
      return run_cost_task(id);
    };
    return stats_of(mpi::run_dispatch(pending, sink, task, dispatch_options()));
  }

  TaskSummary run_cost_task(std::uint64_t id) const {
    const std::size_t p = id / samples_;
    const std::uint64_t sample = id % samples_;
    ControllerConfig controller = study_.controller;
    controller.gains.assign(positions_.begin() + static_cast<std::ptrdiff_t>(p * dims_),
                            positions_.begin() + static_cast<std::ptrdiff_t>((p + 1) * dims_));
    thread_local std::vector<double> states;
    thread_local std::vector<double> controls;
    const auto n = static_cast<std::size_t>(sim_.num_samples());
    states.assign(6 * n, 0.0);
    controls.assign(n, 0.0);
    TaskSummary summary;
    double cost = tuning_.cost.instability_penalty;
    try {
      // Gains the controller refuses (e.g. a surface the force cannot move) cost the
      // instability penalty like a run that fell.
      const SequentialOrchestrator orchestrator(sim_, controller, study_.nominal);
      summary = orchestrator.run(make_task(study_, sample), TrajectoryOut{states, controls});
      cost = task_cost(summary, states, controls, sim_.dt, tuning_.cost);
    } catch (const std::exception&) {
      summary.status = TaskStatus::error;
    }
    summary.task_id = id;
    summary.ise = cost;
    return summary;
  }

  /// Collective: the best gains on validation_samples tasks of a fresh seed.
  DispatchStats dispatch_validation(CostSink* sink, std::uint64_t tasks) {
    Study fresh = study_;
    fresh.monte_carlo.seed = tuning_.validation_seed;
    fresh.monte_carlo.num_samples = static_cast<std::uint64_t>(tuning_.validation_samples);
    ControllerConfig controller = study_.controller;
    controller.gains = positions_;
    const SequentialOrchestrator orchestrator(study_.sim, controller, study_.nominal);
    std::vector<TaskRange> pending;
    if (sink != nullptr) pending.push_back({0, tasks});
    const mpi::TaskFunction task = [&](std::uint64_t id, TrajectoryOut) {
      return orchestrator.run(make_task(fresh, id));
    };
    return stats_of(mpi::run_dispatch(pending, sink, task, dispatch_options()));
  }

  void validate_best(TuneResult& result) {
    const auto trials = static_cast<std::uint64_t>(
        std::min<std::uint64_t>(static_cast<std::uint64_t>(tuning_.validation_samples),
                                study_.initial_state.kind == InitialStateKind::file
                                    ? study_.num_tasks()
                                    : std::numeric_limits<std::uint64_t>::max()));
    positions_ = best_x_;
    broadcast_command(validate, positions_);
    CostSink sink(trials);
    const DispatchStats stats = dispatch_validation(&sink, trials);
    if (stats.exit_code != 0) {
      stopped_ = true;
      exit_code_ = stats.exit_code;
      return;
    }
    std::uint64_t successes = 0;
    for (const std::uint8_t s : sink.success()) successes += s;
    const analysis::Interval interval = analysis::wilson_interval(successes, trials);
    result.validation_successes = successes;
    result.validation_trials = trials;
    result.validation_lower = interval.lower;
    result.validation_upper = interval.upper;
  }

  void report(std::size_t g, bool is_replayed, double wall) {
    if (!options_.on_generation) return;
    GenerationProgress progress;
    progress.generation = static_cast<std::int64_t>(g);
    progress.generations = tuning_.iters + 1;
    progress.best_cost = best_f_;
    progress.best_gains = best_x_;
    progress.is_replayed = is_replayed;
    progress.wall_s = wall;
    progress.elapsed_s = std::chrono::duration<double>(Clock::now() - start_).count();
    const double pace = live_generations_ > 0 ? live_wall_s_ / live_generations_ : 0.0;
    progress.eta_s = pace * static_cast<double>(progress.generations - 1 - progress.generation);
    progress.utilisation = is_replayed ? 0.0 : last_utilisation_;
    progress.idle_s = is_replayed ? 0.0 : last_idle_s_;
    progress.particles_per_s = wall > 0 ? static_cast<double>(particles_) / wall : 0.0;
    options_.on_generation(progress);
  }

  boost::mpi::communicator world_;
  const Study& study_;
  const TuningConfig& tuning_;
  const TuneOptions& options_;
  SimConfig sim_;
  std::size_t particles_, dims_, samples_;
  std::vector<double> positions_;  ///< what the current dispatch evaluates (every rank)
  std::optional<detail::TuneJournal> journal_;
  std::vector<detail::GenerationRecord> replay_;
  std::vector<detail::GenerationRecord> history_;
  std::vector<double> wall_s_;
  std::vector<double> best_x_;
  double best_f_ = std::numeric_limits<double>::infinity();
  bool stopped_ = false;
  int exit_code_ = 0;
  Clock::time_point start_;
  double live_wall_s_ = 0, live_busy_ = 0, live_particles_ = 0, last_utilisation_ = 0;
  double live_idle_s_ = 0, last_idle_s_ = 0;
  int live_generations_ = 0;
};

/// Identity of the setup a journal belongs to: the study text (which holds the pso,
/// cost_function and tuning sections) and the journal format.
std::uint64_t setup_hash(const Study& study) {
  return detail::fnv1a64(study.text.data(), study.text.size(), 0x51a7e5eed0000001ULL);
}

}  // namespace

TuneResult run_tuning(const Study& study, const TuningConfig& tuning, const TuneOptions& options) {
  boost::mpi::communicator world;
  Tuner tuner(study, tuning, options);
  if (world.rank() != 0) {
    TuneResult result;
    result.exit_code = tuner.serve();
    return result;
  }
  // An exception here leaves the other ranks waiting for a command: the caller must end
  // the job (cmd_tune aborts every rank), as for any rank-local failure of `run`.
  return tuner.drive(setup_hash(study));
}

}  // namespace simorch
