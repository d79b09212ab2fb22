#include "simorch/mpi/rank_cores.hpp"

#include <gtest/gtest.h>

namespace simorch::mpi {
namespace {

TEST(DefaultThreads, slurm_cpus_per_task_wins) {
  EXPECT_EQ(default_threads({2, 1, 64, 16}), 16);
}

TEST(DefaultThreads, unbound_ranks_share_the_node) {
  EXPECT_EQ(default_threads({1, 8, 8, 0}), 8);
  EXPECT_EQ(default_threads({2, 8, 8, 0}), 4);
  EXPECT_EQ(default_threads({3, 8, 8, 0}), 2);
}

TEST(DefaultThreads, a_bound_rank_uses_its_mask) {
  // mpirun -np 1 binds to one core; --map-by slot:PE=4 gives four.
  EXPECT_EQ(default_threads({1, 1, 2, 0}), 1);
  EXPECT_EQ(default_threads({2, 4, 16, 0}), 4);
}

TEST(DefaultThreads, oversubscribed_ranks_get_one_thread) {
  EXPECT_EQ(default_threads({3, 2, 2, 0}), 1);
}

}  // namespace
}  // namespace simorch::mpi
