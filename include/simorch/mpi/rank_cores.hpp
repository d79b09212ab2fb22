#pragma once

namespace simorch::mpi {

/// What the launcher gave this rank.
struct RankCores {
  int ranks_on_node = 1;        ///< ranks of this job on this node (MPI_COMM_TYPE_SHARED)
  int affinity_cores = 1;       ///< CPUs in this process's affinity mask (mpirun binding, cgroup)
  int node_cores = 1;           ///< hardware threads of the node
  int slurm_cpus_per_task = 0;  ///< SLURM_CPUS_PER_TASK, 0 when unset
};

/// Collective: inspects the node, the affinity mask and SLURM's variables.
RankCores query_rank_cores();

/// Threads a rank runs when neither --threads nor execution.threads says: the cores per
/// rank the launcher gave it. SLURM_CPUS_PER_TASK when set; else the smaller of the
/// affinity mask and the node's cores shared among its ranks; at least 1.
int default_threads(const RankCores& cores) noexcept;

}  // namespace simorch::mpi
