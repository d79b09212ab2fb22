#include "simorch/mpi/rank_cores.hpp"

#include <mpi.h>
#include <sched.h>

#include <algorithm>
#include <cstdlib>
#include <string>
#include <thread>

#include "simorch/mpi/mpi_error.hpp"

namespace simorch::mpi {

RankCores query_rank_cores() {
  RankCores cores;
  MPI_Comm node = MPI_COMM_NULL;
  check_mpi(MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node),
            "MPI_Comm_split_type");
  check_mpi(MPI_Comm_size(node, &cores.ranks_on_node), "MPI_Comm_size");
  check_mpi(MPI_Comm_free(&node), "MPI_Comm_free");
  cores.node_cores = std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  cpu_set_t mask;
  CPU_ZERO(&mask);
  cores.affinity_cores =
      sched_getaffinity(0, sizeof mask, &mask) == 0 ? CPU_COUNT(&mask) : cores.node_cores;
  if (const char* slurm = std::getenv("SLURM_CPUS_PER_TASK")) {
    cores.slurm_cpus_per_task = std::max(0, std::atoi(slurm));
  }
  return cores;
}

int default_threads(const RankCores& cores) noexcept {
  if (cores.slurm_cpus_per_task > 0) return cores.slurm_cpus_per_task;
  const int share = cores.node_cores / std::max(1, cores.ranks_on_node);
  return std::max(1, std::min(cores.affinity_cores, share));
}

}  // namespace simorch::mpi
