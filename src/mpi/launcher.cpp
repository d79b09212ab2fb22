#include "simorch/mpi/launcher.hpp"

#include <mpi.h>

namespace simorch::mpi {

RankCores query_rank_cores() {
  int ranks_on_node = 1;
  MPI_Comm node = MPI_COMM_NULL;
  if (MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node) ==
      MPI_SUCCESS) {
    MPI_Comm_size(node, &ranks_on_node);
    MPI_Comm_free(&node);
  }
  return query_cores(ranks_on_node);
}

}  // namespace simorch::mpi
