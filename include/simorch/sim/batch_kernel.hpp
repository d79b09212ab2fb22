#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "simorch/control/controller.hpp"
#include "simorch/sim/sequential_orchestrator.hpp"
#include "simorch/sim/sim_config.hpp"
#include "simorch/sim/task.hpp"

namespace simorch {

/// Instruction set of a batch kernel build (docs/kernel.md).
enum class KernelIsa : std::uint8_t { sse2 = 0, avx2 = 1, avx512 = 2 };

/// "sse2" / "avx2" / "avx512".
std::string_view to_string(KernelIsa isa) noexcept;
/// Parses "sse2" / "avx2" / "avx512"; empty for anything else.
std::optional<KernelIsa> parse_kernel_isa(std::string_view text) noexcept;
/// Tasks per lockstep batch: 4, 8, 16 (two registers of 2, 4, 8 doubles).
int kernel_width(KernelIsa isa) noexcept;
/// Whether this CPU (and OS) can run `isa`.
bool is_supported(KernelIsa isa) noexcept;
/// The widest ISA this CPU supports.
KernelIsa widest_supported_isa() noexcept;
/// The ISA the batch kernel uses: SIMORCH_KERNEL_ISA if set, else the widest supported.
/// Throws ConfigError naming SIMORCH_KERNEL_ISA for an unknown value or one this CPU cannot run.
KernelIsa selected_kernel_isa();

/// What a run's numbers were computed with; recorded per run segment in the batch file.
struct KernelInfo {
  std::string isa;   ///< "sse2", "avx2", "avx512", or "scalar" (controllers it lacks)
  int width = 1;     ///< tasks per batch
  std::string math;  ///< e.g. "SLEEF 3.5.1 finz_sincos u35" (+ ", pow u10" for dp45)
  /// Results are bitwise identical between runs whose `numerics` match: "sleef-fma"
  /// (avx2, avx512), "sleef-nofma" (sse2), "scalar-libm" (the one-task path).
  std::string numerics;
};

/// One line for the batch file's /timing/segments kernel column:
/// "avx512 x16; SLEEF 3.5.1 finz_sincos u35; numerics sleef-fma".
std::string describe(const KernelInfo& info);
/// The numerics family in a describe() line ("" when it names none, e.g. an old file).
std::string numerics_of(std::string_view description);

/// Runs many tasks of one study W at a time in lockstep (structure of arrays, one SIMD
/// lane per task; docs/kernel.md). Every task takes the same code path whatever its lane
/// and however full its batch (partial batches are padded), so its result is bitwise the
/// same in any batch. Studies the kernel does not cover (a controller it does not know)
/// run every task through SequentialOrchestrator instead (is_vectorised() false).
/// Immutable after construction and safe to share between threads.
class BatchKernel {
 public:
  /// Validates like SequentialOrchestrator. `isa` empty: selected_kernel_isa().
  BatchKernel(const SimConfig& config, const ControllerConfig& controller, const DipParams& nominal,
              std::optional<KernelIsa> isa = std::nullopt);
  ~BatchKernel();
  BatchKernel(const BatchKernel&) = delete;
  BatchKernel& operator=(const BatchKernel&) = delete;

  /// Tasks per lockstep batch; 1 on the scalar path. Callers hand over multiples of it.
  int width() const noexcept;
  bool is_vectorised() const noexcept;
  KernelInfo info() const;

  /// Runs tasks[i] into summaries[i] and, when `trajectories` is not empty, trajectories[i];
  /// any number of tasks (the last batch is padded). Each summary's wall_time_s is its
  /// share of its batch's time. Never throws for a simulation outcome.
  void run(std::span<const TaskSpec> tasks, std::span<TaskSummary> summaries,
           std::span<const TrajectoryOut> trajectories = {}) const noexcept;

  /// The one-task scalar path (the reference the kernel is tested against).
  const SequentialOrchestrator& scalar() const noexcept;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace simorch
