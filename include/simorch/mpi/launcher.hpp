#pragma once

#include "simorch/run/cores.hpp"

namespace simorch::mpi {

/// Collective: query_cores() with the number of this job's ranks on this node
/// (MPI_COMM_TYPE_SHARED).
RankCores query_rank_cores();

}  // namespace simorch::mpi
