#pragma once

#include <string>

namespace simorch {

/// What the launcher gave this process.
struct RankCores {
  int ranks_on_node = 1;        ///< ranks of this job on this node (1 in process)
  int affinity_cores = 1;       ///< CPUs in this process's affinity mask (mpirun binding, cgroup)
  int node_cores = 1;           ///< hardware threads of the node
  int slurm_cpus_per_task = 0;  ///< SLURM_CPUS_PER_TASK, 0 when unset
};

/// Inspects the node, the affinity mask and SLURM's variables; `ranks_on_node` comes from
/// the caller (the MPI layer counts them, a run in process is alone).
RankCores query_cores(int ranks_on_node);

/// Threads a rank runs when neither --threads nor execution.threads says: the cores per
/// rank the launcher gave it. SLURM_CPUS_PER_TASK when set; else the smaller of the
/// affinity mask and the node's cores shared among its ranks; at least 1.
int default_threads(const RankCores& cores) noexcept;

/// This machine's host name, as /timing/ranks records it.
std::string host_name();

}  // namespace simorch
