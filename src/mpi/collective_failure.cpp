#include "simorch/mpi/collective_failure.hpp"

#include <boost/mpi/collectives/all_reduce.hpp>
#include <boost/mpi/collectives/broadcast.hpp>
#include <boost/mpi/communicator.hpp>
#include <boost/serialization/string.hpp>
#include <exception>
#include <limits>

namespace simorch::mpi {

Failure failure_from_current_exception() {
  try {
    throw;
  } catch (const CollectiveFailure& e) {
    return {e.exit_code(), e.what()};
  } catch (const ConfigError& e) {
    return {exit_code::bad_input, e.what()};
  } catch (const IoError& e) {
    return {e.is_bad_input() ? exit_code::bad_input : exit_code::runtime_failure, e.what()};
  } catch (const std::exception& e) {
    return {exit_code::runtime_failure, e.what()};
  } catch (...) {
    return {exit_code::runtime_failure, "unknown error"};
  }
}

std::optional<Failure> agree_on_failure(const std::optional<Failure>& mine) {
  boost::mpi::communicator world;
  const int my_rank = mine ? world.rank() : std::numeric_limits<int>::max();
  int first = 0;
  boost::mpi::all_reduce(world, my_rank, first, boost::mpi::minimum<int>());
  if (first == std::numeric_limits<int>::max()) return std::nullopt;
  // A rare control message: Boost.Serialization of a string is fine here (design.md).
  Failure agreed = mine.value_or(Failure{});
  boost::mpi::broadcast(world, agreed.exit_code, first);
  boost::mpi::broadcast(world, agreed.message, first);
  return agreed;
}

}  // namespace simorch::mpi
