// MPI-aware GoogleTest main (after gtest-mpi-listener, as vendored by KaMPIng and Ginkgo):
// every rank runs every test; after each test the failure messages of all ranks are
// gathered to rank 0, which alone prints; the exit code is the worst RUN_ALL_TESTS() of
// any rank, the same on every rank.
#include <gtest/gtest.h>
#include <mpi.h>

#include <boost/mpi/collectives/all_reduce.hpp>
#include <boost/mpi/collectives/gather.hpp>
#include <boost/mpi/communicator.hpp>
#include <boost/mpi/environment.hpp>
#include <boost/serialization/string.hpp>
#include <boost/serialization/vector.hpp>
#include <cstdio>
#include <string>
#include <vector>

namespace {

// Collects this rank's failed assertions of the current test; after the test, rank 0
// prints those of every other rank (its own are printed by gtest's default printer).
class GatherFailuresListener : public testing::EmptyTestEventListener {
 public:
  explicit GatherFailuresListener(boost::mpi::communicator world) : world_(std::move(world)) {}

  void OnTestPartResult(const testing::TestPartResult& result) override {
    if (!result.failed()) return;
    failures_ += std::string(result.file_name() ? result.file_name() : "unknown") + ":" +
                 std::to_string(result.line_number()) + ": " + result.summary() + "\n";
  }

  void OnTestEnd(const testing::TestInfo& info) override {
    // Every rank runs the same tests in the same order, so this collective matches up.
    std::vector<std::string> all;
    if (world_.rank() == 0) {
      boost::mpi::gather(world_, failures_, all, 0);
      for (std::size_t r = 1; r < all.size(); ++r) {
        if (all[r].empty()) continue;
        std::printf("[  FAILED  ] %s.%s on rank %zu:\n%s", info.test_suite_name(), info.name(), r,
                    all[r].c_str());
        failed_elsewhere_.push_back(std::string(info.test_suite_name()) + "." + info.name() +
                                    " (rank " + std::to_string(r) + ")");
      }
      std::fflush(stdout);
    } else {
      boost::mpi::gather(world_, failures_, 0);
    }
    failures_.clear();
  }

  /// Rank 0: tests that failed on another rank (gtest's own summary only knows rank 0).
  const std::vector<std::string>& failed_elsewhere() const { return failed_elsewhere_; }

 private:
  boost::mpi::communicator world_;
  std::string failures_;
  std::vector<std::string> failed_elsewhere_;
};

}  // namespace

int main(int argc, char** argv) {
  boost::mpi::environment env(argc, argv, boost::mpi::threading::funneled,
                              /*abort_on_exception=*/true);
  if (env.thread_level() < boost::mpi::threading::funneled) {
    std::fprintf(stderr, "MPI does not provide MPI_THREAD_FUNNELED\n");
    return 1;
  }
  boost::mpi::communicator world;
  testing::InitGoogleTest(&argc, argv);

  auto& listeners = testing::UnitTest::GetInstance()->listeners();
  if (world.rank() != 0) delete listeners.Release(listeners.default_result_printer());
  auto* gather = new GatherFailuresListener(world);
  listeners.Append(gather);  // the listener list owns it

  const int local = RUN_ALL_TESTS();
  int worst = 0;
  boost::mpi::all_reduce(world, local, worst, boost::mpi::maximum<int>());
  if (world.rank() == 0) {
    for (const auto& name : gather->failed_elsewhere())
      std::printf("[  FAILED  ] %s\n", name.c_str());
    if (worst != local || !gather->failed_elsewhere().empty()) {
      std::printf("[  FAILED  ] failures on other ranks: see above\n");
    }
  }
  return worst;
}
