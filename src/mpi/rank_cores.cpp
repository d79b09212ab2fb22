#include "simorch/mpi/rank_cores.hpp"

#include <mpi.h>

#include "simorch/mpi/mpi_error.hpp"

namespace simorch::mpi {

RankCores query_rank_cores() {
  int ranks_on_node = 1;
  MPI_Comm node = MPI_COMM_NULL;
  check_mpi(MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node),
            "MPI_Comm_split_type");
  check_mpi(MPI_Comm_size(node, &ranks_on_node), "MPI_Comm_size");
  check_mpi(MPI_Comm_free(&node), "MPI_Comm_free");
  return query_cores(ranks_on_node);
}

}  // namespace simorch::mpi
