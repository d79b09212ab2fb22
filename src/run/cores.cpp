#include "simorch/run/cores.hpp"

#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <thread>

namespace simorch {

RankCores query_cores(int ranks_on_node) {
  RankCores cores;
  cores.ranks_on_node = std::max(1, ranks_on_node);
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

std::string host_name() {
  std::array<char, 256> name{};
  if (gethostname(name.data(), name.size() - 1) != 0) return "unknown";
  return std::string(name.data());
}

}  // namespace simorch
